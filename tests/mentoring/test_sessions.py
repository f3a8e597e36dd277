"""Goals, the session log, confirmation, planning and their reminders."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from talent.errors import InvalidState, NotAllowed, ValidationFailed
from talent.extensions import db
from talent.mentoring.models import GoalStatus, PairingState, SessionMode
from talent.mentoring.services import reminders
from talent.mentoring.services import sessions as service
from talent.people.models import Role
from talent.reminders.models import Notification, NotificationState
from tests.mentoring.conftest import NOW, TODAY


def entry(**fields):
    values = {"held_on": TODAY, "duration_minutes": 60, "mode": SessionMode.VIDEO}
    values.update(fields)
    return service.SessionEntry(**values)


@pytest.fixture
def active(mk):
    mentor = mk.mentor()
    return mk.pairing(mentor, mk.pupil(), mk.programme(), starts_on=TODAY - timedelta(days=40))


def kinds():
    return sorted(
        (n.kind, n.recipient_id)
        for n in db.session.scalars(
            sa.select(Notification).where(Notification.state == NotificationState.PENDING)
        )
    )


def test_logging_a_session_restarts_the_cadence(active):
    active.nudged_cycles, active.closing_warned_at = 1, NOW
    goal = service.add_goal(active.mentor.user, active, title="Pick a field", now=NOW)
    session = service.log_session(
        active.mentor.user,
        active,
        entry(
            held_on=TODAY - timedelta(days=1),
            private_note="Seemed tired",
            shared_note="Read the article",
            goal_ids=[goal.id],
        ),
        now=NOW,
    )
    assert session.goals_moved == [goal]
    assert active.last_session_on == TODAY - timedelta(days=1)
    assert active.cadence_from == TODAY - timedelta(days=1)
    assert active.nudged_cycles == 0 and active.closing_warned_at is None
    assert not active.is_overdue(TODAY)


def test_a_late_entry_for_an_older_day_keeps_the_later_anchor(active):
    user = active.mentor.user
    service.log_session(user, active, entry(held_on=TODAY - timedelta(days=2)), now=NOW)
    service.log_session(user, active, entry(held_on=TODAY - timedelta(days=20)), now=NOW)
    assert active.last_session_on == TODAY - timedelta(days=2)
    assert active.cadence_from == TODAY - timedelta(days=2)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"held_on": TODAY + timedelta(days=1)}, "held_on"),
        ({"held_on": TODAY - timedelta(days=400)}, "held_on"),
        ({"held_on": None}, "held_on"),
        ({"duration_minutes": -30}, "duration_minutes"),
        ({"duration_minutes": 0}, "duration_minutes"),
        ({"duration_minutes": 100_000}, "duration_minutes"),
        ({"duration_minutes": None}, "duration_minutes"),
        ({"mode": None}, "mode"),
        ({"topics": "x" * 1001}, "topics"),
        ({"goal_ids": [999_999]}, "goal_ids"),
    ],
)
def test_bad_entries_are_refused_with_their_field(active, fields, field):
    with pytest.raises(ValidationFailed) as refused:
        service.log_session(active.mentor.user, active, entry(**fields), now=NOW)
    assert refused.value.field == field


def test_the_future_is_judged_in_the_mentors_time_zone(active):
    # 23:30 UTC on 2 March is already 3 March in Oslo.
    late_evening = datetime(2026, 3, 2, 23, 30, tzinfo=UTC)
    service.log_session(
        active.mentor.user, active, entry(held_on=TODAY + timedelta(days=1)), now=late_evening
    )


def test_the_database_refuses_absurd_durations(active):
    session = service.log_session(active.mentor.user, active, entry(), now=NOW)
    with pytest.raises(IntegrityError):
        db.session.execute(
            sa.text("UPDATE mentoring_sessions SET duration_minutes = -5 WHERE id = :id"),
            {"id": session.id},
        )


def test_a_goal_of_another_pairing_cannot_be_moved(mk, active):
    other = mk.pairing(mk.mentor(), mk.pupil(), active.programme)
    foreign = service.add_goal(other.mentor.user, other, title="Theirs", now=NOW)
    with pytest.raises(ValidationFailed):
        service.log_session(active.mentor.user, active, entry(goal_ids=[foreign.id]), now=NOW)


def test_sessions_are_logged_on_active_pairings_only(mk):
    pairing = mk.pairing(mk.mentor(), mk.pupil(), mk.programme(), state=PairingState.PAUSED)
    with pytest.raises(InvalidState):
        service.log_session(pairing.mentor.user, pairing, entry(), now=NOW)


def test_confirm_is_idempotent_and_freezes_the_entry(active):
    session = service.log_session(active.mentor.user, active, entry(), now=NOW)
    assert service.confirm_session(session, by=None, now=NOW) is True
    assert service.confirm_session(session, by=None, now=NOW + timedelta(hours=1)) is False
    assert session.confirmed_at == NOW
    with pytest.raises(InvalidState):
        service.update_session(active.mentor.user, session, entry(duration_minutes=90), now=NOW)


def test_the_mentor_cannot_confirm_their_own_session(active):
    session = service.log_session(active.mentor.user, active, entry(), now=NOW)
    with pytest.raises(NotAllowed):
        service.confirm_session(session, by=active.mentor.user, now=NOW)


def test_dispute_needs_a_comment_and_a_correction_clears_it(active):
    session = service.log_session(active.mentor.user, active, entry(), now=NOW)
    with pytest.raises(ValidationFailed):
        service.dispute_session(session, comment=" ", by=None, now=NOW)
    service.dispute_session(session, comment="It was 30 minutes", by=None, now=NOW)
    assert session.disputed_at == NOW
    service.update_session(active.mentor.user, session, entry(duration_minutes=30), now=NOW)
    assert session.disputed_at is None and session.duration_minutes == 30


def test_goal_status(active):
    goal = service.add_goal(active.mentor.user, active, title="  Visit a lab  ", now=NOW)
    assert goal.title == "Visit a lab"
    service.set_goal_status(active.mentor.user, goal, GoalStatus.ACHIEVED, now=NOW)
    assert goal.status is GoalStatus.ACHIEVED and goal.closed_at == NOW
    with pytest.raises(ValidationFailed):
        service.add_goal(active.mentor.user, active, title="", now=NOW)


def test_planning_reminds_both_sides_a_day_before_and_cancelling_cancels(mk):
    account = mk.user(Role.STUDENT)
    mentee = mk.pupil()
    mentee.student.user = account
    pairing = mk.pairing(mk.mentor(), mentee, mk.programme())
    starts = datetime(2026, 3, 10, 14, 0, tzinfo=UTC)
    planned = service.plan_session(
        pairing.mentor.user,
        pairing,
        starts_at=starts,
        duration_minutes=45,
        mode=SessionMode.ON_SITE,
        place="Oslo Cancer Cluster Innovation Park",
        now=NOW,
    )
    soon = db.session.scalars(
        sa.select(Notification).where(Notification.kind == reminders.SESSION_SOON)
    ).all()
    assert sorted(n.recipient_id for n in soon) == sorted([pairing.mentor.user_id, account.id])
    assert {n.due_at for n in soon} == {starts - timedelta(hours=24)}
    assert (reminders.SESSION_PLANNED, account.id) in kinds()
    service.cancel_planned_session(pairing.mentor.user, planned, now=NOW)
    assert kinds() == []


@pytest.mark.parametrize(
    ("starts_at", "minutes", "field"),
    [
        (NOW - timedelta(minutes=1), 60, "starts_at"),
        (NOW + timedelta(days=400), 60, "starts_at"),
        (None, 60, "starts_at"),
        (NOW + timedelta(days=1), 2, "duration_minutes"),
        (NOW + timedelta(days=1), 9999, "duration_minutes"),
    ],
)
def test_bad_plans_are_refused(active, starts_at, minutes, field):
    with pytest.raises(ValidationFailed) as refused:
        service.plan_session(
            active.mentor.user,
            active,
            starts_at=starts_at,
            duration_minutes=minutes,
            mode=SessionMode.VIDEO,
            now=NOW,
        )
    assert refused.value.field == field


def test_a_mentee_with_an_account_is_asked_in_the_app_and_confirming_clears_it(mk):
    mentee = mk.researcher(languages=["nb"])
    pairing = mk.pairing(mk.mentor(), mentee, mk.programme())
    session = service.log_session(pairing.mentor.user, pairing, entry(), now=NOW)
    assert kinds() == [(reminders.SESSION_LOGGED, mentee.user_id)]
    service.confirm_session(session, by=mentee.user, now=NOW)
    assert kinds() == []
