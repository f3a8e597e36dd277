"""Talent programme enrollments, the outcome measure, and what alumni went on to study."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from talent.extensions import db
from talent.programmes.models import (
    ALUMNI_FIELDS,
    TARGET_FIELDS,
    AlumniOutcome,
    EnrollmentState,
    Programme,
    ProgrammeEnrollment,
)
from talent.reports.definitions import PARTICIPATING, SECTIONS, Unit
from talent.reports.period import ReportFilter
from talent.reports.services.common import (
    Row,
    Section,
    count_if,
    measure_row,
    programme_pupils,
)
from talent.schools.models import Student

NO_HOSTS = _l("Programmes and alumni have no host organisation: clear the host filter to see them.")


def _distinct_pupils(condition):
    return sa.func.count(sa.distinct(sa.case((condition, ProgrammeEnrollment.student_id))))


def _share(part: int, whole: int) -> float | None:
    return 100 * part / whole if whole else None


def programmes_section(report: ReportFilter) -> Section:
    """One query over the enrollments in the two years' programmes."""
    section = Section("programmes")
    if report.host_id is not None:
        section.not_applicable = NO_HOSTS
        return section
    state = ProgrammeEnrollment.state
    start = ProgrammeEnrollment.intended_field_at_start
    end = ProgrammeEnrollment.intended_field_at_completion
    measured = sa.and_(state == EnrollmentState.COMPLETED, start.is_not(None), end.is_not(None))
    moved = sa.and_(measured, start.not_in(TARGET_FIELDS), end.in_(TARGET_FIELDS))
    columns = []
    for flag, year in (("1", report.year.start), ("0", report.previous.start)):
        in_year = Programme.school_year == year
        columns += [
            count_if(in_year).label(f"applied_{flag}"),
            count_if(sa.and_(in_year, state.in_(PARTICIPATING))).label(f"participants_{flag}"),
            count_if(sa.and_(in_year, state == EnrollmentState.COMPLETED)).label(
                f"completed_{flag}"
            ),
            count_if(sa.and_(in_year, state == EnrollmentState.WITHDRAWN)).label(
                f"withdrawn_{flag}"
            ),
            _distinct_pupils(sa.and_(in_year, measured)).label(f"base_{flag}"),
            _distinct_pupils(sa.and_(in_year, moved)).label(f"moved_{flag}"),
        ]
    query = (
        sa.select(*columns)
        .select_from(ProgrammeEnrollment)
        .join(Programme, Programme.id == ProgrammeEnrollment.programme_id)
        .where(Programme.school_year.in_((report.year.start, report.previous.start)))
    )
    if report.school_id is not None:
        query = query.join(Student, Student.id == ProgrammeEnrollment.student_id).where(
            Student.school_id == report.school_id
        )
    if report.programme_id is not None:
        query = query.where(ProgrammeEnrollment.programme_id == report.programme_id)
    r = db.session.execute(query).one()
    section.rows = [
        measure_row("programme_applied", r.applied_1, r.applied_0),
        measure_row("programme_participants", r.participants_1, r.participants_0),
        measure_row("programme_completed", r.completed_1, r.completed_0),
        measure_row("programme_withdrawn", r.withdrawn_1, r.withdrawn_0),
        measure_row("outcome_base", r.base_1, r.base_0),
        measure_row("outcome_moved", r.moved_1, r.moved_0),
        measure_row("outcome_share", _share(r.moved_1, r.base_1), _share(r.moved_0, r.base_0)),
    ]
    return section


def alumni_row(field, current, previous) -> Row:
    """Former pupils whose latest follow-up names one field of study."""
    definition = SECTIONS["alumni"].definition
    return Row(f"field-{field.value}", field.label, definition, Unit.COUNT, current, previous)


def alumni_section(report: ReportFilter) -> Section:
    """One query: each former pupil's latest follow-up in each year, counted by field."""
    section = Section("alumni")
    if report.host_id is not None:
        section.not_applicable = NO_HOSTS
        return section
    first, this_first, next_first = (
        report.previous.first_day,
        report.year.first_day,
        report.year.next_first_day,
    )
    outcome = AlumniOutcome
    newer = sa.orm.aliased(AlumniOutcome)
    is_current = outcome.reported_on >= this_first
    latest = ~sa.exists().where(
        newer.student_id == outcome.student_id,
        newer.reported_on >= sa.case((is_current, this_first), else_=first),
        newer.reported_on < sa.case((is_current, next_first), else_=this_first),
        sa.or_(
            newer.reported_on > outcome.reported_on,
            sa.and_(newer.reported_on == outcome.reported_on, newer.id > outcome.id),
        ),
    )
    query = (
        sa.select(
            outcome.field,
            count_if(is_current).label("now"),
            count_if(sa.not_(is_current)).label("before"),
        )
        .where(outcome.reported_on >= first, outcome.reported_on < next_first, latest)
        .group_by(outcome.field)
    )
    if report.school_id is not None:
        query = query.join(Student, Student.id == outcome.student_id).where(
            Student.school_id == report.school_id
        )
    if report.programme_id is not None:
        query = query.where(outcome.student_id.in_(programme_pupils(report.programme_id)))
    counts = {row.field: (row.now, row.before) for row in db.session.execute(query)}
    for field in ALUMNI_FIELDS:
        section.rows.append(alumni_row(field, *counts.get(field, (0, 0))))
    return section
