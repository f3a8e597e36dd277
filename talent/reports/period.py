"""School years (August to July) and the filters a report is asked for."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

#: The zone school years are counted in: a visit at 00:30 on 1 August Oslo time is the new year.
ZONE = ZoneInfo("Europe/Oslo")


def current_school_year(today: date) -> int:
    """School years run August to June; return the calendar year the current one started."""
    return today.year if today.month >= 8 else today.year - 1


def year_label(year: int) -> str:
    return f"{year}/{(year + 1) % 100:02d}"


@dataclass(frozen=True)
class SchoolYear:
    """1 August of ``start`` up to (not including) 1 August of the next year.

    July belongs to the year that ends in it, so summer placements and late follow-ups are
    counted somewhere; teaching runs August to June.
    """

    start: int

    @property
    def first_day(self) -> date:
        return date(self.start, 8, 1)

    @property
    def next_first_day(self) -> date:
        return date(self.start + 1, 8, 1)

    @property
    def starts_at(self) -> datetime:
        return datetime.combine(self.first_day, time(), ZONE).astimezone(UTC)

    @property
    def ends_at(self) -> datetime:
        return datetime.combine(self.next_first_day, time(), ZONE).astimezone(UTC)

    @property
    def previous(self) -> SchoolYear:
        return SchoolYear(self.start - 1)

    @property
    def label(self) -> str:
        return year_label(self.start)


@dataclass(frozen=True)
class ReportFilter:
    """The year and, each optional, one school, one host organisation and one programme."""

    year: SchoolYear
    school_id: int | None = None
    host_id: int | None = None
    programme_id: int | None = None

    @property
    def previous(self) -> SchoolYear:
        return self.year.previous

    @property
    def narrows_pupils(self) -> bool:
        """Whether the filter picks pupils (by school or programme), which courses have none."""
        return self.school_id is not None or self.programme_id is not None
