"""School of Health Innovation: applications, enrollments, completions per school year."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from talent.courses.models import Course, CourseEnrollment, course_partners
from talent.courses.models import EnrollmentState as CourseState
from talent.extensions import db
from talent.reports.definitions import APPLIED_COURSE, ENROLLED_COURSE
from talent.reports.period import ReportFilter
from talent.reports.services.common import Section, count_if, in_both_years, measure_row

FOR_RESEARCHERS = _l(
    "Courses are for researchers and clinicians, not pupils: there are no course figures for "
    "one school or one programme. Clear those filters to see them."
)


def courses_section(report: ReportFilter) -> Section:
    """One query over the enrollments of courses that started in the two years."""
    section = Section("courses")
    if report.narrows_pupils:
        section.not_applicable = FOR_RESEARCHERS
        return section
    state = CourseEnrollment.state
    current = Course.starts_on >= report.year.first_day
    columns = []
    for flag, test in (("1", current), ("0", sa.not_(current))):
        columns += [
            count_if(sa.and_(test, state.in_(APPLIED_COURSE))).label(f"applied_{flag}"),
            count_if(sa.and_(test, state.in_(ENROLLED_COURSE))).label(f"enrolled_{flag}"),
            count_if(sa.and_(test, state == CourseState.COMPLETED)).label(f"completed_{flag}"),
            count_if(sa.and_(test, state == CourseState.WITHDRAWN)).label(f"withdrawn_{flag}"),
        ]
    query = (
        sa.select(*columns)
        .select_from(CourseEnrollment)
        .join(Course, Course.id == CourseEnrollment.course_id)
        .where(in_both_years(report, Course.starts_on, dated=True))
    )
    if report.host_id is not None:
        query = query.where(
            sa.exists().where(
                course_partners.c.course_id == Course.id,
                course_partners.c.organization_id == report.host_id,
            )
        )
    r = db.session.execute(query).one()
    section.rows = [
        measure_row("course_applications", r.applied_1, r.applied_0),
        measure_row("course_enrollments", r.enrolled_1, r.enrolled_0),
        measure_row("course_completions", r.completed_1, r.completed_0),
        measure_row("course_withdrawn", r.withdrawn_1, r.withdrawn_0),
    ]
    return section
