"""The month calendar: per day, how many open slots and free places and how many visits the
user may see; and one day's slots and visits in full.

A month shows counts, each day linking to its own list: one grouped query gives them all, so
the month costs about the same whether it holds three slots or five hundred (their rows are
only counted, in SQL). A day's lists are selects the caller paginates.
"""

from __future__ import annotations

import calendar
import functools
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, joinedload

from talent.clock import at_local, platform_zone
from talent.db import UTCDateTime
from talent.extensions import db
from talent.people.models import User
from talent.visits.models import LabSite, LabVisit, VisitSlot
from talent.visits.services.queries import scope_visits
from talent.visits.services.slots import SlotFilter, open_slots


@dataclass
class Day:
    day: date
    in_month: bool
    open_slots: int = 0
    free_places: int = 0
    visits: int = 0

    @property
    def is_empty(self) -> bool:
        return not (self.open_slots or self.visits)


@dataclass
class Month:
    first: date
    weeks: list[list[Day]]

    @property
    def previous(self) -> date:
        return (self.first - timedelta(days=1)).replace(day=1)

    @property
    def next(self) -> date:
        return (self.first + timedelta(days=32)).replace(day=1)


def _midnights(first_day: date, days: int, zone: ZoneInfo) -> list[datetime]:
    """The local midnights that start each day and end the last, in UTC."""
    return [at_local(first_day + timedelta(days=n), time(0), zone) for n in range(days + 1)]


@functools.cache
def _day_number(days: int) -> sa.ColumnElement:
    """Which day of a span (0, 1, …) the ``starts_at`` of the rows counted falls on, in SQL.

    Compared with the local midnights that start the second to the last day (``midnight_1``
    to ``midnight_<days - 1>``, given when executing), it is right across daylight saving and
    the same on SQLite and PostgreSQL. The comparisons halve the span each time (six for a row,
    not up to 42 in a row), and are built once for each length of span a month can have (28,
    35 or 42 days): building them for every request cost more than running them.
    """
    starts_at = sa.column("starts_at", UTCDateTime())

    def between(first: int, last: int) -> sa.ColumnElement:
        if first == last:
            return sa.literal_column(str(first))
        middle = (first + last + 1) // 2
        return sa.case(
            (
                starts_at < sa.bindparam(f"midnight_{middle}", type_=UTCDateTime()),
                between(first, middle - 1),
            ),
            else_=between(middle, last),
        )

    return between(0, days - 1)


def _within(criteria: SlotFilter, start_on: date, end_on: date) -> SlotFilter | None:
    """The criteria narrowed to the days from start_on to end_on; None if nothing is left."""
    start_on = max(start_on, criteria.start_on or start_on)
    end_on = min(end_on, criteria.end_on or end_on)
    if start_on > end_on:
        return None
    return SlotFilter(
        start_on=start_on,
        end_on=end_on,
        topic=criteria.topic,
        organization_id=criteria.organization_id,
        min_free=criteria.min_free,
        site_id=criteria.site_id,
    )


def month_calendar(
    user: User,
    first: date,
    *,
    criteria: SlotFilter,
    now: datetime,
    zone: ZoneInfo | None = None,
) -> Month:
    """The weeks (Monday first) of a month; each day with its number of open slots matching
    the criteria, their free places, and the visits the user may see."""
    zone = zone or platform_zone()
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    days = [Day(d, d.month == first.month) for week in weeks for d in week]
    midnights = _midnights(days[0].day, len(days), zone)
    span = _within(criteria, days[0].day, days[-1].day)
    for number, kind, count, free in _counts(user, span, midnights, now=now, zone=zone):
        if kind == SLOTS:
            days[number].open_slots, days[number].free_places = count, free
        else:
            days[number].visits = count
    return Month(first, [days[n : n + 7] for n in range(0, len(days), 7)])


#: What a row of ``_counts`` counts.
SLOTS, VISITS = 1, 2


def _counts(user: User, span: SlotFilter | None, midnights: list[datetime], *, now, zone):
    """(day number, SLOTS, open slots, free places) and (day number, VISITS, visits, 0) for
    each day that has any, in one query."""
    visits = scope_visits(
        sa.select(
            VisitSlot.starts_at,
            sa.literal_column(str(VISITS)).label("kind"),
            sa.literal_column("0").label("free"),
        )
        .select_from(LabVisit)
        .join(LabVisit.slot)
        .join(VisitSlot.site)
        .where(VisitSlot.starts_at >= midnights[0], VisitSlot.starts_at < midnights[-1]),
        user,
    )
    moments = visits
    if span is not None:
        slots = open_slots(
            sa.select(
                VisitSlot.starts_at,
                sa.literal_column(str(SLOTS)).label("kind"),
                (VisitSlot.capacity - VisitSlot.persons_booked).label("free"),
            )
            .select_from(VisitSlot)
            .join(VisitSlot.site),
            span,
            now=now,
            zone=zone,
        )
        moments = sa.union_all(slots, visits)
    moments = moments.subquery("moments")
    # Grouped by the day's name: PostgreSQL would not match a CASE repeated in GROUP BY,
    # whose midnights are parameters.
    day = _day_number(len(midnights) - 1).label("day")
    query = sa.select(day, moments.c.kind, sa.func.count(), sa.func.sum(moments.c.free)).group_by(
        sa.literal_column("day"), moments.c.kind
    )
    params = {f"midnight_{number}": midnights[number] for number in range(1, len(midnights) - 1)}
    return db.session.execute(query, params).all()


# One day -------------------------------------------------------------------------------------


def day_slots_query(
    criteria: SlotFilter, day: date, *, now: datetime, zone: ZoneInfo | None = None
) -> sa.Select:
    """The day's open slots matching the criteria, soonest first, with site and organisation."""
    query = (
        sa.select(VisitSlot)
        .join(VisitSlot.site)
        .join(LabSite.organization)
        .options(contains_eager(VisitSlot.site).contains_eager(LabSite.organization))
        .order_by(VisitSlot.starts_at, VisitSlot.id)
    )
    narrowed = _within(criteria, day, day)
    if narrowed is None:
        return query.where(sa.false())
    return open_slots(query, narrowed, now=now, zone=zone)


def day_visits_query(user: User, day: date, *, zone: ZoneInfo | None = None) -> sa.Select:
    """The visits on the day the user may see, in any state, by time, with slot, site and
    class."""
    zone = zone or platform_zone()
    start, end = _midnights(day, 1, zone)
    query = (
        sa.select(LabVisit)
        .join(LabVisit.slot)
        .join(VisitSlot.site)
        .options(
            contains_eager(LabVisit.slot).contains_eager(VisitSlot.site),
            joinedload(LabVisit.school_class),
        )
        .where(VisitSlot.starts_at >= start, VisitSlot.starts_at < end)
        .order_by(VisitSlot.starts_at, LabVisit.id)
    )
    return scope_visits(query, user)
