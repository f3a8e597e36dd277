"""Keeping pairings moving: lapsed proposals, overdue nudges and escalations, silent pairings,
expiring vetting and feedback requests. The scheduler runs these through talent.mentoring.jobs.

Each job is a pair: the conditions that make a row due (the job reads the due rows and then
claims each one again under a lock with the same conditions), and what to do with one claimed
row. Each action is idempotent: it re-checks what it reads and its notices have idempotency
keys, so a second run finds nothing left to do.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from talent.clock import today_for
from talent.extensions import db
from talent.mentoring.models import (
    FeedbackStage,
    MentorProfile,
    Pairing,
    PairingState,
)
from talent.mentoring.services import reminders
from talent.mentoring.services.pairings import end_pairing_early, lapse_pairing

log = logging.getLogger(__name__)

#: A pairing with no session for this long is proposed for closing ...
SILENCE_DAYS = 90
#: ... and closes this long after the warning unless a session is logged.
CLOSING_WARNING_DAYS = 7
#: Coordinators are alerted after this many missed cycles.
ESCALATE_AFTER_CYCLES = 2
#: Mentors hear this long before their police certificate expires.
VETTING_WARNING_DAYS = 30
#: The end-of-pairing feedback is asked for this long before the planned end.
END_FEEDBACK_DAYS_BEFORE = 7


def proposal_lapsing(now: datetime) -> tuple:
    """Conditions of a proposal whose answer deadline has passed."""
    return (Pairing.state == PairingState.PROPOSED, Pairing.respond_by < now)


def lapse_proposal(pairing: Pairing, *, now: datetime) -> bool:
    """Lapse a proposal nobody answered in time."""
    lapse_pairing(pairing, now=now)
    log.info("proposal %s lapsed", pairing.id)
    return True


def overdue(now: datetime) -> tuple:
    """Conditions of an active pairing whose next session may be overdue (checked by nudge)."""
    return (
        Pairing.state == PairingState.ACTIVE,
        Pairing.cadence_from < today_for(None, now),
    )


def nudge_overdue(pairing: Pairing, *, now: datetime) -> tuple[bool, bool] | None:
    """Nudge the mentor once per missed cycle; alert the coordinator after two.

    Returns (nudged, escalated), or None when there was nothing to do.
    """
    today = today_for(None, now)
    if not pairing.is_overdue(today):
        return None
    cycles = pairing.missed_cycles(today)
    nudged = cycles > pairing.nudged_cycles
    if nudged:
        pairing.nudged_cycles = cycles
        reminders.overdue_nudge(pairing, cycles=cycles, now=now)
    escalated = cycles >= ESCALATE_AFTER_CYCLES and pairing.escalated_at is None
    if escalated:
        pairing.escalated_at = now
        reminders.overdue_escalation(pairing, cycles=cycles, now=now)
    db.session.flush()
    return (nudged, escalated) if nudged or escalated else None


def silent(now: datetime) -> tuple:
    """Conditions of an active pairing without a session for SILENCE_DAYS."""
    return (
        Pairing.state == PairingState.ACTIVE,
        Pairing.cadence_from <= today_for(None, now) - timedelta(days=SILENCE_DAYS),
    )


def close_silent(pairing: Pairing, *, now: datetime) -> str | None:
    """Warn about a silent pairing, or close it CLOSING_WARNING_DAYS after the warning.

    Returns "warned" or "closed", or None when the warning period still runs.
    """
    if pairing.closing_warned_at is None:
        pairing.closing_warned_at = now
        closes_on = today_for(None, now) + timedelta(days=CLOSING_WARNING_DAYS)
        reminders.closing_warning(pairing, closes_on=closes_on, now=now)
        db.session.flush()
        return "warned"
    if now < pairing.closing_warned_at + timedelta(days=CLOSING_WARNING_DAYS):
        return None
    end_pairing_early(
        None,
        pairing,
        reason=str(_l("Closed after %(days)d days without a session.", days=SILENCE_DAYS)),
        now=now,
    )
    return "closed"


def vetting_expiring(now: datetime) -> tuple:
    """Conditions of a mentor whose police certificate expires within 30 days, not yet warned."""
    today = today_for(None, now)
    expires_on = MentorProfile.police_certificate_expires_on
    return (
        expires_on.is_not(None),
        expires_on <= today + timedelta(days=VETTING_WARNING_DAYS),
        expires_on > today,
        sa.or_(
            MentorProfile.expiry_warned_for.is_(None),
            MentorProfile.expiry_warned_for != expires_on,
        ),
    )


def warn_expiring_vetting(profile: MentorProfile, *, now: datetime) -> bool:
    """Warn a mentor (and the coordinator) once per expiry date."""
    profile.expiry_warned_for = profile.police_certificate_expires_on
    reminders.vetting_expiring(profile, now=now)
    db.session.flush()
    return True


def feedback_pending() -> tuple:
    """Conditions of a pairing that may still be asked for feedback."""
    return (
        Pairing.state.in_(
            [
                PairingState.ACTIVE,
                PairingState.PAUSED,
                PairingState.COMPLETED,
                PairingState.ENDED_EARLY,
            ]
        ),
        Pairing.end_feedback_requested_at.is_(None),
        Pairing.responded_at.is_not(None),
    )


def request_feedback(pairing: Pairing, *, now: datetime) -> FeedbackStage | None:
    """Ask both sides for feedback at the pairing's mid-point and near or at its end.

    Returns the stage asked for, or None when none is due or it was already asked.
    """
    stage = feedback_stage_due(pairing, today_for(None, now))
    if stage is FeedbackStage.END and pairing.end_feedback_requested_at is None:
        pairing.end_feedback_requested_at = now
        if pairing.mid_feedback_requested_at is None:
            pairing.mid_feedback_requested_at = now  # too late to ask both
    elif stage is FeedbackStage.MID and pairing.mid_feedback_requested_at is None:
        pairing.mid_feedback_requested_at = now
    else:
        return None
    reminders.feedback_requested(pairing, stage=stage, now=now)
    db.session.flush()
    return stage


def feedback_stage_due(pairing: Pairing, today: date) -> FeedbackStage | None:
    """Which feedback a pairing is ready for today: the end's, the mid-point's, or none."""
    if pairing.state in (PairingState.COMPLETED, PairingState.ENDED_EARLY):
        return FeedbackStage.END if pairing.responded_at is not None else None
    if pairing.state not in (PairingState.ACTIVE, PairingState.PAUSED):
        return None
    if today >= pairing.planned_end_on - timedelta(days=END_FEEDBACK_DAYS_BEFORE):
        return FeedbackStage.END
    if today >= pairing.midpoint:
        return FeedbackStage.MID
    return None
