"""The private calendar feed: tokens, the provider registry, iCalendar with alarms."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from talent.calendar.ics import event_download
from talent.calendar.models import CalendarFeed
from talent.calendar.registry import CalendarEvent, register_provider, unregister_provider
from talent.db import utcnow
from talent.extensions import db
from talent.people.models import Role

OSLO = ZoneInfo("Europe/Oslo")


def _lab_visit(user) -> CalendarEvent:
    # The Monday after the autumn clock change, 09:00 in Oslo, whoever looks.
    start = datetime(2027, 11, 1, 9, 0, tzinfo=OSLO)
    return CalendarEvent(
        uid=f"test-visit-{user.id}",
        title="Lab visit: Nordic Nanovector",
        starts_at=start.astimezone(UTC),
        ends_at=(start + timedelta(hours=2)).astimezone(UTC),
        location="Ullernchausseen 64, Oslo",
        description="Bring the consent forms.",
        url="https://talent.example.no/visits/1",
        alarms=(timedelta(days=1), timedelta(hours=1)),
    )


@pytest.fixture(autouse=True)
def provider():
    """A test-only feature that adds one event per user through the registry."""
    calls = []

    @register_provider("test-visits")
    def visits(user, *, start, end):
        calls.append((user.id, start, end))
        event = _lab_visit(user)
        return [event] if start <= event.starts_at < end else []

    @register_provider("test-broken")
    def broken(user, *, start, end):
        raise RuntimeError("this feature has a bug")

    yield calls
    unregister_provider("test-visits")
    unregister_provider("test-broken")


def _feed_url(client) -> str:
    page = client.get("/profile").get_data(as_text=True)
    found = re.search(r'value="(http[^"]+\.ics)" aria-label', page)
    assert found, "no feed URL on the profile page"
    return found.group(1).removeprefix("http://localhost")


def test_a_user_makes_a_feed_and_it_parses_with_alarms(app, client, make, login, provider, caplog):
    user = login(make.user(Role.TEACHER, language="en", name="Kari"))
    page = client.get("/profile").get_data(as_text=True)
    assert "Make my calendar address" in page and ".ics" not in page
    assert client.post("/calendar/feed").status_code == 302
    url = _feed_url(client)

    client.post("/logout")  # the token is the only key a calendar application has
    response = client.get(url)
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    calendar = Calendar.from_ical(response.data)
    assert str(calendar["X-WR-CALNAME"]) == "Talent: Kari"
    [event] = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == "Lab visit: Nordic Nanovector"
    assert str(event["UID"]) == f"test-visit-{user.id}@talent"
    start = event.decoded("DTSTART")
    assert start == datetime(2027, 11, 1, 9, 0, tzinfo=OSLO)
    assert start.utcoffset() == timedelta(0) and "TZID" not in event["DTSTART"].params
    assert event.decoded("DTEND") - start == timedelta(hours=2)
    assert str(event["LOCATION"]) == "Ullernchausseen 64, Oslo"
    triggers = sorted(alarm.decoded("TRIGGER") for alarm in event.walk("VALARM"))
    assert triggers == [-timedelta(days=1), -timedelta(hours=1)]
    assert all(str(alarm["ACTION"]) == "DISPLAY" for alarm in event.walk("VALARM"))
    # Times are UTC, so no VTIMEZONE is needed; the zone is a hint for showing the calendar.
    assert calendar.walk("VTIMEZONE") == []
    assert str(calendar["X-WR-TIMEZONE"]) == "Europe/Oslo"
    # The broken provider is logged and left out; the feed still works.
    assert "calendar provider test-broken failed" in caplog.text
    # The window asked of providers runs from a month back to more than a year ahead.
    _, window_start, window_end = provider[-1]
    assert window_end - window_start > timedelta(days=400)


def test_replacing_the_address_kills_the_old_one(app, client, make, login):
    login(make.user(Role.MENTOR, language="en"))
    client.post("/calendar/feed")
    old = _feed_url(client)
    client.post("/calendar/feed")
    new = _feed_url(client)
    assert old != new
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200


def test_a_revoked_address_is_not_found(app, client, make, login):
    login(make.user(Role.STUDENT, language="en"))
    client.post("/calendar/feed")
    url = _feed_url(client)
    response = client.post("/calendar/feed/revoke", follow_redirects=True)
    assert "Your calendar address no longer works." in response.get_data(as_text=True)
    assert client.get(url).status_code == 404
    assert db.session.query(CalendarFeed).count() == 0


def test_a_deactivated_users_feed_is_not_found(app, client, make):
    user = make.user(Role.HOST, language="en")
    feed = CalendarFeed(user_id=user.id)
    db.session.add(feed)
    user.is_active = False
    db.session.commit()
    assert client.get(f"/calendar/{feed.token}.ics").status_code == 404


@pytest.mark.parametrize("token", ["nope", "x" * 300, "%00", "..%2f..%2fetc"])
def test_made_up_tokens_are_not_found(app, client, token):
    assert client.get(f"/calendar/{token}.ics").status_code == 404


def test_managing_the_feed_needs_a_login(app, client):
    for url in ("/calendar/feed", "/calendar/feed/revoke"):
        response = client.post(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_one_event_downloads_as_an_ics_file(app, make):
    event = _lab_visit(make.user(Role.TEACHER, language="en"))
    with app.test_request_context():
        response = event_download(event, now=utcnow())
    assert response.mimetype == "text/calendar"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="lab-visit-nordic-nanovector.ics"'
    )
    [parsed] = Calendar.from_ical(response.get_data()).walk("VEVENT")
    assert parsed.decoded("DTSTART") == event.starts_at
    assert len(parsed.walk("VALARM")) == 2
