"""Concurrent proposals from several threads, each with its own connection and transaction,
against the suite's database (a file for SQLite, or PostgreSQL): a mentor's capacity and one
open pairing per mentee and programme hold; every loser gets a Conflict, never a 500."""

from __future__ import annotations

import threading
from datetime import timedelta

import sqlalchemy as sa

from talent.db import utcnow
from talent.errors import Conflict
from talent.extensions import db
from talent.mentoring.models import (
    OPEN_STATES,
    MenteeProfile,
    MentoringProgramme,
    MentorProfile,
    Pairing,
)
from talent.mentoring.services.pairings import propose_pairing
from talent.people.models import Role, User

THREADS = 8


def race(app, attempts) -> list[str]:
    """Run each (mentee id, mentor id) proposal in its own thread at once; return outcomes."""
    db.session.commit()  # reading the ids began a transaction here; do not hold it
    barrier = threading.Barrier(len(attempts))
    outcomes: list[str] = []
    lock = threading.Lock()

    def attempt(coordinator_id, programme_id, mentee_id, mentor_id):
        with app.app_context():
            try:
                barrier.wait(timeout=30)
                coordinator = db.session.get(User, coordinator_id)
                now = utcnow()
                propose_pairing(
                    coordinator,
                    db.session.get(MenteeProfile, mentee_id),
                    db.session.get(MentorProfile, mentor_id),
                    db.session.get(MentoringProgramme, programme_id),
                    starts_on=now.date(),
                    planned_end_on=now.date() + timedelta(days=200),
                    now=now,
                )
                db.session.commit()
                outcome = "proposed"
            except Conflict:
                db.session.rollback()
                outcome = "conflict"
            except Exception as error:  # noqa: BLE001 - reported by the assertion below
                db.session.rollback()
                outcome = f"error: {error!r}"
            finally:
                db.session.remove()
            with lock:
                outcomes.append(outcome)

    threads = [threading.Thread(target=attempt, args=args) for args in attempts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes


def open_pairings(**where) -> int:
    query = sa.select(sa.func.count(Pairing.id)).where(Pairing.state.in_(OPEN_STATES))
    for name, value in where.items():
        query = query.where(getattr(Pairing, name) == value)
    return db.session.scalar(query)


def test_a_mentor_with_two_places_gets_two_of_eight_proposals(app, mk):
    coordinator = mk.user(Role.COORDINATOR)
    programme = mk.programme()
    mentor = mk.mentor(capacity=2)
    mentees = [mk.pupil() for _ in range(THREADS)]
    db.session.commit()
    outcomes = race(app, [(coordinator.id, programme.id, m.id, mentor.id) for m in mentees])
    assert sorted(outcomes) == ["conflict"] * (THREADS - 2) + ["proposed"] * 2
    db.session.expire_all()
    assert open_pairings(mentor_id=mentor.id) == 2
    assert db.session.get(MentorProfile, mentor.id).open_pairings == 2


def test_one_mentee_proposed_to_eight_mentors_at_once_gets_one(app, mk):
    coordinator = mk.user(Role.COORDINATOR)
    programme = mk.programme()
    mentee = mk.pupil()
    mentors = [mk.mentor() for _ in range(THREADS)]
    db.session.commit()
    outcomes = race(app, [(coordinator.id, programme.id, mentee.id, m.id) for m in mentors])
    assert sorted(outcomes) == ["conflict"] * (THREADS - 1) + ["proposed"]
    db.session.expire_all()
    assert open_pairings(mentee_id=mentee.id) == 1
    # The losers' places were not kept: only the winner's mentor has one taken.
    taken = db.session.scalars(
        sa.select(MentorProfile.open_pairings).where(MentorProfile.id.in_([m.id for m in mentors]))
    ).all()
    assert sorted(taken) == [0] * (THREADS - 1) + [1]


def test_mixed_race_keeps_both_rules(app, mk):
    coordinator = mk.user(Role.COORDINATOR)
    programme = mk.programme()
    mentors = [mk.mentor(capacity=1) for _ in range(2)]
    mentees = [mk.pupil() for _ in range(2)]
    db.session.commit()
    attempts = [
        (coordinator.id, programme.id, mentee.id, mentor.id)
        for mentee in mentees
        for mentor in mentors
    ] * 2
    outcomes = race(app, attempts)
    assert not [o for o in outcomes if o.startswith("error")], outcomes
    db.session.expire_all()
    for mentor in mentors:
        assert open_pairings(mentor_id=mentor.id) <= 1
        assert db.session.get(MentorProfile, mentor.id).open_pairings == open_pairings(
            mentor_id=mentor.id
        )
    for mentee in mentees:
        assert open_pairings(mentee_id=mentee.id) <= 1
    assert outcomes.count("proposed") == open_pairings(programme_id=programme.id) >= 1
