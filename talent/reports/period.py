"""School years (August to July) and the filters a report is asked for."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from talent.clock import at_local, school_year_label


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
        # In the platform's zone: a visit at 00:30 on 1 August Oslo time is the new year.
        return at_local(self.first_day, time())

    @property
    def ends_at(self) -> datetime:
        return at_local(self.next_first_day, time())

    @property
    def previous(self) -> SchoolYear:
        return SchoolYear(self.start - 1)

    @property
    def label(self) -> str:
        return school_year_label(self.start)


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
