"""Keeping pairings moving: lapsed proposals, overdue nudges and escalations, silent pairings,
expiring vetting and feedback requests. The scheduler runs these through talent.mentoring.jobs.

Each function is idempotent: running it twice at the same time changes nothing the second time.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from talent.extensions import db
from talent.mentoring.models import (
    FeedbackStage,
    MentorProfile,
    Pairing,
    PairingState,
)
from talent.mentoring.services import reminders
from talent.mentoring.services.pairings import end_pairing_early, lapse_pairing
from talent.mentoring.services.profiles import local_today

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


def lapse_proposals(*, now: datetime) -> int:
    """Lapse every proposal whose answer deadline has passed."""
    due = db.session.scalars(
        sa.select(Pairing)
        .where(Pairing.state == PairingState.PROPOSED, Pairing.respond_by < now)
        .order_by(Pairing.id)
    ).all()
    for pairing in due:
        lapse_pairing(pairing, now=now)
        log.info("proposal %s lapsed", pairing.id)
    return len(due)


def _overdue(today: date) -> list[Pairing]:
    """Active pairings whose next session was due before today."""
    active = db.session.scalars(
        sa.select(Pairing)
        .where(Pairing.state == PairingState.ACTIVE, Pairing.cadence_from < today)
        .order_by(Pairing.id)
    )
    return [pairing for pairing in active if pairing.is_overdue(today)]


def nudge_overdue(*, now: datetime) -> tuple[int, int]:
    """Nudge the mentor once per missed cycle; alert the coordinator after two."""
    today = local_today(None, now)
    nudged = escalated = 0
    for pairing in _overdue(today):
        cycles = pairing.missed_cycles(today)
        if cycles > pairing.nudged_cycles:
            pairing.nudged_cycles = cycles
            reminders.overdue_nudge(pairing, cycles=cycles, now=now)
            nudged += 1
        if cycles >= ESCALATE_AFTER_CYCLES and pairing.escalated_at is None:
            pairing.escalated_at = now
            reminders.overdue_escalation(pairing, cycles=cycles, now=now)
            escalated += 1
    db.session.flush()
    return nudged, escalated


def close_silent(*, now: datetime) -> tuple[int, int]:
    """Warn about pairings silent for 90 days; close them 7 days after the warning."""
    today = local_today(None, now)
    silent = db.session.scalars(
        sa.select(Pairing)
        .where(
            Pairing.state == PairingState.ACTIVE,
            Pairing.cadence_from <= today - timedelta(days=SILENCE_DAYS),
        )
        .order_by(Pairing.id)
    ).all()
    warned = closed = 0
    for pairing in silent:
        if pairing.closing_warned_at is None:
            pairing.closing_warned_at = now
            reminders.closing_warning(
                pairing, closes_on=today + timedelta(days=CLOSING_WARNING_DAYS), now=now
            )
            warned += 1
        elif now >= pairing.closing_warned_at + timedelta(days=CLOSING_WARNING_DAYS):
            end_pairing_early(
                None,
                pairing,
                reason=str(_l("Closed after %(days)d days without a session.", days=SILENCE_DAYS)),
                now=now,
            )
            closed += 1
    db.session.flush()
    return warned, closed


def warn_expiring_vetting(*, now: datetime) -> int:
    """Warn mentors (and coordinators) whose police certificate expires within 30 days."""
    today = local_today(None, now)
    expiring = db.session.scalars(
        sa.select(MentorProfile)
        .where(
            MentorProfile.police_certificate_expires_on.is_not(None),
            MentorProfile.police_certificate_expires_on
            <= today + timedelta(days=VETTING_WARNING_DAYS),
            MentorProfile.police_certificate_expires_on > today,
            sa.or_(
                MentorProfile.expiry_warned_for.is_(None),
                MentorProfile.expiry_warned_for != MentorProfile.police_certificate_expires_on,
            ),
        )
        .order_by(MentorProfile.id)
    ).all()
    for profile in expiring:
        profile.expiry_warned_for = profile.police_certificate_expires_on
        reminders.vetting_expiring(profile, now=now)
    db.session.flush()
    return len(expiring)


def request_feedback(*, now: datetime) -> list[tuple[Pairing, FeedbackStage]]:
    """Ask both sides for feedback at the pairing's mid-point and near or at its end."""
    today = local_today(None, now)
    candidates = db.session.scalars(
        sa.select(Pairing)
        .where(
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
        .order_by(Pairing.id)
    ).all()
    asked = []
    for pairing in candidates:
        stage = feedback_stage_due(pairing, today)
        if stage is FeedbackStage.END and pairing.end_feedback_requested_at is None:
            pairing.end_feedback_requested_at = now
            if pairing.mid_feedback_requested_at is None:
                pairing.mid_feedback_requested_at = now  # too late to ask both
            reminders.feedback_requested(pairing, stage=stage, now=now)
            asked.append((pairing, stage))
        elif stage is FeedbackStage.MID and pairing.mid_feedback_requested_at is None:
            pairing.mid_feedback_requested_at = now
            reminders.feedback_requested(pairing, stage=stage, now=now)
            asked.append((pairing, stage))
    db.session.flush()
    return asked


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
