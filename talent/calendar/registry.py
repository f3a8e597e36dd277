"""The one place features add their events to users' calendars.

A feature writes a provider and registers it under a unique name from its ``register(app)``
(talent/<feature>/feature.py):

    def planned_sessions(user, *, start, end):
        return [CalendarEvent(uid=f"planned-session-{p.id}", title=..., starts_at=..., ...)]

    register_provider("mentoring")(planned_sessions)

A provider returns the events of one user between ``start`` and ``end`` (aware UTC), with a
bounded number of queries.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from talent.clock import default_zone_name

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CalendarEvent:
    #: Stable across fetches, unique across the site (e.g. ``lab-visit-12``).
    uid: str
    title: str
    starts_at: datetime
    ends_at: datetime
    #: The zone the event happens in: the display hint of its .ics download (times are UTC).
    zone: str = field(default_factory=default_zone_name)
    location: str = ""
    description: str = ""
    #: Absolute link to the event's page.
    url: str = ""
    #: Reminders the calendar application shows, as time before the start.
    alarms: tuple[timedelta, ...] = field(default=(timedelta(days=1),))
    cancelled: bool = False


Provider = Callable[..., Iterable[CalendarEvent]]
_PROVIDERS: dict[str, Provider] = {}


def register_provider(name: str) -> Callable[[Provider], Provider]:
    """Decorator: add a provider of events under a unique name."""

    def register(provider: Provider) -> Provider:
        _PROVIDERS[name] = provider
        return provider

    return register


def unregister_provider(name: str) -> None:
    _PROVIDERS.pop(name, None)


def events_for(user, *, start: datetime, end: datetime) -> list[CalendarEvent]:
    """Every provider's events for the user, by start time; a failing provider is left out."""
    events: list[CalendarEvent] = []
    for name, provider in sorted(_PROVIDERS.items()):
        try:
            events.extend(provider(user, start=start, end=end))
        except Exception:
            log.exception("calendar provider %s failed for user %s", name, user.id)
    return sorted(events, key=lambda event: (event.starts_at, event.uid))
