"""The pieces every feature's integrity checks are made of: a drift record, a derived counter
recomputed by one GROUP BY query, and the age arithmetic the rules about minors need.

A check is a plain function ``check(session, now) -> list[Drift]``. A ``Counter`` is such a
function too, and can also recount given rows, which is what ``--repair`` does under their
locks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

#: Below this age a pupil needs a guardian's consent and a vetted mentor.
ADULT_AGE = 18


@dataclass(frozen=True)
class Drift:
    """One place where the stored data disagrees with what its rows say."""

    #: The check that found it, such as ``visits.persons_booked``.
    check: str
    #: Which record, such as ``visit slot 12``.
    record: str
    #: What the record says: a counter's stored value, or the state that breaks a rule.
    stored: Any
    #: What the rows say: the recomputed value, or why the rule is broken.
    computed: Any
    #: True for a counter that ``repair_counters`` can set to ``computed``.
    repairable: bool = False
    #: The id of the counter's row, for a repairable drift.
    row_id: int | None = None

    def line(self) -> str:
        return f"{self.check}: {self.record}: says {self.stored}, the rows say {self.computed}"


Check = Callable[[Session, datetime], list[Drift]]


@dataclass(frozen=True)
class Counter:
    """A column kept by hand that must equal an aggregate over other rows.

    ``counted`` returns a SELECT of two labelled columns, ``key`` (the id of the counter's row)
    and ``value``, grouped by the key. Rows without any counted row get ``default``. With
    ``at_least`` the stored value may run ahead of the rows (a ticket counter whose highest
    ticket was deleted); only a value behind them is drift. ``limit`` names the column a CHECK
    constraint bounds the counter by: a recomputed value above it cannot be stored.
    """

    check: str
    model: type
    column: str
    label: str
    counted: Callable[[], sa.Select]
    default: Any = 0
    limit: str | None = None
    at_least: bool = False

    def __call__(self, session: Session, now: datetime) -> list[Drift]:
        table = self.model.__table__
        counts = self.counted().subquery()
        computed = self._computed(counts)
        stored = table.c[self.column]
        limit = table.c[self.limit] if self.limit else sa.null()
        query = (
            sa.select(table.c.id, stored, computed, limit)
            .select_from(table.outerjoin(counts, counts.c.key == table.c.id))
            .where(stored < computed if self.at_least else stored.is_distinct_from(computed))
            .order_by(table.c.id)
        )
        return [
            Drift(
                self.check,
                f"{self.label} {row_id}",
                f"{self.column} = {value}",
                actual,
                repairable=self.fits(actual, bound),
                row_id=row_id,
            )
            for row_id, value, actual, bound in session.execute(query)
        ]

    def _computed(self, counts):
        if self.default is None:
            return counts.c.value
        return sa.func.coalesce(counts.c.value, self.default)

    def fits(self, value, bound) -> bool:
        """Whether the value may be stored: within the CHECK's bound, if there is one."""
        return bound is None or 0 <= value <= bound

    def recount(self, session: Session, row_ids: list[int]) -> dict[int, Any]:
        """The values the rows give the counters of these rows now (rows without any are
        left out: they get ``default``)."""
        counts = self.counted().subquery()
        query = sa.select(counts.c.key, counts.c.value).where(counts.c.key.in_(row_ids))
        return dict(session.execute(query).all())

    def drifted(self, stored, computed) -> bool:
        return stored < computed if self.at_least else stored != computed


@dataclass(frozen=True)
class WithinLimit:
    """The rows a counter counts fit in the bound its CHECK gives it (a capacity): a rule,
    not a counter, since no repair can put back the places an overbooking took."""

    check: str
    counter: Counter
    #: What the counted rows are, after their number: "open pairings".
    counted_as: str

    def __call__(self, session: Session, now: datetime) -> list[Drift]:
        table = self.counter.model.__table__
        bound = table.c[self.counter.limit]
        counts = self.counter.counted().subquery()
        query = (
            sa.select(table.c.id, bound, counts.c.value)
            .join(counts, counts.c.key == table.c.id)
            .where(counts.c.value > bound)
            .order_by(table.c.id)
        )
        return [
            Drift(
                self.check,
                f"{self.counter.label} {row_id}",
                f"{self.counter.limit} {limit}",
                f"{count} {self.counted_as}",
            )
            for row_id, limit, count in session.execute(query)
        ]


def age_on(birth_date: date, day: date) -> int:
    """Age in whole years on the day (as ``Student.age_on``, for rows read without a model)."""
    had_birthday = (day.month, day.day) >= (birth_date.month, birth_date.day)
    return day.year - birth_date.year - (0 if had_birthday else 1)


def born_after_for_minor(day: date) -> date:
    """Pupils born after this day are under 18 on ``day``: a bound to filter on in SQL."""
    try:
        return day.replace(year=day.year - ADULT_AGE)
    except ValueError:  # 29 February: the birthday is taken to be 1 March, as in age_on
        return day.replace(year=day.year - ADULT_AGE, day=28)
