"""Reading for the home dashboards: upcoming visits with what they still need, a host's week,
consent blockers of several visits at once, and a pupil's next visit. Each function issues a
fixed number of queries however many rows there are."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from talent.consents.models import ConsentKind
from talent.consents.services import consents_by_pupil, latest_of_kind, needs_guardian_consent
from talent.extensions import db
from talent.people.models import User
from talent.schools.models import Student
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
from talent.visits.services.common import local_day
from talent.visits.services.queries import When, visits_query
from talent.visits.services.requests import requests_query

#: Visits that happen (or happened) as planned: what a host's week consists of.
HELD_OR_AHEAD = frozenset(
    {VisitState.REQUESTED, VisitState.CONFIRMED, VisitState.COMPLETED, VisitState.NO_SHOW}
)


def _without_roles(*teachers):
    """The dashboards show no one's roles: do not load them for the teachers read along."""
    return [joinedload(teacher).lazyload(User.role_assignments) for teacher in teachers]


def upcoming_visits(
    user: User,
    *,
    now: datetime,
    limit: int,
    until: datetime | None = None,
    school_id: int | None = None,
    organization_id: int | None = None,
    states: Iterable[VisitState] = OPEN_VISIT_STATES,
    with_preparation: bool = False,
) -> list[LabVisit]:
    """Visits the user may see that have not ended, soonest first; ``with_preparation`` also
    loads each visit's checklist and listed pupils (two more queries)."""
    query = visits_query(
        user, school_id=school_id, organization_id=organization_id, when=When.UPCOMING, now=now
    ).where(LabVisit.state.in_(list(states)))
    query = query.options(*_without_roles(LabVisit.teacher))
    if until is not None:
        query = query.where(VisitSlot.starts_at < until)
    if with_preparation:
        query = query.options(
            selectinload(LabVisit.checklist),
            selectinload(LabVisit.participants).joinedload(VisitParticipant.student),
        )
    return list(db.session.scalars(query.limit(limit)))


def visits_between(
    user: User, *, organization_id: int, start: datetime, end: datetime, limit: int
) -> list[LabVisit]:
    """Visits at an organisation's sites starting in [start, end) that were not called off."""
    query = (
        visits_query(user, organization_id=organization_id, now=start)
        .where(
            VisitSlot.starts_at >= start,
            VisitSlot.starts_at < end,
            LabVisit.state.in_(list(HELD_OR_AHEAD)),
        )
        .options(*_without_roles(LabVisit.teacher))
        .order_by(None)
        .order_by(VisitSlot.starts_at, LabVisit.id)
        .limit(limit)
    )
    return list(db.session.scalars(query))


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
        day = local_day(visit.slot.starts_at)
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
