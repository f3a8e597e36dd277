"""The registry of timeline providers: each feature adds what it knows about a pupil.

A provider is a function ``provider(student, viewer) -> Iterable[TimelineEntry]``. It runs a
small, fixed number of queries (however much the pupil has done), best selects built once and
run with ``read_rows``, and leaves out what the viewer may not see; an entry can also name a
permission the viewer must hold on the pupil.
The feature registers it from its ``register(app)`` (talent/<feature>/feature.py)::

    register_timeline_provider(feed.visits_of)
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

import sqlalchemy as sa

from talent.auth import policy
from talent.extensions import db
from talent.people.models import User
from talent.schools.models import Student

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TimelineEntry:
    #: When it happened: a day or an aware moment.
    when: date | datetime
    #: The feature it comes from, such as "programme", "class", "consent", "visit".
    kind: str
    title: str
    detail: str = ""
    #: Where to read more; an URL path the viewer may open.
    url: str | None = None
    #: A permission the viewer must hold on the pupil to see this entry (None: anyone who
    #: may see the timeline).
    permission: str | None = None
    #: Words for a coloured badge, such as the state of an enrollment.
    badge: str = ""
    extra: dict = field(default_factory=dict, compare=False)

    @property
    def sort_key(self) -> datetime:
        if isinstance(self.when, datetime):
            return self.when
        return datetime.combine(self.when, time(0), tzinfo=UTC)

    @property
    def is_day(self) -> bool:
        return not isinstance(self.when, datetime)


Provider = Callable[[Student, User], Iterable[TimelineEntry]]

_PROVIDERS: dict[str, Provider] = {}


def register_timeline_provider(provider: Provider) -> Provider:
    """Add a provider; registering the same function again replaces it."""
    _PROVIDERS[f"{provider.__module__}.{provider.__qualname__}"] = provider
    return provider


def unregister_timeline_provider(provider: Provider) -> None:
    _PROVIDERS.pop(f"{provider.__module__}.{provider.__qualname__}", None)


def providers() -> list[Provider]:
    """By name, so entries of one moment come in the same order whatever registered first."""
    return [provider for _, provider in sorted(_PROVIDERS.items())]


def read_rows(statement: sa.Select, **params) -> Sequence[sa.Row]:
    """Run a provider's select and return its plain rows.

    A timeline runs a handful of small selects. Built once at import with bind parameters
    (building a select costs more than running it) and run on the session's connection
    (the ORM's per-statement set-up is half the cost of reading a few rows), each costs a
    fraction of an ORM query. It does not flush: timeline_for flushes once for all of them.
    """
    return db.session.connection().execute(statement, params).all()


def timeline_for(student: Student, viewer: User) -> list[TimelineEntry]:
    """Everything the viewer may see about the pupil, newest first."""
    # Providers read with read_rows, which does not flush as ORM queries do.
    db.session.flush()
    entries: list[TimelineEntry] = []
    allowed: dict[str, bool] = {}
    for provider in providers():
        for entry in provider(student, viewer):
            if entry.permission is not None:
                if entry.permission not in allowed:
                    allowed[entry.permission] = policy.can(viewer, entry.permission, student)
                if not allowed[entry.permission]:
                    continue
            entries.append(entry)
    return sorted(entries, key=lambda entry: entry.sort_key, reverse=True)
