"""Mentoring on a pupil's timeline, and which pupils a mentor may see (talent.timeline and
the pupil rules in talent.auth.policy)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import contains_eager, joinedload

from talent.auth import policy
from talent.extensions import db
from talent.mentoring.models import MenteeProfile, MentorProfile, Pairing, PairingState
from talent.mentoring.services.pairings import minutes_by_pairing
from talent.people.models import User
from talent.schools.models import Student
from talent.timeline.registry import TimelineEntry, register_timeline_provider

#: Pairings a mentor has taken on: they see the pupil while it runs.
RUNNING = (PairingState.ACTIVE, PairingState.PAUSED)
#: Pairings that happened, shown on the timeline.
SHOWN = (*RUNNING, PairingState.COMPLETED, PairingState.ENDED_EARLY)


@policy.register_mentee_check
def mentors_now(user: User, student: Student) -> bool:
    """True while the user mentors the pupil in an active or paused pairing."""
    return (
        db.session.scalar(
            sa.select(Pairing.id)
            .join(MentorProfile, MentorProfile.id == Pairing.mentor_id)
            .join(MenteeProfile, MenteeProfile.id == Pairing.mentee_id)
            .where(
                MentorProfile.user_id == user.id,
                MenteeProfile.student_id == student.id,
                Pairing.state.in_(RUNNING),
            )
            .limit(1)
        )
        is not None
    )


def _hours(minutes: int) -> str:
    return f"{minutes / 60:.1f}".rstrip("0").rstrip(".")


@register_timeline_provider
def mentoring(student: Student, viewer: User) -> list[TimelineEntry]:
    """Each pairing the pupil had, with its confirmed hours; never notes or concerns."""
    pairings = db.session.scalars(
        sa.select(Pairing)
        .join(MenteeProfile, MenteeProfile.id == Pairing.mentee_id)
        .where(MenteeProfile.student_id == student.id, Pairing.state.in_(SHOWN))
        .options(
            joinedload(Pairing.mentor)
            .joinedload(MentorProfile.user)
            .lazyload(User.role_assignments),
            contains_eager(Pairing.mentee),
            joinedload(Pairing.programme),
        )
    ).all()
    minutes = minutes_by_pairing([pairing.id for pairing in pairings])
    entries = []
    for pairing in pairings:
        url = (
            url_for("mentoring.pairing", pairing_id=pairing.id)
            if policy.can(viewer, "mentoring.pairing.read", pairing)
            else None
        )
        confirmed = minutes.get(pairing.id, (0, 0))[1]
        entries.append(
            TimelineEntry(
                when=pairing.starts_on,
                kind="mentoring",
                title=str(_l("Mentor: %(name)s", name=pairing.mentor.name)),
                detail=str(
                    _l(
                        "%(programme)s · %(hours)s hours confirmed",
                        programme=pairing.programme.name,
                        hours=_hours(confirmed),
                    )
                ),
                url=url,
                badge=str(pairing.state.label),
            )
        )
    return entries
