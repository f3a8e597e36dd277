"""Build the impact report: one aggregate query (or two) per section, never a loop over rows.

The services read only; each section counts this school year and the one before in the same
query, so the year-on-year change costs nothing extra.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace

from talent.reports.period import ReportFilter
from talent.reports.services.activities import activities_section
from talent.reports.services.common import Row, Section, show, show_change
from talent.reports.services.courses import courses_section
from talent.reports.services.feedback import feedback_section
from talent.reports.services.mentoring import mentoring_section
from talent.reports.services.programmes import alumni_section, programmes_section
from talent.reports.services.reach import reach_section
from talent.reports.services.visits import hosts_section, visits_section

__all__ = ["Report", "Row", "Section", "build_report", "show", "show_change"]

log = logging.getLogger(__name__)

#: Section keys in page order; the CSV download names one of them.
SECTION_KEYS = (
    "reach",
    "visits",
    "hosts",
    "activities",
    "programmes",
    "alumni",
    "courses",
    "mentoring",
    "feedback",
)
#: Sections with a row per organisation rather than per measure: they grow with the network.
LONG_SECTIONS = frozenset({"hosts"})


@dataclass
class Report:
    filter: ReportFilter
    sections: list[Section]

    @property
    def is_empty(self) -> bool:
        """Nothing at all happened in either year under these filters."""
        return all(section.is_empty for section in self.sections)

    @property
    def current_is_empty(self) -> bool:
        return all(not row.current for section in self.sections for row in section.rows)

    def section(self, key: str) -> Section:
        return next(section for section in self.sections if section.key == key)

    def shortened(self, max_rows: int) -> Report:
        """The report with the first ``max_rows`` rows of each long table (the busiest hosts)."""
        return Report(self.filter, [shorten(section, max_rows) for section in self.sections])


def shorten(section: Section, max_rows: int) -> Section:
    """The first ``max_rows`` rows of a long section, counting the ones left off."""
    if section.key not in LONG_SECTIONS or len(section.rows) <= max_rows:
        return section
    left_off = section.left_off + len(section.rows) - max_rows
    return replace(section, rows=section.rows[:max_rows], left_off=left_off)


def build_report(report: ReportFilter, *, only: str | None = None) -> Report:
    """Every section (or the one named) for the filter's year and the year before."""
    builders = {
        "activities": lambda: activities_section(report),
        "programmes": lambda: programmes_section(report),
        "alumni": lambda: alumni_section(report),
        "courses": lambda: courses_section(report),
        "mentoring": lambda: mentoring_section(report),
        "feedback": lambda: feedback_section(report),
    }
    sections: dict[str, Section] = {}
    if only in (None, "reach", "visits", "hosts"):
        sections["reach"], pupil_visits = reach_section(report)
    if only in (None, "visits", "hosts"):
        sections["visits"] = visits_section(report, pupil_visits)
        sections["hosts"] = hosts_section(report, sections["visits"])
    for key, build in builders.items():
        if only in (None, key):
            sections[key] = build()
    ordered = [sections[key] for key in SECTION_KEYS if key in sections]
    log.info("report %s built (%s)", report, only or "all sections")
    return Report(report, ordered)
