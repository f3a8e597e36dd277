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
    in_both_years,
    measure_row,
    programme_pupils,
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


def reach_section(report: ReportFilter) -> Section:
    """One query: every source's pupils, each pupil counted once per year and per source."""
    parts = [_visits(report), _activities(report), _mentoring(report)]
    if report.host_id is None:  # programmes have no host organisation
        parts.append(_programmes(report))
    reached = sa.union_all(*parts).subquery("reached")
    pupil, current = reached.c.student_id, reached.c.current

    def distinct(year_flag: int, source: str | None = None):
        test = current == year_flag
        if source is not None:
            test = sa.and_(test, reached.c.source == source)
        return sa.func.count(sa.distinct(sa.case((test, pupil))))

    columns = [distinct(1).label("all_1"), distinct(0).label("all_0")]
    for source in SOURCES:
        columns += [
            distinct(1, source).label(f"{source}_1"),
            distinct(0, source).label(f"{source}_0"),
        ]
    query = sa.select(*columns).select_from(reached)
    if report.school_id is not None:
        query = query.join(Student, Student.id == pupil).where(
            Student.school_id == report.school_id
        )
    if report.programme_id is not None:
        query = query.where(pupil.in_(programme_pupils(report.programme_id)))
    result = db.session.execute(query).one()
    section = Section("reach")
    section.rows.append(measure_row("pupils_reached", result.all_1, result.all_0))
    for source in SOURCES:
        section.rows.append(
            measure_row(
                f"pupils_{source}", getattr(result, f"{source}_1"), getattr(result, f"{source}_0")
            )
        )
    return section
