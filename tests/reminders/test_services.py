"""Scheduling, moving and cancelling reminders; the wall-clock rule across DST changes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from talent.audit.models import AuditEvent
from talent.errors import AlreadyDone
from talent.extensions import db
from talent.people.models import Role
from talent.reminders import services
from talent.reminders.models import Notification, NotificationState
from talent.reminders.services import cancel_for, reschedule_for, schedule, wall_clock_before

OSLO = ZoneInfo("Europe/Oslo")
NOW = datetime(2026, 10, 1, 8, 0, tzinfo=UTC)
DAY = timedelta(days=1)


def _rows():
    return db.session.scalars(sa.select(Notification).order_by(Notification.id)).all()


@pytest.mark.parametrize(
    ("monday", "sunday_utc"),
    [
        # Spring: clocks go forward on Sunday 29 March 2026 at 02:00 (CET → CEST).
        (datetime(2026, 3, 30, 9, 0, tzinfo=OSLO), datetime(2026, 3, 29, 7, 0, tzinfo=UTC)),
        # Autumn: clocks go back on Sunday 25 October 2026 at 03:00 (CEST → CET).
        (datetime(2026, 10, 26, 9, 0, tzinfo=OSLO), datetime(2026, 10, 25, 8, 0, tzinfo=UTC)),
    ],
    ids=["spring", "autumn"],
)
def test_a_day_before_9_on_the_monday_after_dst_is_9_on_sunday(app, make, monday, sunday_utc):
    due = wall_clock_before(monday, DAY, "Europe/Oslo")
    assert due == sunday_utc
    local = due.astimezone(OSLO)
    assert (local.strftime("%A"), local.hour, local.minute) == ("Sunday", 9, 0)

    # The same rule through schedule() for an Oslo user, stored as UTC.
    user = make.user(Role.TEACHER, timezone="Europe/Oslo")
    row = schedule(
        user,
        "test.meeting",
        make.organization(),
        now=NOW.replace(month=1),
        event_at=monday.astimezone(UTC),
        lead=DAY,
    )
    db.session.commit()
    db.session.expire_all()
    stored = db.session.get(Notification, row.id)
    assert stored.due_at == sunday_utc and stored.due_at.tzinfo is not None
    assert stored.due_at.astimezone(OSLO).hour == 9


@pytest.mark.parametrize(
    ("sunday", "elapsed"),
    [
        (datetime(2026, 3, 29, 9, 0, tzinfo=OSLO), timedelta(hours=23)),
        (datetime(2026, 10, 25, 9, 0, tzinfo=OSLO), timedelta(hours=25)),
    ],
    ids=["spring", "autumn"],
)
def test_a_day_before_spans_the_clock_change_in_wall_clock_time(sunday, elapsed):
    """A day before 09:00 on the Sunday of the change is 09:00 on Saturday: 23 or 25 hours."""
    due = wall_clock_before(sunday, DAY, "Europe/Oslo")
    assert due.astimezone(OSLO).replace(tzinfo=None) == datetime(
        sunday.year, sunday.month, sunday.day - 1, 9, 0
    )
    assert sunday - due == elapsed


def test_schedule_twice_changes_nothing(app, make):
    user, org = make.user(Role.TEACHER), make.organization()
    event = NOW + 3 * DAY
    first = schedule(
        user,
        "test.meeting",
        org,
        now=NOW,
        event_at=event,
        lead=DAY,
        context={"place": "Lab 1", "starts_at": event},
    )
    second = schedule(
        user,
        "test.meeting",
        org,
        now=NOW,
        event_at=event + DAY,
        lead=DAY,
        context={"place": "Elsewhere"},
    )
    db.session.commit()
    assert first.id == second.id
    [row] = _rows()
    assert row.context == {"place": "Lab 1", "starts_at": event.isoformat()}
    assert row.due_at == event - DAY
    assert row.state is NotificationState.PENDING
    assert row.idempotency_key == f"test.meeting:Organization:{org.id}:{user.id}"


def test_one_row_per_recipient_and_discriminator(app, make):
    users = [make.user(Role.TEACHER) for _ in range(3)]
    org = make.organization()
    event = NOW + 10 * DAY
    for user in users:
        for lead, name in ((7 * DAY, "7d"), (DAY, "1d")):
            schedule(
                user, "test.meeting", org, now=NOW, event_at=event, lead=lead, discriminator=name
            )
    db.session.commit()
    assert len(_rows()) == 6
    assert len({row.idempotency_key for row in _rows()}) == 6


def test_the_database_refuses_a_second_row_with_the_same_key(app, make):
    user = make.user(Role.TEACHER)
    row = schedule(user, "test.account_notice", None, now=NOW, due_at=NOW)
    db.session.add(
        Notification(
            recipient_id=user.id,
            kind=row.kind,
            due_at=NOW,
            next_attempt_at=NOW,
            idempotency_key=row.idempotency_key,
        )
    )
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_an_event_that_has_started_gets_no_reminder(app, make):
    user = make.user(Role.TEACHER)
    assert (
        schedule(
            user,
            "test.meeting",
            make.organization(),
            now=NOW,
            event_at=NOW - timedelta(minutes=1),
            lead=DAY,
        )
        is None
    )
    assert _rows() == []


def test_an_unknown_kind_is_a_programming_error(app, make):
    with pytest.raises(ValueError, match="unknown notification kind"):
        schedule(make.user(Role.TEACHER), "no.such.kind", None, now=NOW, due_at=NOW)


def test_moving_an_event_recomputes_its_pending_reminders(app, make):
    user, other = make.user(Role.TEACHER), make.user(Role.HOST, timezone="America/New_York")
    org = make.organization()
    event = datetime(2026, 10, 20, 9, 0, tzinfo=OSLO).astimezone(UTC)
    for person in (user, other):
        schedule(
            person,
            "test.meeting",
            org,
            now=NOW,
            event_at=event,
            lead=DAY,
            context={"starts_at": event, "place": "Lab"},
        )
    sent = schedule(
        user, "test.meeting", org, now=NOW, event_at=event, lead=7 * DAY, discriminator="7d"
    )
    sent.state = NotificationState.SENT
    db.session.commit()

    moved = datetime(2026, 10, 26, 9, 0, tzinfo=OSLO).astimezone(UTC)
    assert reschedule_for(org, event_at=moved, now=NOW, context={"starts_at": moved}) == 2
    db.session.commit()
    rows = {(row.recipient_id, row.lead_minutes): row for row in _rows()}
    mine = rows[(user.id, 24 * 60)]
    assert mine.due_at == datetime(2026, 10, 25, 9, 0, tzinfo=OSLO).astimezone(UTC)
    assert mine.relevant_until == moved
    assert mine.context == {"starts_at": moved.isoformat(), "place": "Lab"}
    theirs = rows[(other.id, 24 * 60)]
    assert theirs.due_at == moved - DAY  # New York had changed clocks already: 24 h there
    assert rows[(user.id, 7 * 24 * 60)].state is NotificationState.SENT


def test_moving_an_event_into_the_past_cancels_its_reminders(app, make):
    user, org = make.user(Role.TEACHER), make.organization()
    schedule(user, "test.meeting", org, now=NOW, event_at=NOW + 3 * DAY, lead=DAY)
    reschedule_for(org, event_at=NOW - DAY, now=NOW)
    assert [row.state for row in _rows()] == [NotificationState.CANCELLED]


def test_cancelling_cancels_only_pending_and_scheduling_again_revives(app, make):
    user, org = make.user(Role.TEACHER), make.organization()
    event = NOW + 3 * DAY
    pending = schedule(user, "test.meeting", org, now=NOW, event_at=event, lead=DAY)
    failed = schedule(
        user, "test.meeting", org, now=NOW, event_at=event, lead=2 * DAY, discriminator="2d"
    )
    failed.state = NotificationState.FAILED
    unrelated = schedule(
        user, "test.meeting", make.organization(), now=NOW, event_at=event, lead=DAY
    )
    assert cancel_for(org, now=NOW, reason="Visit cancelled") == 1
    db.session.commit()
    assert pending.state is NotificationState.CANCELLED
    assert pending.last_error == "Visit cancelled"
    assert failed.state is NotificationState.FAILED
    assert unrelated.state is NotificationState.PENDING

    again = schedule(user, "test.meeting", org, now=NOW, event_at=event + DAY, lead=DAY)
    assert again.id == pending.id
    assert again.state is NotificationState.PENDING
    assert again.due_at == event


def test_notify_is_due_now(app, make):
    row = services.notify(make.user(Role.MENTOR), "test.account_notice", None, now=NOW)
    assert row.due_at == NOW and row.next_attempt_at == NOW and row.relevant_until is None


def test_retry_and_cancel_from_the_ledger(app, make):
    staff = make.user(Role.COORDINATOR)
    row = services.notify(make.user(Role.MENTOR), "test.account_notice", None, now=NOW)
    with pytest.raises(AlreadyDone):  # pending: nothing to retry
        services.retry(staff, row, now=NOW)
    services.cancel(staff, row, now=NOW)
    assert row.state is NotificationState.CANCELLED
    with pytest.raises(AlreadyDone):
        services.cancel(staff, row, now=NOW)
    row.state, row.attempts = NotificationState.FAILED, 6
    db.session.flush()
    services.retry(staff, row, now=NOW + DAY)
    assert (row.state, row.attempts, row.next_attempt_at) == (
        NotificationState.PENDING,
        0,
        NOW + DAY,
    )
    with pytest.raises(AlreadyDone):  # retried already: a double-click
        services.retry(staff, row, now=NOW)
    actions = db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["notification.cancel", "notification.retry"]
