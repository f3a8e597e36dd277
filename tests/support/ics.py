"""Reading an iCalendar document the way two different client libraries do, to see that both
find every event at the same instants."""

from __future__ import annotations

from datetime import UTC, datetime

import icalendar
import vobject

Spans = dict[str, tuple[datetime, datetime]]


def _utc(moment: datetime) -> datetime:
    assert moment.tzinfo is not None, f"{moment} is a floating time"
    return moment.astimezone(UTC)


def read_by_icalendar(body: bytes) -> Spans:
    return {
        str(event["UID"]): (_utc(event.decoded("DTSTART")), _utc(event.decoded("DTEND")))
        for event in icalendar.Calendar.from_ical(body).walk("VEVENT")
    }


def read_by_vobject(body: bytes) -> Spans:
    calendar = vobject.readOne(body.decode())
    return {
        event.uid.value: (_utc(event.dtstart.value), _utc(event.dtend.value))
        for event in calendar.vevent_list
    }


def instants(body: bytes) -> Spans:
    """Each event's (start, end) in UTC by UID, the same whichever library reads it."""
    by_icalendar = read_by_icalendar(body)
    assert read_by_vobject(body) == by_icalendar
    return by_icalendar
