"""What the role dashboards share: the user's calendar, and lists cut to a length."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Generic, TypeVar

from talent.clock import today_for, user_zone
from talent.people.models import User

#: How many rows each list on a dashboard shows; the page it links to shows the rest.
LIMIT = 8

T = TypeVar("T")


@dataclass(frozen=True)
class Shown(Generic[T]):
    """The first rows of a list, and whether there are more than these."""

    items: list[T] = field(default_factory=list)
    more: bool = False

    def __bool__(self) -> bool:
        return bool(self.items)

    def __iter__(self):
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


def first(rows: list[T], limit: int = LIMIT) -> Shown[T]:
    """Cut rows fetched with ``limit + 1`` to ``limit``, remembering whether more exist."""
    return Shown(list(rows[:limit]), len(rows) > limit)


def start_of_day(user: User, day: date) -> datetime:
    """Midnight at the start of a day in the user's zone, as aware UTC."""
    return datetime.combine(day, time(0), tzinfo=user_zone(user)).astimezone(UTC)


def week_of(user: User, now: datetime) -> tuple[datetime, datetime]:
    """The start of the user's today and of the day a week later, as aware UTC: the week
    ahead, with today's earlier visits still in it."""
    today = today_for(user, now)
    return start_of_day(user, today), start_of_day(user, today + timedelta(days=7))
