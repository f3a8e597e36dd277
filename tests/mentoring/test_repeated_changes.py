"""The same mentoring change ten times at once: it happens once, and the mentor's count of
open pairings stays the number of their open pairings.

Run on SQLite and on PostgreSQL (TALENT_TEST_DATABASE_URL), where requests interleave.
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
import sqlalchemy as sa

from talent.audit.models import AuditEvent
from talent.extensions import db
from talent.mentoring.models import (
    OPEN_STATES,
    Goal,
    MentoringSession,
    MentorProfile,
    Pairing,
    PairingState,
    PlannedSession,
    SessionMode,
)
from talent.mentoring.services import pairings, sessions
from talent.people.models import User
from talent.reminders.models import Notification
from tests.mentoring.conftest import NOW, TODAY
from tests.support.integrity import assert_integrity_clean
from tests.support.together import once, repeated

TIMES = 10


def _audit(action: str) -> int:
    query = sa.select(sa.func.count()).select_from(AuditEvent).where(AuditEvent.action == action)
    return db.session.scalar(query)


def _notices(kind: str) -> Counter:
    return Counter(
        db.session.scalars(sa.select(Notification.recipient_id).where(Notification.kind == kind))
    )


def _load_and_count(mentor_id: int) -> tuple[int, int]:
    """The mentor's counter, and their open pairings counted from the rows."""
    mentor = db.session.get(MentorProfile, mentor_id)
    real = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Pairing)
        .where(Pairing.mentor_id == mentor_id, Pairing.state.in_(OPEN_STATES))
    )
    return mentor.open_pairings, real


@pytest.fixture
def proposal(mk):
    """A mentor with one active pairing and one proposal to answer; ids, nothing held open."""
    mentor = mk.mentor(capacity=3)
    programme = mk.programme()
    mk.pairing(mentor, mk.researcher(), programme)
    proposed = mk.pairing(mentor, mk.researcher(), programme, state=PairingState.PROPOSED)
    proposed.respond_by = NOW + timedelta(days=3)
    db.session.commit()
    ids = (proposed.id, mentor.id, mentor.user_id)
    db.session.close()  # hold no transaction: on SQLite it would keep the write lock
    return ids


@pytest.mark.parametrize(
    ("answer", "state"),
    [(pairings.accept_pairing, PairingState.ACTIVE), (pairings.decline_pairing, None)],
    ids=["accept", "decline"],
)
def test_answering_a_proposal_ten_times_at_once_answers_once(app, proposal, answer, state):
    pairing_id, mentor_id, user_id = proposal

    def respond():
        answer(db.session.get(User, user_id), db.session.get(Pairing, pairing_id), now=NOW)

    assert repeated(app, respond, TIMES) == once(TIMES)
    final = db.session.get(Pairing, pairing_id).state
    assert final is (state or PairingState.DECLINED)
    assert _audit(f"pairing.{final.value}") == 1
    assert max(_notices("mentoring.proposal_answered").values()) == 1
    assert _load_and_count(mentor_id) == ((2, 2) if state else (1, 1))
    assert_integrity_clean(now=NOW)


def test_lapsing_a_proposal_from_three_schedulers_lapses_it_once(app, proposal):
    pairing_id, mentor_id, _ = proposal

    def lapse():
        pairings.lapse_pairing(db.session.get(Pairing, pairing_id), now=NOW + timedelta(days=4))

    assert repeated(app, lapse, 3) == once(3)
    assert _audit("pairing.lapsed") == 1
    assert _load_and_count(mentor_id) == (1, 1)
    assert_integrity_clean(now=NOW)


@pytest.fixture
def running(mk):
    mentor = mk.mentor()
    pairing = mk.pairing(mentor, mk.researcher(), mk.programme())
    db.session.commit()
    ids = (pairing.id, mentor.user_id)
    db.session.close()
    return ids


def test_logging_the_same_session_ten_times_at_once_logs_it_once(app, running):
    pairing_id, user_id = running
    entry = sessions.SessionEntry(
        held_on=TODAY - timedelta(days=1), duration_minutes=45, mode=SessionMode.VIDEO
    )

    def log_it():
        pairing = db.session.get(Pairing, pairing_id)
        sessions.log_session(db.session.get(User, user_id), pairing, entry, now=NOW)

    assert repeated(app, log_it, TIMES) == once(TIMES)
    assert db.session.scalar(sa.select(sa.func.count(MentoringSession.id))) == 1
    assert _audit("session.log") == 1
    assert_integrity_clean(now=NOW)


def test_adding_the_same_goal_and_planning_the_same_session_ten_times_adds_one(app, running):
    pairing_id, user_id = running

    def add_goal():
        pairing = db.session.get(Pairing, pairing_id)
        sessions.add_goal(db.session.get(User, user_id), pairing, title="Write a CV", now=NOW)

    def plan():
        sessions.plan_session(
            db.session.get(User, user_id),
            db.session.get(Pairing, pairing_id),
            starts_at=NOW + timedelta(days=3),
            duration_minutes=60,
            mode=SessionMode.VIDEO,
            now=NOW,
        )

    assert repeated(app, add_goal, TIMES) == once(TIMES)
    assert db.session.scalar(sa.select(sa.func.count(Goal.id))) == 1
    db.session.close()
    assert repeated(app, plan, TIMES) == once(TIMES)
    assert db.session.scalar(sa.select(sa.func.count(PlannedSession.id))) == 1
    assert_integrity_clean(now=NOW)
