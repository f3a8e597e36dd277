"""Reading visits: the list and a school's history, one visit's page, a slot's page.

Each function issues a fixed number of queries however many rows there are.
"""

from __future__ import annotations

import enum
from collections import defaultdict
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from talent.auth import policy
from talent.extensions import db
from talent.people.models import User
from talent.visits.models import (
    LabSite,
    LabVisit,
    VisitParticipant,
    VisitSlot,
    VisitState,
)


class When(enum.StrEnum):
    UPCOMING = "upcoming"
    PAST = "past"


def _with_slot(query: sa.Select) -> sa.Select:
    return (
        query.join(LabVisit.slot)
        .join(VisitSlot.site)
        .options(
            contains_eager(LabVisit.slot)
            .contains_eager(VisitSlot.site)
            .joinedload(LabSite.organization),
            joinedload(LabVisit.school_class),
            joinedload(LabVisit.school),
            joinedload(LabVisit.teacher),
        )
    )


def scope_visits(query: sa.Select, user: User) -> sa.Select:
    """Limit visits to those the user may see (talent/visits/policy.py)."""
    return query.where(policy.scope(user, "visits.read", LabVisit))


def visits_query(
    user: User,
    *,
    school_id: int | None = None,
    organization_id: int | None = None,
    state: VisitState | None = None,
    when: When | None = None,
    now: datetime,
) -> sa.Select:
    """The visits a user may see, filtered; upcoming soonest first, past newest first."""
    query = scope_visits(_with_slot(sa.select(LabVisit)), user)
    if school_id is not None:
        query = query.where(LabVisit.school_id == school_id)
    if organization_id is not None:
        query = query.where(LabSite.organization_id == organization_id)
    if state is not None:
        query = query.where(LabVisit.state == state)
    if when is When.UPCOMING:
        query = query.where(VisitSlot.ends_at >= now).order_by(VisitSlot.starts_at, LabVisit.id)
    elif when is When.PAST:
        query = query.where(VisitSlot.ends_at < now).order_by(
            VisitSlot.starts_at.desc(), LabVisit.id.desc()
        )
    else:
        query = query.order_by(VisitSlot.starts_at.desc(), LabVisit.id.desc())
    return query


def visit_page(visit_id: int) -> LabVisit | None:
    """One visit with everything its page shows."""
    query = (
        _with_slot(sa.select(LabVisit))
        .where(LabVisit.id == visit_id)
        .options(
            contains_eager(LabVisit.slot).joinedload(VisitSlot.host_contact),
            joinedload(LabVisit.booked_by),
            joinedload(LabVisit.decided_by),
            joinedload(LabVisit.cancelled_by),
            selectinload(LabVisit.participants).joinedload(VisitParticipant.student),
            selectinload(LabVisit.checklist),
        )
    )
    return db.session.scalar(query)


def slot_page(slot_id: int) -> VisitSlot | None:
    """One slot with its site, host and the visits booked on it."""
    query = (
        sa.select(VisitSlot)
        .where(VisitSlot.id == slot_id)
        .options(
            joinedload(VisitSlot.site).joinedload(LabSite.organization),
            joinedload(VisitSlot.host_contact),
            selectinload(VisitSlot.visits).options(
                joinedload(LabVisit.school_class),
                joinedload(LabVisit.school),
                joinedload(LabVisit.teacher),
            ),
        )
    )
    return db.session.scalar(query)


def present_counts(visit_ids) -> dict[int, int]:
    """How many pupils were present per visit, in one query."""
    ids = list(visit_ids)
    found: dict[int, int] = defaultdict(int)
    if not ids:
        return found
    rows = db.session.execute(
        sa.select(VisitParticipant.visit_id, sa.func.count())
        .where(VisitParticipant.visit_id.in_(ids), VisitParticipant.attended.is_(True))
        .group_by(VisitParticipant.visit_id)
    )
    found.update({visit_id: count for visit_id, count in rows})
    return found
