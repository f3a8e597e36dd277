"""Scheduled mentoring work: plain functions of ``now`` that the scheduler runs.

Each job is its own transaction: it calls the cadence services, commits once, and returns what
it did so the scheduler can log it. Running a job twice in a row does nothing the second time.
"""

from __future__ import annotations

import logging
from datetime import datetime

from flask import current_app
from flask_babel import force_locale

from talent.extensions import db
from talent.mentoring.links import send_feedback_request
from talent.mentoring.services import cadence

log = logging.getLogger(__name__)


def _run(name: str, work, now: datetime):
    # Texts the jobs store (such as a closing reason) are in the platform's default language.
    try:
        with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
            result = work(now=now)
    except Exception:
        db.session.rollback()
        log.exception("mentoring job %s failed", name)
        raise
    db.session.commit()
    log.info("mentoring job %s: %s", name, result)
    return result


def lapse_proposals(now: datetime) -> int:
    """Lapse proposals whose answer deadline has passed; the coordinator hears of each."""
    return _run("lapse_proposals", cadence.lapse_proposals, now)


def nudge_overdue_pairings(now: datetime) -> tuple[int, int]:
    """Nudge mentors of overdue pairings; alert coordinators after two missed cycles."""
    return _run("nudge_overdue_pairings", cadence.nudge_overdue, now)


def close_silent_pairings(now: datetime) -> tuple[int, int]:
    """Warn about pairings silent for 90 days, and close them 7 days after the warning."""
    return _run("close_silent_pairings", cadence.close_silent, now)


def warn_expiring_vetting(now: datetime) -> int:
    """Warn mentors whose police certificate expires within 30 days."""
    return _run("warn_expiring_vetting", cadence.warn_expiring_vetting, now)


def request_feedback(now: datetime) -> int:
    """Ask both sides of each pairing for mid-point and end feedback when due.

    Mentees with an account hear through the reminder engine; a pupil without one gets a
    signed link by e-mail, sent after the commit.
    """
    asked = _run("request_feedback", cadence.request_feedback, now)
    for pairing, stage in asked:
        if pairing.mentee.account_id is None:
            send_feedback_request(pairing, stage)
    return len(asked)


#: For talent.scheduler.jobs.JOBS: ScheduledJob(name, func, every_seconds) for each.
SCHEDULED = (
    ("mentoring-lapse-proposals", lapse_proposals, 15 * 60),
    ("mentoring-nudge-overdue", nudge_overdue_pairings, 60 * 60),
    ("mentoring-close-silent", close_silent_pairings, 60 * 60),
    ("mentoring-expiring-vetting", warn_expiring_vetting, 6 * 60 * 60),
    ("mentoring-request-feedback", request_feedback, 60 * 60),
)
