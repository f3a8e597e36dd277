"""Who may do what in mentoring (registered with talent.auth.policy).

A mentor sees only their own pairings, and the pupils they mentor while a pairing runs; a
mentee (with an account) sees their own pairing once it runs; private notes are for the
pairing's mentor and coordinators; concerns are for coordinators only. Admins pass every rule.
"""

from __future__ import annotations

import sqlalchemy as sa

from talent.auth.policy import Role, Rules, is_coordinator
from talent.extensions import db
from talent.mentoring.models import (
    Concern,
    Goal,
    MenteeProfile,
    MentoringSession,
    MentorProfile,
    Pairing,
    PairingState,
    PlannedSession,
)
from talent.people.models import User
from talent.schools.models import Student

rules = Rules()

#: Pairings a mentor has taken on: they see the pupil while it runs.
RUNNING = (PairingState.ACTIVE, PairingState.PAUSED)


def is_pairing_mentor(user: User, pairing: Pairing) -> bool:
    return pairing.mentor.user_id == user.id


def is_pairing_mentee(user: User, pairing: Pairing) -> bool:
    return pairing.mentee.account_id == user.id and pairing.state not in (
        PairingState.PROPOSED,
        PairingState.DECLINED,
        PairingState.LAPSED,
    )


@rules.object("pupils.view", Student)
def mentors_now(user: User, student: Student) -> bool:
    """True while the user mentors the pupil in an active or paused pairing."""
    if Role.MENTOR not in user.roles:
        return False
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


@rules.object("mentoring.mentor_profile", User)
def edit_mentor_profile(user: User, mentor: User) -> bool:
    return is_coordinator(user) or user.id == mentor.id


@rules.object("mentoring.manage", Pairing)
def manage_pairing(user: User, pairing: Pairing) -> bool:
    return is_coordinator(user)


@rules.object("mentoring.pairing.read", Pairing)
@rules.object("mentoring.concerns.raise", Pairing)
def read_pairing(user: User, pairing: Pairing) -> bool:
    return (
        is_coordinator(user) or is_pairing_mentor(user, pairing) or is_pairing_mentee(user, pairing)
    )


@rules.object("mentoring.pairing.respond", Pairing)
@rules.object("mentoring.sessions.log", Pairing)
def mentor_of_pairing(user: User, pairing: Pairing) -> bool:
    return is_pairing_mentor(user, pairing)


@rules.object("mentoring.pairing.pause", Pairing)
@rules.object("mentoring.goals.manage", Pairing)
@rules.object("mentoring.private_notes.read", Pairing)
def run_pairing(user: User, pairing: Pairing) -> bool:
    return is_coordinator(user) or is_pairing_mentor(user, pairing)


@rules.object("mentoring.goals.manage", Goal)
def manage_goal(user: User, goal: Goal) -> bool:
    return run_pairing(user, goal.pairing)


@rules.object("mentoring.sessions.log", MentoringSession)
@rules.object("mentoring.sessions.log", PlannedSession)
def edit_session(user: User, session: MentoringSession | PlannedSession) -> bool:
    return is_pairing_mentor(user, session.pairing)


@rules.object("mentoring.sessions.confirm", MentoringSession)
def confirm_session(user: User, session: MentoringSession) -> bool:
    return is_pairing_mentee(user, session.pairing)


@rules.object("mentoring.feedback.give", Pairing)
def give_feedback(user: User, pairing: Pairing) -> bool:
    return is_pairing_mentor(user, pairing) or is_pairing_mentee(user, pairing)


@rules.object("mentoring.concerns.manage", Concern)
def manage_concern(user: User, concern: Concern) -> bool:
    return is_coordinator(user)
