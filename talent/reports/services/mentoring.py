"""Mentoring pairings and the hours mentees confirmed."""

from __future__ import annotations

import sqlalchemy as sa

from talent.extensions import db
from talent.mentoring.models import (
    MenteeKind,
    MenteeProfile,
    MentoringSession,
    MentorProfile,
    Pairing,
)
from talent.reports.definitions import ACCEPTED_PAIRINGS
from talent.reports.period import ReportFilter
from talent.reports.services.common import (
    Section,
    count_if,
    in_both_years,
    measure_row,
    programme_pupils,
    sum_if,
)
from talent.schools.models import Student


def filter_pairings(query, report: ReportFilter):
    """Join the mentee (and the mentor, for the host filter); the query selects from Pairing."""
    if report.host_id is not None:
        query = query.join(MentorProfile, MentorProfile.id == Pairing.mentor_id).where(
            MentorProfile.organization_id == report.host_id
        )
    query = query.join(MenteeProfile, MenteeProfile.id == Pairing.mentee_id)
    if report.school_id is not None:
        query = query.join(Student, Student.id == MenteeProfile.student_id).where(
            Student.school_id == report.school_id
        )
    if report.programme_id is not None:
        query = query.where(MenteeProfile.student_id.in_(programme_pupils(report.programme_id)))
    return query


def mentoring_section(report: ReportFilter) -> Section:
    """One query: the pairings and the logged hours, two one-row aggregates side by side."""
    current = Pairing.starts_on >= report.year.first_day
    pupil = MenteeProfile.kind == MenteeKind.PUPIL
    pairings = sa.select(
        count_if(current).label("pairings_1"),
        count_if(sa.not_(current)).label("pairings_0"),
        count_if(sa.and_(current, pupil)).label("pupils_1"),
        count_if(sa.and_(sa.not_(current), pupil)).label("pupils_0"),
    ).where(
        Pairing.state.in_(ACCEPTED_PAIRINGS),
        in_both_years(report, Pairing.starts_on, dated=True),
    )
    pairings = filter_pairings(pairings.select_from(Pairing), report).subquery("pairings")

    held_now = MentoringSession.held_on >= report.year.first_day
    confirmed = sa.and_(
        MentoringSession.confirmed_at.is_not(None), MentoringSession.disputed_at.is_(None)
    )
    minutes = MentoringSession.duration_minutes
    hours = (
        sa.select(
            sum_if(sa.and_(held_now, confirmed), minutes).label("confirmed_1"),
            sum_if(sa.and_(sa.not_(held_now), confirmed), minutes).label("confirmed_0"),
            sum_if(sa.and_(held_now, sa.not_(confirmed)), minutes).label("open_1"),
            sum_if(sa.and_(sa.not_(held_now), sa.not_(confirmed)), minutes).label("open_0"),
        )
        .select_from(MentoringSession)
        .join(Pairing, Pairing.id == MentoringSession.pairing_id)
        .where(in_both_years(report, MentoringSession.held_on, dated=True))
    )
    hours = filter_pairings(hours, report).subquery("hours")
    both = sa.select(pairings, hours).select_from(pairings.join(hours, sa.true()))
    r = db.session.execute(both).one()
    section = Section("mentoring")
    section.rows = [
        measure_row("pairings", r.pairings_1, r.pairings_0),
        measure_row("pupil_pairings", r.pupils_1, r.pupils_0),
        measure_row("confirmed_hours", int(r.confirmed_1) / 60, int(r.confirmed_0) / 60),
        measure_row("unconfirmed_hours", int(r.open_1) / 60, int(r.open_0) / 60),
    ]
    return section
