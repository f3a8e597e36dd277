"""Reading for the home dashboards: upcoming visits with what they still need, a host's week,
consent blockers of several visits at once, and a pupil's next visit. Each function issues a
fixed number of queries however many rows there are."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import aliased, contains_eager, joinedload, selectinload

from talent.clock import local_date
from talent.consents.models import ConsentKind
from talent.consents.services import consents_by_pupil, latest_of_kind, needs_guardian_consent
from talent.db import constant
from talent.extensions import db
from talent.people.models import Organization, User
from talent.schools.models import SchoolClass, Student
from talent.visits.models import (
    OPEN_VISIT_STATES,
    LabSite,
    LabVisit,
    RequestState,
    VisitParticipant,
    VisitRequest,
    VisitSlot,
    VisitState,
)
from talent.visits.services.queries import When, scope_visits, visits_query
from talent.visits.services.requests import requests_query

#: Visits that happen (or happened) as planned: what a host's week consists of.
HELD_OR_AHEAD = frozenset(
    {VisitState.REQUESTED, VisitState.CONFIRMED, VisitState.COMPLETED, VisitState.NO_SHOW}
)


def _without_roles(*teachers):
    """The dashboards show no one's roles: do not load them for the teachers read along."""
    return [joinedload(teacher).lazyload(User.role_assignments) for teacher in teachers]


def visits_to_prepare(
    user: User, *, now: datetime, until: datetime, school_id: int, limit: int
) -> list[LabVisit]:
    """A school's visits the user may see that have not ended and start before ``until``,
    soonest first, with each visit's checklist and listed pupils (three queries)."""
    query = (
        visits_query(user, school_id=school_id, when=When.UPCOMING, now=now)
        .where(LabVisit.state.in_(list(OPEN_VISIT_STATES)), VisitSlot.starts_at < until)
        .options(
            *_without_roles(LabVisit.teacher),
            selectinload(LabVisit.checklist),
            selectinload(LabVisit.participants).joinedload(VisitParticipant.student),
        )
    )
    return list(db.session.scalars(query.limit(limit)))


#: The school and the host organisation of a visit, side by side. Made once: a new alias builds
#: its column collection again on every use.
SCHOOL = aliased(Organization, name="school")
HOST = aliased(Organization, name="host")


def _visit_lines(user: User) -> sa.Select:
    """Visits the user may see as plain rows of what a dashboard line shows: when, where,
    which class, how many, which state. Rows, not entities: a line needs six names, and
    building the seven objects behind them cost five times the query."""
    school, host = SCHOOL, HOST
    query = (
        sa.select(
            LabVisit.id,
            LabVisit.state,
            (LabVisit.pupils_count + LabVisit.adults_count).label("persons"),
            VisitSlot.starts_at,
            LabSite.name.label("site_name"),
            host.name.label("host_name"),
            school.name.label("school_name"),
            SchoolClass.name.label("class_name"),
        )
        .join(LabVisit.slot)
        .join(VisitSlot.site)
        .join(host, host.id == LabSite.organization_id)
        .join(school, school.id == LabVisit.school_id)
        .join(SchoolClass, SchoolClass.id == LabVisit.school_class_id)
    )
    return scope_visits(query, user)


def visit_lines_awaiting_answer(
    user: User, *, now: datetime, limit: int, organization_id: int | None = None
) -> list[sa.Row]:
    """Bookings not yet confirmed or declined whose slot has not ended (at one organisation's
    sites, if given), soonest first."""
    query = _visit_lines(user).where(
        constant(LabVisit.state, VisitState.REQUESTED), VisitSlot.ends_at >= now
    )
    if organization_id is not None:
        query = query.where(LabSite.organization_id == organization_id)
    return list(db.session.execute(query.order_by(VisitSlot.starts_at, LabVisit.id).limit(limit)))


def visit_lines_between(
    user: User, *, organization_id: int, start: datetime, end: datetime, limit: int
) -> list[sa.Row]:
    """Visits at an organisation's sites starting in [start, end) that were not called off."""
    query = (
        _visit_lines(user)
        .where(
            LabSite.organization_id == organization_id,
            VisitSlot.starts_at >= start,
            VisitSlot.starts_at < end,
            LabVisit.state.in_(list(HELD_OR_AHEAD)),
        )
        .order_by(VisitSlot.starts_at, LabVisit.id)
        .limit(limit)
    )
    return list(db.session.execute(query))


def open_requests(*, today: date, limit: int, school_id: int | None = None) -> list[VisitRequest]:
    """Open visit requests whose window has not passed (of one school, if given), earliest
    window first."""
    query = (
        requests_query(school_id=school_id, state=RequestState.OPEN, upcoming_from=today)
        .options(*_without_roles(VisitRequest.teacher))
        .limit(limit)
    )
    return list(db.session.scalars(query))


def consent_blocker_counts(visits: Sequence[LabVisit]) -> dict[int, int]:
    """Per visit, how many listed pupils under 18 lack a valid lab-visit consent on its day.

    The visits' participants and their pupils must be loaded; one query for the consents.
    """
    pupils = {p.student.id: p.student for visit in visits for p in visit.participants}
    consents = consents_by_pupil(pupils, [ConsentKind.LAB_VISITS])
    counts: dict[int, int] = {}
    for visit in visits:
        day = local_date(visit.slot.starts_at)
        missing = 0
        for participant in visit.participants:
            pupil = participant.student
            if not needs_guardian_consent(pupil, day):
                continue
            consent = latest_of_kind(consents[pupil.id], ConsentKind.LAB_VISITS)
            if consent is None or not consent.is_valid_on(day):
                missing += 1
        counts[visit.id] = missing
    return counts


def next_visit_of_account(user: User, *, now: datetime) -> LabVisit | None:
    """The next open visit the pupil record linked to this account is listed on."""
    query = (
        sa.select(LabVisit)
        .join(LabVisit.slot)
        .join(VisitSlot.site)
        .join(VisitParticipant, VisitParticipant.visit_id == LabVisit.id)
        .join(Student, Student.id == VisitParticipant.student_id)
        .where(
            Student.user_id == user.id,
            LabVisit.state.in_(OPEN_VISIT_STATES),
            VisitSlot.ends_at >= now,
        )
        .options(
            contains_eager(LabVisit.slot)
            .contains_eager(VisitSlot.site)
            .joinedload(LabSite.organization),
        )
        .order_by(VisitSlot.starts_at, LabVisit.id)
        .limit(1)
    )
    return db.session.scalar(query)
