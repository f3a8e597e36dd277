"""Report snapshots: a computed report kept as JSON and served while it is young enough.

The report's figures are aggregates over every year of data; coordinators read them a few times
a day and need not see them live to the second. ``stored_report`` serves a snapshot younger
than the maximum age (TALENT_REPORT_MAX_AGE_MINUTES); otherwise ``compute_report`` counts
afresh and ``store_report`` upserts the result, so two requests computing the same report at
once both succeed. The JSON shape is defined here only: labels and definitions are not stored
(they are rebuilt from the row keys in the reader's language), only the numbers and the names
of host organisations.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from talent.clock import local_date, school_year_of
from talent.programmes.models import ALUMNI_FIELDS
from talent.reports.definitions import MEASURES
from talent.reports.models import ReportSnapshot
from talent.reports.period import ReportFilter, SchoolYear
from talent.reports.services import LONG_SECTIONS, Report, Row, Section, build_report
from talent.reports.services.common import measure_row
from talent.reports.services.courses import FOR_RESEARCHERS
from talent.reports.services.feedback import rating_count_row
from talent.reports.services.programmes import NO_HOSTS, alumni_row
from talent.reports.services.visits import host_row

log = logging.getLogger(__name__)

#: The version of the JSON shape; a snapshot of another version counts as missing.
#: 2: host organisations busiest first (they were in alphabetical order).
FORMAT = 2
#: Why a section can be not applicable, by section key (see the section builders).
NOT_APPLICABLE = {"courses": FOR_RESEARCHERS, "programmes": NO_HOSTS, "alumni": NO_HOSTS}
_FIELDS = {f"field-{field.value}": field for field in ALUMNI_FIELDS}


@dataclass(frozen=True)
class Figures:
    """A report and the moment its numbers were counted."""

    report: Report
    computed_at: datetime


def snapshot_key(report: ReportFilter) -> str:
    """``year:school:host:programme`` with ``-`` for a filter not in use."""
    parts = (report.school_id, report.host_id, report.programme_id)
    return ":".join([str(report.year.start), *("-" if p is None else str(p) for p in parts)])


def default_filters(now: datetime) -> list[ReportFilter]:
    """The reports most people open: every school, host and programme, this year and last."""
    year = school_year_of(local_date(now))
    return [ReportFilter(SchoolYear(year)), ReportFilter(SchoolYear(year - 1))]


# The JSON shape ----------------------------------------------------------------------------


def _number(value):
    """A figure as JSON keeps it exactly: None, an int or a float (anything else is a bug)."""
    if value is None or type(value) in (int, float):
        return value
    raise TypeError(f"a report figure must be an int, a float or None, not {value!r}")


def encode_report(report: Report) -> str:
    """The report's numbers (and host names) as JSON."""
    sections = []
    for section in report.sections:
        rows = []
        for row in section.rows:
            data = {
                "key": row.key,
                "current": _number(row.current),
                "previous": _number(row.previous),
            }
            if row.key.startswith("host-"):
                data["name"] = str(row.label)
            rows.append(data)
        sections.append(
            {"key": section.key, "not_applicable": section.not_applicable is not None, "rows": rows}
        )
    return json.dumps({"format": FORMAT, "sections": sections}, allow_nan=False)


def _decode_row(data: dict) -> Row:
    key, current, previous = data["key"], data["current"], data["previous"]
    if key in MEASURES:
        return measure_row(key, current, previous)
    if key.startswith("host-"):
        return host_row(int(key.removeprefix("host-")), data["name"], current, previous)
    if key in _FIELDS:
        return alumni_row(_FIELDS[key], current, previous)
    if key.endswith("_count") and key.removesuffix("_count") in MEASURES:
        return rating_count_row(key.removesuffix("_count"), current, previous)
    raise ValueError(f"unknown report row {key!r}")


def decode_report(
    report: ReportFilter, payload: str, *, max_rows: int | None = None
) -> Report | None:
    """The report a snapshot holds, or None when it was written in another shape.

    With ``max_rows``, each long table keeps its first rows only (see Report.shortened): a
    page showing twenty hosts of hundreds need not build the others.
    """
    try:
        data = json.loads(payload)
        if data.get("format") != FORMAT:
            return None
        sections = []
        for item in data["sections"]:
            rows = item["rows"]
            long = max_rows is not None and item["key"] in LONG_SECTIONS
            kept = rows[:max_rows] if long else rows
            sections.append(
                Section(
                    item["key"],
                    rows=[_decode_row(row) for row in kept],
                    not_applicable=NOT_APPLICABLE[item["key"]] if item["not_applicable"] else None,
                    left_off=len(rows) - len(kept),
                )
            )
    except (ValueError, KeyError, TypeError, AttributeError):
        log.warning("report snapshot for %s is unreadable; counting afresh", report)
        return None
    return Report(report, sections)


# Reading and writing ------------------------------------------------------------------------


def stored_report(
    session,
    report: ReportFilter,
    *,
    now: datetime,
    max_age: timedelta,
    max_rows: int | None = None,
):
    """The stored figures of this report if they are younger than ``max_age``, else None."""
    snapshot = session.execute(
        sa.select(ReportSnapshot.payload, ReportSnapshot.computed_at).where(
            ReportSnapshot.key == snapshot_key(report),
            ReportSnapshot.computed_at > now - max_age,
        )
    ).first()
    if snapshot is None:
        return None
    found = decode_report(report, snapshot.payload, max_rows=max_rows)
    return None if found is None else Figures(found, snapshot.computed_at)


def compute_report(report: ReportFilter, *, now: datetime) -> Figures:
    """Count every section of the report afresh."""
    return Figures(build_report(report), now)


def store_report(session, figures: Figures) -> None:
    """Insert or replace the snapshot of these figures, unless a newer one is already stored.

    One statement (INSERT … ON CONFLICT DO UPDATE), so requests storing the same report at the
    same moment do not fail on the unique key. The caller commits.
    """
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(ReportSnapshot).values(
        key=snapshot_key(figures.report.filter),
        payload=encode_report(figures.report),
        computed_at=figures.computed_at,
    )
    session.execute(
        statement.on_conflict_do_update(
            index_elements=[ReportSnapshot.key],
            set_={
                "payload": statement.excluded.payload,
                "computed_at": statement.excluded.computed_at,
            },
            where=ReportSnapshot.computed_at <= statement.excluded.computed_at,
        )
    )
    log.info("report snapshot %s stored", snapshot_key(figures.report.filter))


def purge_snapshots(session, *, counted_by: datetime) -> int:
    """Delete the snapshots counted at or before that moment; the caller commits.

    Every year and filter a coordinator looked at leaves a snapshot; without this they would
    pile up for good.
    """
    result = session.execute(
        sa.delete(ReportSnapshot).where(ReportSnapshot.computed_at <= counted_by)
    )
    return result.rowcount
