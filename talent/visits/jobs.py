"""Scheduled lab-visit work: plain functions of ``now`` that the scheduler runs (SCHEDULED).

The host digest runs hourly but goes out once a day per host (its idempotency key holds the
day), from DIGEST_HOUR local time on. It runs under the job's lease, so a second scheduler at
the same moment skips the run; a later run writes nothing new.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, joinedload

from talent.clock import at_local, local_date, platform_zone
from talent.extensions import db
from talent.people.models import Organization
from talent.periodic import job_lease
from talent.visits import reminders
from talent.visits.models import OPEN_VISIT_STATES, LabVisit, VisitSlot

log = logging.getLogger(__name__)

#: The digest covers visits starting within this many days.
DIGEST_DAYS = 7
DIGEST_HOUR = time(7)


def upcoming_by_organization(now: datetime) -> dict[int, list[LabVisit]]:
    """Open visits of the coming DIGEST_DAYS, per host organisation, in one query."""
    query = (
        sa.select(LabVisit)
        .join(LabVisit.slot)
        .join(VisitSlot.site)
        .options(
            contains_eager(LabVisit.slot).contains_eager(VisitSlot.site),
            joinedload(LabVisit.school_class),
            joinedload(LabVisit.school),
        )
        .where(
            LabVisit.state.in_(OPEN_VISIT_STATES),
            VisitSlot.starts_at >= now,
            VisitSlot.starts_at < now + timedelta(days=DIGEST_DAYS),
        )
        .order_by(VisitSlot.starts_at, LabVisit.id)
    )
    found: dict[int, list[LabVisit]] = defaultdict(list)
    for visit in db.session.scalars(query):
        found[visit.slot.site.organization_id].append(visit)
    return found


def send_host_digests(*, now: datetime) -> int:
    """Write today's digest for every host whose organisation has visits coming; commit."""
    if now < at_local(local_date(now, platform_zone()), DIGEST_HOUR):
        return 0
    try:
        if not job_lease("visits-host-digests"):
            db.session.rollback()
            return 0
        visits = upcoming_by_organization(now)
        hosts = reminders.organization_hosts(visits.keys())
        organizations = {
            org.id: org
            for org in db.session.scalars(
                sa.select(Organization).where(Organization.id.in_(list(visits)))
            )
        }
        sent = sum(
            reminders.host_digest(organizations[org_id], org_visits, hosts[org_id], now=now)
            for org_id, org_visits in visits.items()
        )
    except Exception:
        db.session.rollback()
        log.exception("visit host digests failed")
        raise
    db.session.commit()
    log.info("visit host digests: %d written", sent)
    return sent


#: Collected by talent.scheduler.jobs: (name, function, seconds between runs).
SCHEDULED = (("visits-host-digests", send_host_digests, 60 * 60),)
