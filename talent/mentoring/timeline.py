"""Mentoring on a pupil's timeline (registered by talent/mentoring/feature.py)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext
from sqlalchemy.orm import joinedload

from talent.auth import policy
from talent.extensions import db
from talent.mentoring.models import (
    MenteeProfile,
    MentoringProgramme,
    MentoringSession,
    MentorProfile,
    Pairing,
    PairingState,
)
from talent.mentoring.policy import RUNNING
from talent.people.models import User
from talent.schools.models import Student
from talent.timeline.registry import TimelineEntry, read_rows

#: Pairings that happened, shown on the timeline.
SHOWN = (*RUNNING, PairingState.COMPLETED, PairingState.ENDED_EARLY)


def _hours(minutes: int) -> str:
    return f"{minutes / 60:.1f}".rstrip("0").rstrip(".")


#: Minutes of the pairing's sessions the mentee has confirmed.
_CONFIRMED_MINUTES = (
    sa.select(sa.func.coalesce(sa.func.sum(MentoringSession.duration_minutes), 0))
    .where(MentoringSession.pairing_id == Pairing.id, MentoringSession.confirmed_at.is_not(None))
    .correlate(Pairing)
    .scalar_subquery()
)
#: The pupil's pairings as plain rows of what an entry shows, confirmed minutes included:
#: one query instead of entities with their mentor, account and programme, and a second one
#: for the minutes. Equalities rather than IN: an IN list is expanded again on every run.
_PUPIL_PAIRINGS = (
    sa.select(
        Pairing.id,
        Pairing.starts_on,
        Pairing.state,
        User.name.label("mentor_name"),
        MentoringProgramme.name.label("programme_name"),
        _CONFIRMED_MINUTES.label("confirmed_minutes"),
    )
    .join(MenteeProfile, MenteeProfile.id == Pairing.mentee_id)
    .join(MentorProfile, MentorProfile.id == Pairing.mentor_id)
    .join(User, User.id == MentorProfile.user_id)
    .join(MentoringProgramme, MentoringProgramme.id == Pairing.programme_id)
    .where(
        MenteeProfile.student_id == sa.bindparam("student_id"),
        sa.or_(*(Pairing.state == state for state in SHOWN)),
    )
)


def _readable_pairings(viewer: User, pairing_ids: list[int]) -> set[int]:
    """Those of the pairings the viewer may open, judged by the policy on the pairings
    themselves; loaded only for a viewer who may read some pairings at all."""
    if not pairing_ids or not policy.has_permission(viewer, "mentoring.pairing.read"):
        return set()
    pairings = db.session.scalars(
        sa.select(Pairing)
        .where(Pairing.id.in_(pairing_ids))
        .options(joinedload(Pairing.mentor), joinedload(Pairing.mentee))
    )
    return {
        pairing.id for pairing in pairings if policy.can(viewer, "mentoring.pairing.read", pairing)
    }


def mentoring(student: Student, viewer: User) -> list[TimelineEntry]:
    """Each pairing the pupil had, with its confirmed hours; never notes or concerns."""
    pairings = read_rows(_PUPIL_PAIRINGS, student_id=student.id)
    readable = _readable_pairings(viewer, [pairing.id for pairing in pairings])
    entries = []
    for pairing in pairings:
        entries.append(
            TimelineEntry(
                when=pairing.starts_on,
                kind="mentoring",
                title=gettext("Mentor: %(name)s", name=pairing.mentor_name),
                detail=gettext(
                    "%(programme)s · %(hours)s hours confirmed",
                    programme=pairing.programme_name,
                    hours=_hours(int(pairing.confirmed_minutes)),
                ),
                url=url_for("mentoring.pairing", pairing_id=pairing.id)
                if pairing.id in readable
                else None,
                badge=str(pairing.state.label),
            )
        )
    return entries
