"""Integrity checks of mentoring: mentors' places, one open pairing per mentee and programme,
the session log's latest day, and vetted mentors for pupils under 18."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from talent.clock import local_date
from talent.integrity.checks import Counter, Drift, WithinLimit, born_after_for_minor
from talent.mentoring.models import (
    OPEN_STATES,
    MenteeProfile,
    MentoringSession,
    MentorProfile,
    Pairing,
    PairingState,
)
from talent.schools.models import Student


def _open_pairings_per_mentor() -> sa.Select:
    return (
        sa.select(Pairing.mentor_id.label("key"), sa.func.count().label("value"))
        .where(Pairing.state.in_(OPEN_STATES))
        .group_by(Pairing.mentor_id)
    )


def _latest_session_per_pairing() -> sa.Select:
    return sa.select(
        MentoringSession.pairing_id.label("key"),
        sa.func.max(MentoringSession.held_on).label("value"),
    ).group_by(MentoringSession.pairing_id)


open_pairings = Counter(
    "mentoring.open_pairings",
    MentorProfile,
    "open_pairings",
    "mentor profile",
    _open_pairings_per_mentor,
    limit="capacity",
)

last_session_on = Counter(
    "mentoring.last_session_on",
    Pairing,
    "last_session_on",
    "pairing",
    _latest_session_per_pairing,
    default=None,
)


mentor_within_capacity = WithinLimit(
    "mentoring.mentor_within_capacity", open_pairings, "open pairings"
)


def one_open_pairing_per_mentee(session: Session, now: datetime) -> list[Drift]:
    """A mentee has at most one proposed, active or paused pairing in a programme."""
    query = (
        sa.select(Pairing.mentee_id, Pairing.programme_id, sa.func.count())
        .where(Pairing.state.in_(OPEN_STATES))
        .group_by(Pairing.mentee_id, Pairing.programme_id)
        .having(sa.func.count() > 1)
        .order_by(Pairing.mentee_id, Pairing.programme_id)
    )
    return [
        Drift(
            "mentoring.one_open_pairing_per_mentee",
            f"mentee profile {mentee_id} in mentoring programme {programme_id}",
            "at most one open pairing",
            f"{count} open pairings",
        )
        for mentee_id, programme_id, count in session.execute(query)
    ]


def minors_have_vetted_mentors(session: Session, now: datetime) -> list[Drift]:
    """A proposed or active pairing with a pupil under 18 has a mentor vetted today."""
    today = local_date(now)
    unvetted = sa.or_(
        MentorProfile.police_certificate_on.is_(None),
        MentorProfile.police_certificate_expires_on.is_(None),
        MentorProfile.police_certificate_expires_on <= today,
        MentorProfile.safeguarding_training_on.is_(None),
        MentorProfile.code_of_conduct_accepted_on.is_(None),
    )
    query = (
        sa.select(Pairing.id, Pairing.state, MentorProfile.id, Student.id)
        .join(MentorProfile, MentorProfile.id == Pairing.mentor_id)
        .join(MenteeProfile, MenteeProfile.id == Pairing.mentee_id)
        .join(Student, Student.id == MenteeProfile.student_id)
        .where(
            Pairing.state.in_([PairingState.PROPOSED, PairingState.ACTIVE]),
            Student.birth_date > born_after_for_minor(today),
            unvetted,
        )
        .order_by(Pairing.id)
    )
    return [
        Drift(
            "mentoring.minors_have_vetted_mentors",
            f"pairing {pairing_id} (mentor profile {mentor_id}, pupil {pupil_id})",
            f"state {state.value} with a pupil under 18",
            "the mentor's vetting is incomplete or expired",
        )
        for pairing_id, state, mentor_id, pupil_id in session.execute(query)
    ]


CHECKS = (
    open_pairings,
    mentor_within_capacity,
    one_open_pairing_per_mentee,
    last_session_on,
    minors_have_vetted_mentors,
)
