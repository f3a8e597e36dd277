"""A school's blackout dates: holidays and exam weeks when its classes take no visits."""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import contains_eager

from talent.audit.services import record_event
from talent.clock import at_local
from talent.errors import AlreadyDone, ValidationFailed
from talent.extensions import db
from talent.locking import Gone, lock
from talent.people.models import Organization, OrganizationKind, User
from talent.text import require_single_line
from talent.visits.models import OPEN_VISIT_STATES, LabVisit, SchoolBlackout, VisitSlot
from talent.visits.services.common import clean_text

log = logging.getLogger(__name__)

MAX_SPAN_DAYS = 120


def add_blackout(
    actor: User,
    school: Organization | None,
    *,
    starts_on: date | None,
    ends_on: date | None,
    reason: str,
    now: datetime,
) -> tuple[SchoolBlackout, list[LabVisit]]:
    """Add dates the school takes no visits; return it and the open visits that fall in them."""
    require_single_line(reason=reason)
    if school is None or school.kind is not OrganizationKind.SCHOOL:
        raise ValidationFailed(_l("Choose a school."), field="school_id")
    reason = clean_text(
        reason,
        limit=200,
        field="reason",
        required=_l('Say what the dates are, like "Winter holiday" or "Exam week".'),
    )
    if starts_on is None:
        raise ValidationFailed(_l("Give the first day."), field="starts_on")
    if ends_on is None:
        raise ValidationFailed(_l("Give the last day."), field="ends_on")
    if ends_on < starts_on:
        raise ValidationFailed(
            _l("The last day comes before the first. Swap them or correct one."),
            field="ends_on",
        )
    if ends_on - starts_on > timedelta(days=MAX_SPAN_DAYS):
        raise ValidationFailed(
            _l("Keep one period within %(days)d days; add several for longer.", days=MAX_SPAN_DAYS),
            field="ends_on",
        )
    blackout = SchoolBlackout(
        school_id=school.id, starts_on=starts_on, ends_on=ends_on, reason=reason, created_at=now
    )
    db.session.add(blackout)
    db.session.flush()
    record_event(
        actor,
        "school_blackout.add",
        blackout,
        now=now,
        label=f"{school.name}: {reason} {starts_on}–{ends_on}",
    )
    return blackout, visits_during(school.id, starts_on, ends_on)


def remove_blackout(actor: User, blackout: SchoolBlackout, *, now: datetime) -> None:
    try:
        lock(blackout)
    except Gone as gone:
        raise AlreadyDone(_l("This blackout was already removed.")) from gone
    record_event(
        actor,
        "school_blackout.remove",
        blackout,
        now=now,
        label=f"{blackout.reason} {blackout.starts_on}–{blackout.ends_on}",
    )
    db.session.delete(blackout)
    db.session.flush()


def visits_during(school_id: int, starts_on: date, ends_on: date) -> list[LabVisit]:
    """The school's open visits between two days (both included)."""
    query = (
        sa.select(LabVisit)
        .join(LabVisit.slot)
        .options(contains_eager(LabVisit.slot))
        .where(
            LabVisit.school_id == school_id,
            LabVisit.state.in_(OPEN_VISIT_STATES),
            VisitSlot.starts_at >= at_local(starts_on, datetime.min.time()),
            VisitSlot.starts_at < at_local(ends_on + timedelta(days=1), datetime.min.time()),
        )
        .order_by(VisitSlot.starts_at)
    )
    return list(db.session.scalars(query))


def blackouts_query(*, school_id: int | None, from_day: date | None = None) -> sa.Select:
    query = (
        sa.select(SchoolBlackout)
        .join(SchoolBlackout.school)
        .options(contains_eager(SchoolBlackout.school))
        .order_by(SchoolBlackout.starts_on, SchoolBlackout.id)
    )
    if school_id is not None:
        query = query.where(SchoolBlackout.school_id == school_id)
    if from_day is not None:
        query = query.where(SchoolBlackout.ends_on >= from_day)
    return query
