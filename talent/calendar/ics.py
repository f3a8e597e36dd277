"""Writing iCalendar: a user's whole feed, or one event as a download."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime

from flask import Response
from icalendar import Alarm, Calendar, Event

from talent.calendar.registry import CalendarEvent
from talent.text import as_single_line, clean_lines

PRODUCT_ID = "-//Talent//Programme platform//EN"


def _event(item: CalendarEvent, stamp: datetime) -> Event:
    # Names and titles are made one line, texts lose control characters: a row stored before
    # the single-line rule (talent/text.py) must not break a feed (icalendar refuses a line
    # break in a calendar's name; NUL and other controls upset clients).
    title = as_single_line(item.title)
    event = Event()
    event.add("uid", f"{item.uid}@talent")
    event.add("dtstamp", stamp.astimezone(UTC))
    event.add("summary", title)
    # In UTC (…Z): a local time with a TZID cannot tell the two passes of the repeated autumn
    # hour apart, and clients read VTIMEZONE blocks differently; an instant is an instant.
    event.add("dtstart", item.starts_at.astimezone(UTC))
    event.add("dtend", item.ends_at.astimezone(UTC))
    if item.location:
        event.add("location", as_single_line(item.location))
    if item.description:
        event.add("description", clean_lines(item.description))
    if item.url:
        event.add("url", item.url)
    event.add("status", "CANCELLED" if item.cancelled else "CONFIRMED")
    for before in item.alarms:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", title)
        alarm.add("trigger", -before)
        event.add_component(alarm)
    return event


def build_calendar(
    events: Iterable[CalendarEvent], *, name: str, now: datetime, zone: str
) -> bytes:
    """An iCalendar document with the events and their alarms, times in UTC; ``zone`` is only
    the hint for applications that show a calendar in the zone it was made for."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", as_single_line(name))
    calendar.add("x-wr-timezone", zone)
    for item in events:
        calendar.add_component(_event(item, now))
    return calendar.to_ical()


def _filename(title: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9]+", "-", title).strip("-").lower()[:60]
    return f"{slug or 'event'}.ics"


def event_download(event: CalendarEvent, *, now: datetime) -> Response:
    """A response that downloads one event as an .ics file (for every event page)."""
    body = build_calendar([event], name=event.title, now=now, zone=event.zone)
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'attachment; filename="{_filename(event.title)}"'
    return response
