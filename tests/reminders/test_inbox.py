"""The inbox page line by line, with CSRF protection on as in production: what each line shows,
the forms it offers and paging."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from talent.extensions import db
from talent.people.models import Role
from talent.reminders import inbox
from talent.reminders.models import Notification, NotificationState
from talent.reminders.services import notify
from tests.security.support import log_in, page_of, submit

NOW = datetime(2026, 10, 13, 6, 0, tzinfo=UTC)


@pytest.fixture
def app_settings():
    return {"WTF_CSRF_ENABLED": True}


def _delivered(user, count=1, *, kind="test.account_notice", context=None, read=False):
    """Inbox items a minute apart, the last one newest."""
    rows = []
    for n in range(count):
        row = notify(user, kind, None, now=NOW, discriminator=f"{kind}{n}", context=context)
        row.state = NotificationState.SENT
        row.inbox_at = NOW + timedelta(minutes=n)
        row.read_at = NOW if read else None
        rows.append(row)
    db.session.commit()
    return [row.id for row in rows]


def _lines(response):
    return page_of(response).find_all(data_testid="inbox-item")


def _reader(make, client, language="en"):
    user = make.user(Role.TEACHER, language=language, timezone="Europe/Oslo")
    db.session.commit()
    assert log_in(client, user.email).status_code == 302
    return user


def test_a_line_shows_title_text_time_and_its_buttons(client, make):
    user = _reader(make, client, "nb")
    _delivered(user, read=True)
    [meeting] = _delivered(  # as new as the other: the later one comes first
        user, kind="test.meeting", context={"place": "Lab 1", "starts_at": NOW.isoformat()}
    )

    [newest, older] = _lines(client.get("/inbox"))

    assert newest.find("span", class_="badge").text() == "Ny"
    text = newest.text()
    assert "Meeting at Lab 1" in text and "Bring your lab coat." in text
    assert "tirsdag 13. oktober 2026" in text  # the context's time, written out in Norwegian
    time = newest.find("time")
    assert time.attrs["datetime"] == NOW.isoformat() and time.text() == "13. okt. 2026 08:00"
    actions = [form.attrs["action"] for form in newest.find_all("form")]
    assert actions == [f"/inbox/{meeting}/open", f"/inbox/{meeting}/read"]
    assert [form.find("button").text() for form in newest.find_all("form")] == [
        "Åpne",
        "Merk som lest",
    ]
    # Read, and about nothing to open: no badge, no buttons.
    assert older.find("span", class_="badge") is None and older.find_all("form") == []


def test_a_line_of_a_kind_no_longer_known_says_notification(client, make):
    user = _reader(make, client)
    [row_id] = _delivered(user)
    db.session.execute(
        sa.update(Notification).where(Notification.id == row_id).values(kind="test.gone")
    )
    db.session.commit()

    [line] = _lines(client.get("/inbox"))

    assert "Notification" in line.text()
    assert [form.attrs["action"] for form in line.find_all("form")] == [f"/inbox/{row_id}/read"]


def test_the_forms_of_the_lines_post_with_the_page_token(client, make):
    user = _reader(make, client)
    [first, *_, last] = _delivered(user, 27, kind="test.meeting", context={"place": "Lab 1"})

    second_page = client.get("/inbox?page=2")
    response = submit(client, second_page, action=f"/inbox/{first}/read")
    assert response.status_code == 302 and response.headers["Location"] == "/inbox?page=2"
    assert db.session.get(Notification, first).read_at is not None

    response = submit(client, client.get("/inbox"), action=f"/inbox/{last}/open")
    assert response.status_code == 302 and response.headers["Location"] == "/admin/organisations"
    db.session.expire_all()
    assert db.session.get(Notification, last).read_at is not None

    response = submit(client, client.get("/inbox"), action="/inbox/read-all")
    assert response.status_code == 302
    page = client.get("/inbox")
    assert "0 unread notifications" in page.get_data(as_text=True)
    for line in _lines(page):  # all read: only Open is left
        assert [form.find("button").text() for form in line.find_all("form")] == ["Open"]


def test_the_inbox_pages_newest_first(client, make):
    user = _reader(make, client)
    ids = _delivered(user, 27)

    first = client.get("/inbox")
    assert len(_lines(first)) == 25
    assert "Page 1 of 2" in first.get_data(as_text=True)
    assert "27 unread notifications" in first.get_data(as_text=True)
    second = client.get("/inbox?page=2")
    assert [line.find("form").attrs["action"] for line in _lines(second)] == [
        f"/inbox/{ids[1]}/read",
        f"/inbox/{ids[0]}/read",
    ]
    assert "Page 2 of 2" in second.get_data(as_text=True)
    beyond = client.get("/inbox?page=3").get_data(as_text=True)
    assert "Nothing here yet" in beyond and "27 unread notifications" in beyond


@pytest.mark.parametrize("language", ["en", "nb"])
def test_a_lines_time_is_written_as_the_datetime_filter_writes_it(app, language):
    zone = ZoneInfo("Europe/Oslo")
    moments = [datetime(2026, month, 1, 22, 5, tzinfo=UTC) for month in range(1, 13)]
    with app.test_request_context(headers={"Accept-Language": language}):
        words = inbox._Words(language, zone)
        written = [words.at(moment) for moment in moments]
        assert written == [app.jinja_env.filters["datetime"](moment) for moment in moments]
