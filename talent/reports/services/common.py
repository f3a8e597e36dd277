"""What every section of the report is made of, and the SQL pieces the sections share."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache

import sqlalchemy as sa
from babel.numbers import format_decimal
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from talent.programmes.models import ProgrammeEnrollment
from talent.reports.definitions import MEASURES, PARTICIPATING, SECTIONS, Unit
from talent.reports.period import ReportFilter


@dataclass(frozen=True)
class Row:
    """One number of the report for this school year and the one before."""

    key: str
    label: object
    definition: object
    unit: Unit
    current: float | None
    previous: float | None

    def __post_init__(self):
        object.__setattr__(self, "current", figure(self.current, self.unit))
        object.__setattr__(self, "previous", figure(self.previous, self.unit))

    @property
    def change(self) -> float | None:
        if self.current is None or self.previous is None:
            return None
        return self.current - self.previous

    @property
    def is_empty(self) -> bool:
        return not self.current and not self.previous


def figure(value, unit: Unit) -> int | float | None:
    """A count as an int, any other measure as a float, whatever the database returned.

    PostgreSQL sums integers into NUMERIC (a Decimal), SQLite into an int: the same figure
    must look the same on both, and survive a trip through JSON (talent.reports.snapshots).
    """
    if value is None:
        return None
    if not isinstance(value, int | float | Decimal) or isinstance(value, bool):
        raise TypeError(f"a report figure must be a number, not {value!r}")
    if unit is Unit.COUNT and value == int(value):
        return int(value)
    return float(value)


def measure_row(key: str, current, previous) -> Row:
    measure = MEASURES[key]
    return Row(key, measure.label, measure.definition, measure.unit, current, previous)


#: Header of the first column of the sections whose rows are not measures.
ROW_HEADERS = {"hosts": MEASURES["hosts_involved"].label, "alumni": _l("Field of study")}


@dataclass
class Section:
    key: str
    rows: list[Row] = field(default_factory=list)
    #: Set when the filters do not apply to this section; then it has no rows.
    not_applicable: object = None
    #: Rows left off a page that shows only the first ones (see Report.shortened).
    left_off: int = 0

    @property
    def row_header(self):
        """Header of the first column when it is not the measure: a host, a field of study."""
        return ROW_HEADERS.get(self.key)

    @property
    def title(self):
        return SECTIONS[self.key].title

    @property
    def definition(self):
        return SECTIONS[self.key].definition

    @property
    def is_empty(self) -> bool:
        return all(row.is_empty for row in self.rows)


def show(value: float | None, unit: Unit, locale: str | None = None) -> str:
    """A number as the page and the CSV files show it (in ``locale``, else the request's)."""
    if value is None:
        return "–"
    return _shown(value, unit, locale or str(get_locale()))


@lru_cache(maxsize=4096)
def _shown(value: float, unit: Unit, locale: str) -> str:
    # A page shows hundreds of small numbers, mostly the same few: format each once.
    if unit is Unit.COUNT:
        return format_decimal(value, "#,##0", locale=locale)
    if unit is Unit.PERCENT:
        return format_decimal(value, "#,##0.0", locale=locale) + " %"
    if unit is Unit.SCORE:
        return format_decimal(value, "0.0", locale=locale)
    return format_decimal(value, "#,##0.#", locale=locale)


def show_change(row: Row, locale: str | None = None) -> str:
    change = row.change
    if change is None:
        return "–"
    unit = Unit.COUNT if row.unit is Unit.COUNT else row.unit
    text = show(abs(change), unit, locale)
    if row.unit is Unit.PERCENT:
        text = text.replace(" %", " pp")
    if change > 0:
        return f"+{text}"
    if change < 0:
        return f"−{text}"
    return text


# SQL pieces -----------------------------------------------------------------------------------


def bounds(report: ReportFilter, column, *, dated: bool) -> tuple:
    """The previous year's start and this year's end for a date or a UTC moment column."""
    if dated:
        return report.previous.first_day, report.year.next_first_day
    return report.previous.starts_at, report.year.ends_at


def in_both_years(report: ReportFilter, column, *, dated: bool):
    """The column lies in this school year or the previous one."""
    start, end = bounds(report, column, dated=dated)
    return sa.and_(column >= start, column < end)


def this_year(report: ReportFilter, column, *, dated: bool):
    """1 when the column (already known to lie in one of the two years) is in this year."""
    start: date | datetime = report.year.first_day if dated else report.year.starts_at
    return sa.case((column >= start, 1), else_=0)


def count_if(condition):
    return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)


def sum_if(condition, value):
    return sa.func.coalesce(sa.func.sum(sa.case((condition, value), else_=0)), 0)


def programme_pupils(programme_id: int):
    """Ids of pupils taking part (active or completed) in one programme."""
    return sa.select(ProgrammeEnrollment.student_id).where(
        ProgrammeEnrollment.programme_id == programme_id,
        ProgrammeEnrollment.state.in_(PARTICIPATING),
    )


def pair(result, current_key: str, previous_key: str) -> tuple:
    return getattr(result, current_key), getattr(result, previous_key)
