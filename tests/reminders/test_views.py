"""The inbox, the preferences page and the coordinators' ledger, through real requests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from talent.extensions import db
from talent.people.models import Role
from talent.reminders.models import (
    Category,
    Channel,
    Notification,
    NotificationPreference,
    NotificationState,
)
from talent.reminders.services import notify

NOW = datetime(2026, 10, 13, 6, 0, tzinfo=UTC)


def _delivered(user, count=1, *, read=False, kind="test.account_notice", context=None):
    ids = []
    for n in range(count):
        row = notify(user, kind, None, now=NOW, discriminator=str(n), context=context)
        row.state = NotificationState.SENT
        row.inbox_at = NOW + timedelta(minutes=n)
        row.read_at = NOW if read else None
        ids.append(row.id)
    db.session.commit()
    return ids


def test_the_inbox_lists_delivered_items_and_the_nav_counts_unread(app, client, make, login):
    user = login(make.user(Role.TEACHER, language="en"))
    _delivered(user, 2)
    _delivered(user, 1, read=True, kind="reminders.test", context={"requested_at": NOW})
    notify(user, "test.account_notice", None, now=NOW, discriminator="pending")
    db.session.commit()

    page = client.get("/inbox").get_data(as_text=True)
    assert page.count('data-testid="inbox-item"') == 3  # the pending one is not there yet
    assert "Your account changed" in page and "Talent test message" in page
    assert 'data-testid="unread-badge">2<' in page
    assert "2 unread notifications" in page
    home = client.get("/").get_data(as_text=True)
    assert 'data-testid="unread-badge">2<' in home


def test_the_inbox_query_count_does_not_grow(app, client, make, login, count_queries):
    user = login(make.user(Role.TEACHER, language="en"))
    _delivered(user, 2)
    with count_queries() as few:
        assert client.get("/inbox").status_code == 200
    _delivered(make.user(Role.HOST, language="en"), 5)
    for n in range(20):
        _delivered(user, 1, kind="reminders.test", context={"requested_at": NOW + timedelta(n)})
    with count_queries() as many:
        assert client.get("/inbox").status_code == 200
    assert many.count == few.count <= 15  # the budget of a main page


def test_open_marks_read_and_goes_to_the_thing(app, client, make, login):
    user = login(make.user(Role.TEACHER, language="en"))
    [row_id] = _delivered(user, kind="reminders.test", context={"requested_at": NOW})
    response = client.post(f"/inbox/{row_id}/open")
    assert response.status_code == 302 and response.headers["Location"] == "/inbox"
    assert db.session.get(Notification, row_id).read_at is not None


def test_mark_read_and_mark_all_read(app, client, make, login):
    user = login(make.user(Role.TEACHER, language="en"))
    first, *rest = _delivered(user, 3)
    assert client.post(f"/inbox/{first}/read").status_code == 302
    db.session.expire_all()
    assert db.session.get(Notification, first).read_at is not None
    assert db.session.get(Notification, rest[0]).read_at is None
    response = client.post("/inbox/read-all", follow_redirects=True)
    assert "2 notification(s) marked read." in response.get_data(as_text=True)
    db.session.expire_all()
    assert all(db.session.get(Notification, i).read_at is not None for i in rest)


@pytest.mark.parametrize("action", ["open", "read"])
def test_someone_elses_notification_is_not_found(app, client, make, login, action):
    [theirs] = _delivered(make.user(Role.HOST, language="en"))
    login(make.user(Role.ADMIN, language="en"))
    assert client.post(f"/inbox/{theirs}/{action}").status_code == 404
    assert db.session.get(Notification, theirs).read_at is None


def test_preferences_are_saved_but_account_and_safety_stay_on(app, client, make, login):
    user = login(make.user(Role.TEACHER, language="en"))
    page = client.get("/notifications/preferences").get_data(as_text=True)
    assert page.count("checked") == 14  # everything on by default
    assert page.count("disabled") == 4  # account and safety, both channels

    response = client.post(
        "/notifications/preferences",
        data={"choices": ["visits:in_app", "courses:email", "account:email"]},
    )
    assert response.status_code == 302
    rows = db.session.scalars(
        sa.select(NotificationPreference).where(NotificationPreference.user_id == user.id)
    ).all()
    off = {(p.category, p.channel) for p in rows if not p.is_enabled}
    assert (Category.VISITS, Channel.EMAIL) in off
    assert (Category.COURSES, Channel.IN_APP) in off
    assert (Category.VISITS, Channel.IN_APP) not in off
    assert not any(p.category in (Category.ACCOUNT, Category.SAFETY) for p in rows)

    page = client.get("/notifications/preferences").get_data(as_text=True)
    assert 'value="visits:in_app" id="choice-visits-in_app"\n                 checked' in page


def test_a_made_up_preference_is_refused_next_to_the_field(app, client, make, login):
    login(make.user(Role.TEACHER, language="en"))
    response = client.post(
        "/notifications/preferences", data={"choices": ["visits:pigeon", "courses:email"]}
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'id="choices-error"' in page
    assert 'value="courses:email" id="choice-courses-email"\n                 checked' in page


def _ledger_world(make):
    kari = make.user(Role.TEACHER, language="en", name="Kari Nordmann", email="kari@example.org")
    sam = make.user(Role.HOST, language="en", name="Sam Smith", email="sam@example.org")
    pending = notify(kari, "test.account_notice", None, now=NOW, discriminator="p")
    failed = notify(
        sam,
        "reminders.test",
        None,
        now=NOW - timedelta(days=3),
        discriminator="f",
        context={"requested_at": NOW},
    )
    failed.state, failed.attempts = NotificationState.FAILED, 6
    failed.last_error = "Gave up after 6 attempts. The SMTP server refused the connection."
    db.session.commit()
    return pending.id, failed.id


def test_the_ledger_filters_and_shows_errors(app, client, make, login, count_queries):
    pending, failed = _ledger_world(make)
    login(make.user(Role.COORDINATOR, language="en"))
    page = client.get("/ledger/").get_data(as_text=True)
    assert page.count('data-testid="ledger-row"') == 2
    assert "Gave up after 6 attempts. The SMTP server refused the connection." in page

    def rows(query):
        return (
            client.get(f"/ledger/?{query}").get_data(as_text=True).count('data-testid="ledger-row"')
        )

    assert rows("state=failed") == 1
    assert rows("kind=test.account_notice") == 1
    assert rows("recipient=NORDMANN") == 1
    assert rows("recipient=sam%40example") == 1
    assert rows("date_from=2026-10-12") == 1
    assert rows("date_to=2026-10-11") == 1
    assert rows("date_from=2026-10-14") == 0

    with count_queries() as few:
        client.get("/ledger/")
    for n in range(30):
        notify(
            make.user(Role.MENTOR, language="en"),
            "test.account_notice",
            None,
            now=NOW,
            discriminator=str(n),
        )
    db.session.commit()
    with count_queries() as many:
        client.get("/ledger/")
    assert many.count == few.count


@pytest.mark.parametrize(
    "query",
    [
        "state=bogus",
        "kind=%00",
        "date_from=2026-13-45",
        "date_from=0001-01-01",
        "date_from=2026-10-12&date_to=2026-10-01",
        "page=-4",
        "page=abc",
        "page=99999999999",
        "recipient=" + "x" * 300,
    ],
)
def test_bad_ledger_filters_never_break_the_page(app, client, make, login, query):
    _ledger_world(make)
    login(make.user(Role.ADMIN, language="en"))
    response = client.get(f"/ledger/?{query}")
    assert response.status_code == 200


def test_retry_a_failed_and_cancel_a_pending_delivery(app, client, make, login):
    pending, failed = _ledger_world(make)
    login(make.user(Role.COORDINATOR, language="en"))
    assert client.post(f"/ledger/{failed}/retry").status_code == 302
    assert client.post(f"/ledger/{pending}/cancel").status_code == 302
    db.session.expire_all()
    retried, cancelled = db.session.get(Notification, failed), db.session.get(Notification, pending)
    assert (retried.state, retried.attempts, retried.last_error) == (
        NotificationState.PENDING,
        0,
        "",
    )
    assert cancelled.state is NotificationState.CANCELLED
    # Doing it again (a double-click) is answered calmly, not with an error page.
    response = client.post(f"/ledger/{pending}/cancel", follow_redirects=True)
    assert "This delivery was already cancelled." in response.get_data(as_text=True)
    response = client.post(f"/ledger/{failed}/retry", follow_redirects=True)
    assert "This delivery is waiting to be sent" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Notification, failed).state is NotificationState.PENDING
    assert client.post("/ledger/999999/retry").status_code == 404


def test_staff_can_send_themselves_a_test_message(app, client, make, login):
    staff = login(make.user(Role.COORDINATOR, language="en"))
    response = client.post("/ledger/test-message", follow_redirects=True)
    assert f"A test message to {staff.email} is queued" in response.get_data(as_text=True)
    [row] = db.session.scalars(sa.select(Notification)).all()
    assert (row.kind, row.recipient_id, row.state) == (
        "reminders.test",
        staff.id,
        NotificationState.PENDING,
    )


@pytest.mark.parametrize("role", [Role.TEACHER, Role.HOST, Role.MENTOR, Role.STUDENT])
def test_only_staff_reach_the_ledger(app, client, make, login, role):
    pending, failed = _ledger_world(make)
    login(make.user(role))
    assert client.get("/ledger/").status_code == 403
    assert client.post(f"/ledger/{failed}/retry").status_code == 403
    assert client.post("/ledger/test-message").status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(app, client):
    for url in ("/inbox", "/notifications/preferences", "/ledger/"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]
