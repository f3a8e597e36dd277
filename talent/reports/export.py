"""Each report table as a CSV file with the same numbers the page shows."""

from __future__ import annotations

from flask_babel import gettext

from talent.reports.period import ReportFilter
from talent.reports.services import Section, show, show_change
from talent.rosters.csvsafe import csv_text


def section_csv(report: ReportFilter, section: Section) -> str:
    """The table of one section: measure, this year, the year before, change, definition.

    Cells a spreadsheet would run as a formula (an organisation called "=HYPERLINK(…)") get a
    leading apostrophe.
    """
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
            show(row.current, row.unit),
            show(row.previous, row.unit),
            show_change(row),
            str(row.definition),
        ]
        for row in section.rows
    ]
    if section.not_applicable is not None:
        rows.append([str(section.not_applicable), "", "", "", ""])
    return csv_text(header, rows, delimiter=",")


def csv_filename(report: ReportFilter, section: Section) -> str:
    return f"talent-report-{report.year.start}-{section.key}.csv"
