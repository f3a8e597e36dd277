"""Scheduled mentoring work: plain functions of ``now`` that the scheduler runs.

Every scheduler process runs these, so each job reads its due rows and then claims them one at
a time (talent.periodic): the row is locked, its due conditions are read again, and the action
commits on its own. A row another run took, or whose state moved on meanwhile, is passed over;
a row that fails is rolled back alone. Running a job twice, in a row or at the same moment,
does nothing the second time.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale

from talent.extensions import db
from talent.mentoring.models import MentorProfile, Pairing
from talent.mentoring.services import cadence
from talent.periodic import Tally, claim, each_claimed

log = logging.getLogger(__name__)


def _run(name: str, model, conditions: tuple, act: Callable) -> Tally:
    """Claim each row of ``model`` meeting ``conditions`` and act on it, one at a time."""
    ids = db.session.scalars(sa.select(model.id).where(*conditions).order_by(model.id)).all()
    # Texts the jobs store (such as a closing reason) are in the platform's default language.
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        tally = each_claimed(
            f"mentoring job {name}",
            ids,
            lambda row_id: claim(sa.select(model).where(model.id == row_id, *conditions)),
            act,
        )
    db.session.rollback()  # end the read of the due rows when there were none
    log.info("mentoring job %s: %d done", name, len(tally.done))
    return tally


def lapse_proposals(now: datetime) -> int:
    """Lapse proposals whose answer deadline has passed; the coordinator hears of each."""
    tally = _run(
        "lapse_proposals",
        Pairing,
        cadence.proposal_lapsing(now),
        lambda pairing: cadence.lapse_proposal(pairing, now=now),
    )
    return len(tally.done)


def nudge_overdue_pairings(now: datetime) -> tuple[int, int]:
    """Nudge mentors of overdue pairings; alert coordinators after two missed cycles."""
    tally = _run(
        "nudge_overdue_pairings",
        Pairing,
        cadence.overdue(now),
        lambda pairing: cadence.nudge_overdue(pairing, now=now),
    )
    return (
        sum(nudged for nudged, _ in tally.done),
        sum(escalated for _, escalated in tally.done),
    )


def close_silent_pairings(now: datetime) -> tuple[int, int]:
    """Warn about pairings silent for 90 days, and close them 7 days after the warning."""
    tally = _run(
        "close_silent_pairings",
        Pairing,
        cadence.silent(now),
        lambda pairing: cadence.close_silent(pairing, now=now),
    )
    return tally.done.count("warned"), tally.done.count("closed")


def warn_expiring_vetting(now: datetime) -> int:
    """Warn mentors whose police certificate expires within 30 days."""
    tally = _run(
        "warn_expiring_vetting",
        MentorProfile,
        cadence.vetting_expiring(now),
        lambda profile: cadence.warn_expiring_vetting(profile, now=now),
    )
    return len(tally.done)


def request_feedback(now: datetime) -> int:
    """Ask both sides of each pairing for mid-point and end feedback when due."""
    tally = _run(
        "request_feedback",
        Pairing,
        cadence.feedback_pending(),
        lambda pairing: cadence.request_feedback(pairing, now=now),
    )
    return len(tally.done)


#: For talent.scheduler.jobs.JOBS: ScheduledJob(name, func, every_seconds) for each.
SCHEDULED = (
    ("mentoring-lapse-proposals", lapse_proposals, 15 * 60),
    ("mentoring-nudge-overdue", nudge_overdue_pairings, 60 * 60),
    ("mentoring-close-silent", close_silent_pairings, 60 * 60),
    ("mentoring-expiring-vetting", warn_expiring_vetting, 6 * 60 * 60),
    ("mentoring-request-feedback", request_feedback, 60 * 60),
)
