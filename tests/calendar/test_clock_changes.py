"""Calendar feeds across the clock changes: every event is written in UTC, so an event in the
repeated autumn hour keeps its length, and calendar libraries that read time zones differently
(icalendar, vobject) find the same instants for summer and winter events."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from talent.calendar.ics import event_download
from talent.calendar.registry import CalendarEvent, register_provider, unregister_provider
from talent.db import utcnow
from talent.people.models import Role
from tests.support.clock import OSLO, repeated_hour_start
from tests.support.ics import instants


def _events() -> list[CalendarEvent]:
    """A summer and a winter morning, and 02:00 summer time to 02:00 winter time (an hour)."""
    soon = utcnow() + timedelta(days=2)
    repeat = repeated_hour_start(soon).replace(tzinfo=OSLO)
    summer = repeat.replace(month=7, day=1, hour=10)
    if summer < soon:
        summer = summer.replace(year=summer.year + 1)
    winter = (repeat + timedelta(days=14)).replace(hour=10)
    spans = {
        "summer": (summer, summer + timedelta(hours=2)),
        "winter": (winter, winter + timedelta(hours=2)),
        "repeated-hour": (repeat, repeat.replace(fold=1)),
    }
    return [
        CalendarEvent(
            uid=uid, title=uid, starts_at=start.astimezone(UTC), ends_at=end.astimezone(UTC)
        )
        for uid, (start, end) in spans.items()
    ]


@pytest.fixture
def events():
    made = _events()
    register_provider("test-clock-changes")(lambda user, *, start, end: made)
    yield made
    unregister_provider("test-clock-changes")


def _expected(events) -> dict[str, tuple[datetime, datetime]]:
    return {f"{event.uid}@talent": (event.starts_at, event.ends_at) for event in events}


def test_the_feed_keeps_the_repeated_hour_and_reads_the_same_everywhere(
    client, make, login, events
):
    login(make.user(Role.TEACHER, language="en"))
    client.post("/calendar/feed")
    page = client.get("/profile").get_data(as_text=True)
    url = re.search(r'value="http://localhost(/calendar/[^"]+\.ics)"', page).group(1)

    body = client.get(url).data

    repeated = next(event for event in events if event.uid == "repeated-hour")
    assert repeated.ends_at - repeated.starts_at == timedelta(hours=1)
    text = body.decode()
    assert f"DTSTART:{repeated.starts_at:%Y%m%dT%H%M%S}Z" in text
    assert f"DTEND:{repeated.ends_at:%Y%m%dT%H%M%S}Z" in text
    assert "TZID" not in text and "VTIMEZONE" not in text
    assert instants(body) == _expected(events)


def test_each_downloaded_event_reads_the_same_everywhere(app):
    for event in _events():
        with app.test_request_context():
            body = event_download(event, now=utcnow()).get_data()
        assert instants(body) == _expected([event]), event.uid
