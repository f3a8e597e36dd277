"""Pupils reached: different pupils across lab visits, activities, programmes and mentoring."""

from __future__ import annotations

import sqlalchemy as sa

from talent.activities.models import Activity, ActivityParticipant
from talent.extensions import db
from talent.mentoring.models import MenteeKind, MenteeProfile, MentorProfile, Pairing
from talent.programmes.models import Programme, ProgrammeEnrollment
from talent.reports.definitions import ACCEPTED_PAIRINGS, HELD_VISIT, PARTICIPATING
from talent.reports.period import ReportFilter
from talent.reports.services.common import (
    Section,
    count_if,
    in_both_years,
    measure_row,
    programme_pupils,
    sum_if,
    this_year,
)
from talent.schools.models import Student
from talent.visits.models import LabSite, LabVisit, VisitParticipant, VisitSlot

SOURCES = ("visits", "activities", "programmes", "mentoring")


def _visits(report: ReportFilter):
    query = (
        sa.select(
            VisitParticipant.student_id.label("student_id"),
            sa.literal("visits").label("source"),
            this_year(report, VisitSlot.starts_at, dated=False).label("current"),
        )
        .join(LabVisit, LabVisit.id == VisitParticipant.visit_id)
        .join(VisitSlot, VisitSlot.id == LabVisit.slot_id)
        .where(
            LabVisit.state == HELD_VISIT,
            VisitParticipant.attended.is_not(False),
            in_both_years(report, VisitSlot.starts_at, dated=False),
        )
    )
    if report.host_id is not None:
        query = query.join(LabSite, LabSite.id == VisitSlot.site_id).where(
            LabSite.organization_id == report.host_id
        )
    return query


def _activities(report: ReportFilter):
    query = (
        sa.select(
            ActivityParticipant.student_id.label("student_id"),
            sa.literal("activities").label("source"),
            this_year(report, Activity.starts_on, dated=True).label("current"),
        )
        .join(Activity, Activity.id == ActivityParticipant.activity_id)
        .where(in_both_years(report, Activity.starts_on, dated=True))
    )
    if report.host_id is not None:
        query = query.where(Activity.partner_id == report.host_id)
    return query


def _programmes(report: ReportFilter):
    years = (report.year.start, report.previous.start)
    query = (
        sa.select(
            ProgrammeEnrollment.student_id.label("student_id"),
            sa.literal("programmes").label("source"),
            sa.case((Programme.school_year == report.year.start, 1), else_=0).label("current"),
        )
        .join(Programme, Programme.id == ProgrammeEnrollment.programme_id)
        .where(Programme.school_year.in_(years), ProgrammeEnrollment.state.in_(PARTICIPATING))
    )
    if report.programme_id is not None:
        query = query.where(ProgrammeEnrollment.programme_id == report.programme_id)
    return query


def _mentoring(report: ReportFilter):
    query = (
        sa.select(
            MenteeProfile.student_id.label("student_id"),
            sa.literal("mentoring").label("source"),
            this_year(report, Pairing.starts_on, dated=True).label("current"),
        )
        .join(MenteeProfile, MenteeProfile.id == Pairing.mentee_id)
        .where(
            MenteeProfile.kind == MenteeKind.PUPIL,
            Pairing.state.in_(ACCEPTED_PAIRINGS),
            in_both_years(report, Pairing.starts_on, dated=True),
        )
    )
    if report.host_id is not None:
        query = query.join(MentorProfile, MentorProfile.id == Pairing.mentor_id).where(
            MentorProfile.organization_id == report.host_id
        )
    return query


def reach_section(report: ReportFilter) -> tuple[Section, tuple[int, int]]:
    """One query: every source's pupils, each pupil counted once per year and per source.

    Also returns the pupil visits (a pupil on two held visits counts twice) for the visits
    section, which are the visit rows of the same query.
    """
    parts = [_visits(report), _activities(report), _mentoring(report)]
    if report.host_id is None:  # programmes have no host organisation
        parts.append(_programmes(report))
    reached = sa.union_all(*parts).subquery("reached")
    # First one row per pupil and year, saying where the pupil was reached: no DISTINCT needed.
    per_pupil = sa.select(
        reached.c.current,
        *(
            sa.func.sum(sa.case((reached.c.source == source, 1), else_=0)).label(source)
            for source in SOURCES
        ),
    ).group_by(reached.c.student_id, reached.c.current)
    if report.school_id is not None:
        per_pupil = per_pupil.join(Student, Student.id == reached.c.student_id).where(
            Student.school_id == report.school_id
        )
    if report.programme_id is not None:
        per_pupil = per_pupil.where(reached.c.student_id.in_(programme_pupils(report.programme_id)))
    pupils = per_pupil.subquery("per_pupil")
    columns = []
    for flag in (1, 0):
        this = pupils.c.current == flag
        columns.append(count_if(this).label(f"all_{flag}"))
        for source in SOURCES:
            columns.append(count_if(sa.and_(this, pupils.c[source] > 0)).label(f"{source}_{flag}"))
        columns.append(sum_if(this, pupils.c.visits).label(f"visit_rows_{flag}"))
    result = db.session.execute(sa.select(*columns)).one()
    section = Section("reach")
    section.rows.append(measure_row("pupils_reached", result.all_1, result.all_0))
    for source in SOURCES:
        section.rows.append(
            measure_row(
                f"pupils_{source}", getattr(result, f"{source}_1"), getattr(result, f"{source}_0")
            )
        )
    return section, (result.visit_rows_1, result.visit_rows_0)
