"""Scheduled course work: plain functions of ``now`` that the scheduler runs.

Each job is its own transaction: it calls the services, commits once, and returns what it did.
It runs under the job's lease, so a second scheduler at the same moment skips the run; the
service also locks each course and reads the offer again, so a later run does nothing.
"""

from __future__ import annotations

import logging
from datetime import datetime

from talent.courses.services import waitlist
from talent.extensions import db
from talent.periodic import job_lease

log = logging.getLogger(__name__)


def expire_offers(now: datetime) -> int:
    """Lapse offers past their deadline; each seat passes to the next person waiting."""
    try:
        if not job_lease("courses-expire-offers"):
            db.session.rollback()
            return 0
        lapsed = waitlist.expire_offers(now)
    except Exception:
        db.session.rollback()
        log.exception("course job expire_offers failed")
        raise
    db.session.commit()
    log.info("course job expire_offers: %d offer(s) lapsed", lapsed)
    return lapsed


#: For talent.scheduler.jobs.JOBS: ScheduledJob(name, func, every_seconds) for each.
SCHEDULED = (("courses-expire-offers", expire_offers, 5 * 60),)
