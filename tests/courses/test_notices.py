"""Courses and the reminder engine: what is scheduled, moved, cancelled and delivered, and the
sessions in each participant's calendar feed."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa

from talent.calendar.registry import events_for
from talent.courses import jobs, notices
from talent.courses.models import AdmissionMode, EnrollmentState
from talent.courses.services import attendance, enrollment, management, messages, waitlist
from talent.extensions import db
from talent.reminders.delivery import deliver_due
from talent.reminders.models import Notification, NotificationState
from tests.courses.conftest import NOW, coordinator, course, researcher

P, C, SENT = NotificationState.PENDING, NotificationState.CANCELLED, NotificationState.SENT


def _rows(kind: str, **filters) -> list[Notification]:
    query = sa.select(Notification).where(Notification.kind == kind).order_by(Notification.id)
    for name, value in filters.items():
        query = query.where(getattr(Notification, name) == value)
    db.session.expire_all()
    return list(db.session.scalars(query))


def test_session_reminders_follow_the_seat(app):
    item = course(capacity=1, sessions=2)
    person, other = researcher(), researcher()
    seated = enrollment.enroll(person, item, now=NOW)
    enrollment.enroll(other, item, now=NOW)  # waiting: no reminders

    rows = _rows(notices.SESSION_SOON)
    assert [(r.recipient_id, r.subject_id, r.state) for r in rows] == [
        (person.id, session.id, P) for session in item.sessions
    ]
    # 24 hours of wall-clock time before, in Oslo: 08:00 UTC on 22 March is 09:00 CET.
    first = item.sessions[0]
    assert rows[0].due_at == first.starts_at - timedelta(hours=24)

    enrollment.withdraw(person, seated, now=NOW)

    assert [r.state for r in _rows(notices.SESSION_SOON, recipient_id=person.id)] == [C, C]


def test_moving_a_session_moves_its_reminders_and_a_new_one_gets_them(app):
    actor = coordinator()
    item = course(sessions=1, ends_on=date(2027, 3, 30))
    person = researcher()
    enrollment.enroll(person, item, now=NOW)
    [session] = item.sessions
    moved_to = datetime(2027, 3, 28, 7, 0, tzinfo=UTC)  # 09:00 in Oslo, the first summer day

    management.save_session(
        actor,
        item,
        session,
        title=session.title,
        starts_at=moved_to,
        ends_at=moved_to + timedelta(hours=2),
        now=NOW,
    )
    added = management.save_session(
        actor,
        item,
        None,
        title="Extra",
        starts_at=moved_to + timedelta(hours=3),
        ends_at=moved_to + timedelta(hours=4),
        now=NOW,
    )

    rows = {r.subject_id: r for r in _rows(notices.SESSION_SOON)}
    # The day before, across the clock change: 09:00 in Oslo on 27 March is 08:00 UTC.
    assert rows[session.id].due_at == datetime(2027, 3, 27, 8, 0, tzinfo=UTC)
    assert rows[added.id].state is P
    management.delete_session(actor, added, now=NOW)
    assert _rows(notices.SESSION_SOON, subject_id=added.id)[0].state is C


def test_an_offer_is_told_at_once_and_reminded_before_its_deadline(app):
    item = course(capacity=1, offer_hours=48)
    seated, waiting = researcher(), researcher()
    mine = enrollment.enroll(seated, item, now=NOW)
    offer = enrollment.enroll(waiting, item, now=NOW)

    enrollment.withdraw(seated, mine, now=NOW)

    [told] = _rows(notices.OFFER)
    [deadline] = _rows(notices.OFFER_DEADLINE)
    assert (told.recipient_id, told.due_at) == (waiting.id, NOW)
    assert deadline.due_at == NOW + timedelta(hours=36)
    waitlist.accept_offer(waiting, offer, now=NOW + timedelta(hours=1))
    assert _rows(notices.OFFER_DEADLINE)[0].state is C
    assert len(_rows(notices.SESSION_SOON)) == 0  # the course has no sessions yet


def test_the_offer_job_lapses_and_commits(app):
    item = course(capacity=1, offer_hours=2)
    seated, first, second = researcher(), researcher(), researcher()
    mine = enrollment.enroll(seated, item, now=NOW)
    one = enrollment.enroll(first, item, now=NOW)
    two = enrollment.enroll(second, item, now=NOW)
    enrollment.withdraw(seated, mine, now=NOW)
    db.session.commit()

    assert jobs.expire_offers(now=NOW + timedelta(hours=3)) == 1
    assert jobs.expire_offers(now=NOW + timedelta(hours=3)) == 0

    db.session.expire_all()
    assert (one.state, two.state) == (EnrollmentState.LAPSED, EnrollmentState.OFFERED)
    assert [r.recipient_id for r in _rows(notices.OFFER)] == [first.id, second.id]
    assert len(_rows(notices.OFFER_DEADLINE)) == 0  # two hours leave no room for a reminder


def test_unsent_applications_are_reminded_before_the_window_closes(app):
    actor = coordinator()
    item = course(admission_mode=AdmissionMode.SELECTION, capacity=1)
    person, other = researcher(), researcher()
    draft = enrollment.save_application(person, item, motivation="", submit=False, now=NOW)
    sent = enrollment.save_application(
        other, item, motivation="A motivation that is long enough.", submit=True, now=NOW
    )

    [reminder] = _rows(notices.WINDOW_CLOSING)
    assert reminder.recipient_id == person.id
    assert reminder.due_at == item.enrollment_closes_at - timedelta(hours=48)
    enrollment.admit(actor, sent, now=NOW)
    enrollment.save_application(
        person, item, motivation="Now I have written enough here.", submit=True, now=NOW
    )
    assert _rows(notices.WINDOW_CLOSING)[0].state is C
    enrollment.reject(actor, draft, now=NOW)
    decisions = {r.recipient_id: r.context["state"] for r in _rows(notices.DECISION)}
    assert decisions == {other.id: "confirmed", person.id: "rejected"}


def test_certificates_and_messages_are_delivered(app):
    actor = coordinator()
    item = course(sessions=1)
    person = researcher(name="Kari Nordmann")
    seated = enrollment.enroll(person, item, now=NOW)
    session = item.sessions[0]
    attendance.record_attendance(actor, session, [seated.id], now=session.ends_at)
    for _ in range(2):  # the same form sent twice
        messages.message_participants(
            actor, item, subject="Room", body="Room 2, 100% sure.", key="k" * 24, now=NOW
        )
    db.session.commit()

    report = deliver_due(now=session.ends_at + timedelta(minutes=1))

    assert (report.sent, report.skipped) == (2, 1)
    [certificate] = _rows(notices.CERTIFICATE)
    [message] = _rows(notices.MESSAGE)
    assert certificate.state is SENT and message.state is SENT
    assert message.context["body"] == "Room 2, 100% sure."
    # The session itself is over: its reminder is skipped, not sent late.
    assert [r.state for r in _rows(notices.SESSION_SOON)] == [NotificationState.SKIPPED]


def test_participants_see_their_sessions_in_their_calendar_feed(app):
    item = course(capacity=1, sessions=2, title="Licensing")
    person, waiting = researcher(), researcher()
    enrollment.enroll(person, item, now=NOW)
    enrollment.enroll(waiting, item, now=NOW)
    db.session.commit()

    with app.test_request_context():
        events = events_for(person, start=NOW, end=NOW + timedelta(days=60))
        others = events_for(waiting, start=NOW, end=NOW + timedelta(days=60))

    mine = [event for event in events if event.uid.startswith("course-session-")]
    assert [event.uid for event in mine] == [f"course-session-{s.id}" for s in item.sessions]
    assert mine[0].title == "Licensing: Session 1" and mine[0].zone == "Europe/Oslo"
    assert not [event for event in others if event.uid.startswith("course-session-")]


def test_every_course_notice_renders_its_words(app):
    from talent.reminders.kinds import get_kind

    values = {
        "course": "Licensing",
        "course_id": 1,
        "session": "Kick-off",
        "place": "Oslo",
        "starts_at": "Monday",
        "expires_at": "Tuesday",
        "closes_at": "Friday",
        "subject": "Room",
        "body": "Room 2.",
        "state": "waitlisted",
    }
    for name in (
        notices.WINDOW_CLOSING,
        notices.SESSION_SOON,
        notices.OFFER,
        notices.OFFER_DEADLINE,
        notices.DECISION,
        notices.CERTIFICATE,
        notices.MESSAGE,
    ):
        kind = get_kind(name)
        text = kind.render_subject(values) + kind.render_body(values)
        assert "%(" not in text and "Licensing" in text, name
    decision = get_kind(notices.DECISION)
    assert "waitlist" in decision.render_body(values)
    assert "sorry" in decision.render_body({**values, "state": "rejected"})
