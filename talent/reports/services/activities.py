"""Guest lectures, placements and projects: how many, pupil-hours, partner organisations."""

from __future__ import annotations

import sqlalchemy as sa

from talent.activities.models import Activity, ActivityParticipant
from talent.extensions import db
from talent.reports.period import ReportFilter
from talent.reports.services.common import (
    Section,
    in_both_years,
    measure_row,
    programme_pupils,
    this_year,
)


def activities_section(report: ReportFilter) -> Section:
    """One query: activities with their pupil counts, summed per year."""
    pupils = sa.select(sa.func.count()).where(ActivityParticipant.activity_id == Activity.id)
    if report.programme_id is not None:
        pupils = pupils.where(
            ActivityParticipant.student_id.in_(programme_pupils(report.programme_id))
        )
    per_activity = sa.select(
        Activity.id,
        Activity.partner_id,
        Activity.hours,
        this_year(report, Activity.starts_on, dated=True).label("is_current"),
        pupils.scalar_subquery().label("pupils"),
    ).where(in_both_years(report, Activity.starts_on, dated=True))
    if report.school_id is not None:
        per_activity = per_activity.where(Activity.school_id == report.school_id)
    if report.host_id is not None:
        per_activity = per_activity.where(Activity.partner_id == report.host_id)
    if report.programme_id is not None:
        per_activity = per_activity.where(
            sa.exists().where(
                ActivityParticipant.activity_id == Activity.id,
                ActivityParticipant.student_id.in_(programme_pupils(report.programme_id)),
            )
        )
    rows = per_activity.subquery("per_activity")
    columns = []
    for flag, suffix in ((1, "1"), (0, "0")):
        test = rows.c.is_current == flag
        columns += [
            sa.func.count(sa.case((test, rows.c.id))).label(f"count_{suffix}"),
            sa.func.coalesce(sa.func.sum(sa.case((test, rows.c.hours * rows.c.pupils))), 0).label(
                f"hours_{suffix}"
            ),
            sa.func.count(sa.distinct(sa.case((test, rows.c.partner_id)))).label(
                f"partners_{suffix}"
            ),
        ]
    result = db.session.execute(sa.select(*columns)).one()
    section = Section("activities")
    section.rows = [
        measure_row("activities", result.count_1, result.count_0),
        measure_row("activity_pupil_hours", float(result.hours_1), float(result.hours_0)),
        measure_row("activity_partners", result.partners_1, result.partners_0),
    ]
    return section
