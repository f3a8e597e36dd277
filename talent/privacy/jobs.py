"""Scheduled work of the privacy feature; the scheduler calls these with the current time."""

from __future__ import annotations

import logging
from datetime import datetime

from talent.extensions import db
from talent.privacy.services import erase_pupil, retention_due_query
from talent.privacy.settings import int_setting

log = logging.getLogger(__name__)

#: Pupils anonymised per transaction, so a large backlog does not hold one long lock.
BATCH = 200


def apply_retention(now: datetime) -> int:
    """Anonymise every pupil who left school more than the retention period ago; commit.

    Runs inside an app context; the period is TALENT_RETENTION_YEARS_AFTER_LEAVING.
    """
    years = int_setting("RETENTION_YEARS_AFTER_LEAVING")
    erased = 0
    while True:
        due = db.session.scalars(retention_due_query(now, years).limit(BATCH)).all()
        if not due:
            break
        for student in due:
            erase_pupil(None, student, reason="retention", now=now)
        db.session.commit()
        erased += len(due)
    if erased:
        log.info("retention: anonymised %d pupil(s) who left school %d+ years ago", erased, years)
    return erased


#: For talent.scheduler.jobs.JOBS: (name, function, seconds between runs).
SCHEDULED = (("privacy-retention", apply_retention, 24 * 60 * 60),)
