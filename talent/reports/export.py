"""Each report table as a CSV file with the same numbers the page shows."""

from __future__ import annotations

from flask_babel import gettext

from talent.reports.definitions import Unit
from talent.reports.period import ReportFilter
from talent.reports.services import Section


def _number(value: float | None, unit: Unit) -> int | float | str:
    """The figure rounded as the page rounds it, as a number a spreadsheet can add up."""
    if value is None:
        return ""
    return round(value) if unit is Unit.COUNT else round(value, 1)


def section_csv(report: ReportFilter, section: Section) -> tuple[list[str], list[list]]:
    """The header and rows of one section: measure, this year, the year before, change,
    definition. Percentages are in per cent, their change in percentage points."""
    header = [
        str(section.row_header or gettext("Measure")),
        report.year.label,
        report.previous.label,
        gettext("Change"),
        gettext("What is counted"),
    ]
    rows = [
        [
            str(row.label),
            _number(row.current, row.unit),
            _number(row.previous, row.unit),
            _number(row.change, row.unit),
            str(row.definition),
        ]
        for row in section.rows
    ]
    if section.not_applicable is not None:
        rows.append([str(section.not_applicable), "", "", "", ""])
    return header, rows


def csv_filename(report: ReportFilter, section: Section) -> str:
    return f"talent-report-{report.year.start}-{section.key}.csv"
