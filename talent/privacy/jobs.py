"""Scheduled work of the privacy feature; the scheduler calls these with the current time."""

from __future__ import annotations

import logging
from datetime import datetime

import sqlalchemy as sa

from talent.extensions import db
from talent.periodic import claim, each_claimed
from talent.privacy.services import erase_pupil, retention_due_query
from talent.schools.models import Student
from talent.settings import int_setting

log = logging.getLogger(__name__)


def apply_retention(now: datetime) -> int:
    """Anonymise every pupil who left school more than the retention period ago; commit.

    Each pupil is claimed (locked, still due) and erased in a transaction of its own, so two
    schedulers at once erase each pupil once. Runs inside an app context; the period is
    TALENT_RETENTION_YEARS_AFTER_LEAVING.
    """
    years = int_setting("RETENTION_YEARS_AFTER_LEAVING")
    due = retention_due_query(now, years)
    ids = [student.id for student in db.session.scalars(due)]

    def erase(student: Student) -> int:
        erase_pupil(None, student, reason="retention", now=now)
        return student.id

    # The conditions without the query's eager joins, which PostgreSQL cannot lock across.
    still_due = due.whereclause
    tally = each_claimed(
        "retention",
        ids,
        lambda student_id: claim(sa.select(Student).where(still_due, Student.id == student_id)),
        erase,
    )
    db.session.rollback()  # end the read of the due pupils when there were none
    erased = len(tally.done)
    if erased:
        log.info("retention: anonymised %d pupil(s) who left school %d+ years ago", erased, years)
    return erased


#: For talent.scheduler.jobs.JOBS: (name, function, seconds between runs).
SCHEDULED = (("privacy-retention", apply_retention, 24 * 60 * 60),)
