"""Visit requests: a teacher's wish when no slot fits, and the hosts' proposed slots."""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload, selectinload

from talent.audit.services import record_event
from talent.auth import policy
from talent.clock import local_date
from talent.errors import AlreadyDone, InvalidState, ValidationFailed
from talent.extensions import db
from talent.locking import lock
from talent.people.models import Role, User
from talent.schools.models import SchoolClass
from talent.text import require_single_line
from talent.visits import reminders
from talent.visits.models import (
    TOPIC_MAX,
    RequestState,
    VisitProposal,
    VisitRequest,
    VisitSlot,
)
from talent.visits.services.common import clean_text, show_day
from talent.visits.services.rules import adults_needed, class_size

log = logging.getLogger(__name__)

#: A request's date window may be at most this long.
MAX_WINDOW_DAYS = 180


def post_request(
    actor: User,
    *,
    school_class: SchoolClass,
    teacher: User,
    topic: str,
    pupils_count: int | None,
    adults_count: int | None,
    earliest_on: date | None,
    latest_on: date | None,
    notes: str = "",
    now: datetime,
) -> VisitRequest:
    """Post a request hosts can answer with a slot."""
    require_single_line(topic=topic)
    if (
        teacher is None
        or not teacher.is_active
        or not teacher.has_role(Role.TEACHER)
        or teacher.organization_id != school_class.school_id
    ):
        raise ValidationFailed(
            _l("Choose a teacher of the class's school who will come along."), field="teacher_id"
        )
    topic = clean_text(
        topic,
        limit=TOPIC_MAX,
        field="topic",
        required=_l("Say what the class would like to see or learn."),
    )
    notes = clean_text(notes, limit=2000, field="notes")
    if not pupils_count or pupils_count < 1:
        raise ValidationFailed(_l("Give how many pupils come, at least one."), field="pupils_count")
    size = class_size(school_class)
    if pupils_count > size:
        raise ValidationFailed(
            _l(
                "%(name)s has %(size)d pupils, so you cannot bring %(count)d.",
                name=school_class.name,
                size=size,
                count=pupils_count,
            ),
            field="pupils_count",
        )
    needed = adults_needed(pupils_count, 10)
    if adults_count is None or adults_count < needed:
        raise ValidationFailed(
            _l(
                "Bring at least %(needed)d adults for %(pupils)d pupils (one per 10 pupils).",
                needed=needed,
                pupils=pupils_count,
            ),
            field="adults_count",
        )
    today = local_date(now)
    if earliest_on is None or earliest_on <= today:
        raise ValidationFailed(
            _l("The first possible day must lie after today."), field="earliest_on"
        )
    if latest_on is None or latest_on < earliest_on:
        raise ValidationFailed(
            _l("The last possible day cannot come before the first one."), field="latest_on"
        )
    if latest_on - earliest_on > timedelta(days=MAX_WINDOW_DAYS):
        raise ValidationFailed(
            _l("Keep the window within %(days)d days, so hosts can plan.", days=MAX_WINDOW_DAYS),
            field="latest_on",
        )
    request = VisitRequest(
        school_id=school_class.school_id,
        school_class=school_class,
        teacher=teacher,
        topic=topic,
        pupils_count=pupils_count,
        adults_count=adults_count,
        earliest_on=earliest_on,
        latest_on=latest_on,
        notes=notes,
        state=RequestState.OPEN,
        created_at=now,
    )
    db.session.add(request)
    db.session.flush()
    record_event(actor, "visit_request.post", request, now=now, label=topic)
    return request


def propose_slot(
    actor: User, request: VisitRequest, slot: VisitSlot, *, message: str, now: datetime
) -> VisitProposal:
    """Answer an open request with one of the host's slots; the teacher is told."""
    lock(request)
    if any(proposal.slot_id == slot.id for proposal in request.proposals):
        raise AlreadyDone(_l("You have already proposed this slot."))
    if request.state is not RequestState.OPEN:
        raise InvalidState(
            _l("This request is %(state)s and takes no proposals.", state=request.state.label)
        )
    message = clean_text(message, limit=1000, field="message")
    if slot.is_cancelled or slot.starts_at <= now:
        raise ValidationFailed(_l("Choose a slot that lies ahead."), field="slot_id")
    day = local_date(slot.starts_at)
    if not request.earliest_on <= day <= request.latest_on:
        raise ValidationFailed(
            _l(
                "The slot is on %(day)s, outside the teacher's window %(start)s–%(end)s. Choose "
                "a slot in the window, or publish one.",
                day=show_day(day),
                start=show_day(request.earliest_on),
                end=show_day(request.latest_on),
            ),
            field="slot_id",
        )
    if slot.free < request.persons:
        raise ValidationFailed(
            _l(
                "The slot has %(free)d places left; the group is %(persons)d persons.",
                free=slot.free,
                persons=request.persons,
            ),
            field="slot_id",
        )
    proposal = VisitProposal(
        request=request, slot=slot, proposed_by=actor, message=message, created_at=now
    )
    db.session.add(proposal)
    db.session.flush()
    record_event(actor, "visit_request.propose", request, now=now, label=request.topic)
    reminders.slot_proposed(proposal, now=now)
    return proposal


def withdraw_request(actor: User, request: VisitRequest, *, now: datetime) -> VisitRequest:
    lock(request)
    if request.state is RequestState.WITHDRAWN:
        raise AlreadyDone(_l("This request was already withdrawn."))
    if not request.state.can_become(RequestState.WITHDRAWN):
        raise InvalidState(
            _l("This request is %(state)s and cannot be withdrawn.", state=request.state.label)
        )
    request.state = RequestState.WITHDRAWN
    db.session.flush()
    record_event(actor, "visit_request.withdraw", request, now=now, label=request.topic)
    return request


def requests_query(
    *, school_id: int | None = None, state: RequestState | None = None, upcoming_from=None
) -> sa.Select:
    """Requests newest first, with class, school, teacher and proposals loaded."""
    query = (
        sa.select(VisitRequest)
        .options(
            joinedload(VisitRequest.school_class),
            joinedload(VisitRequest.school),
            joinedload(VisitRequest.teacher),
            selectinload(VisitRequest.proposals),
        )
        .order_by(VisitRequest.earliest_on, VisitRequest.id)
    )
    if school_id is not None:
        query = query.where(VisitRequest.school_id == school_id)
    if state is not None:
        query = query.where(VisitRequest.state == state)
    if upcoming_from is not None:
        query = query.where(VisitRequest.latest_on >= upcoming_from)
    return query


def visible_requests_query(user: User) -> sa.Select:
    """The requests a user works with (talent/visits/policy.py): staff see all, a teacher
    their school's, a host the open ones whose window has not passed."""
    return requests_query().where(policy.scope(user, "visits.requests", VisitRequest))
