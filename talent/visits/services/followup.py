"""Around the visit: the checklist before it, attendance and feedback after it."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from talent.audit.services import record_event
from talent.errors import AlreadyDone, InvalidState, ValidationFailed
from talent.extensions import db
from talent.locking import lock
from talent.people.models import User
from talent.schools.models import Student
from talent.visits import reminders
from talent.visits.models import (
    ChecklistItem,
    ChecklistKind,
    LabVisit,
    VisitFeedback,
    VisitState,
)
from talent.visits.services.booking import transition
from talent.visits.services.common import clean_text
from talent.visits.services.rules import Problem, RulesBroken, consent_blockers

log = logging.getLogger(__name__)

COMMENT_MAX = 1000
#: Feedback is taken until this long after the visit.
FEEDBACK_DAYS = 30


def tick_item(actor: User, item: ChecklistItem, *, done: bool, now: datetime) -> ChecklistItem:
    """Mark a checklist item done (or not done again). "Consents complete" is refused while
    a pupil lacks a consent; "participant list sent" sends the list to the host."""
    lock(item)
    visit = item.visit
    if not visit.is_open:
        raise InvalidState(
            _l("This visit is %(state)s; its checklist is closed.", state=visit.state.label)
        )
    if not done:
        item.done_at, item.done_by = None, None
        db.session.flush()
        return item
    if item.done_at is not None:
        raise AlreadyDone(_l("This item was already ticked off."))
    if item.kind is ChecklistKind.CONSENTS:
        blockers = consent_blockers(visit)
        if blockers:
            raise RulesBroken(
                [
                    Problem(
                        _l(
                            "Consents are not complete yet: %(count)d pupils have none valid "
                            "for lab visits.",
                            count=len(blockers),
                        )
                    ),
                    *(Problem(line) for line in blockers),
                ]
            )
    item.done_at, item.done_by = now, actor
    db.session.flush()
    if item.kind is ChecklistKind.PARTICIPANT_LIST:
        reminders.participant_list_sent(visit, actor, now=now)
    record_event(actor, "lab_visit.checklist", visit, now=now, label=item.kind.value)
    return item


def record_attendance(
    actor: User,
    visit: LabVisit,
    *,
    present_ids: Iterable[int],
    adults_attended: int | None,
    now: datetime,
) -> LabVisit:
    """Record who came; a visit nobody came to is a no-show."""
    lock(visit)
    if visit.state not in (VisitState.CONFIRMED, VisitState.COMPLETED, VisitState.NO_SHOW):
        raise InvalidState(
            _l(
                "Attendance is recorded for confirmed visits; this one is %(state)s.",
                state=visit.state.label,
            )
        )
    if visit.slot.starts_at > now:
        raise InvalidState(_l("Attendance can be recorded once the visit has started."))
    if adults_attended is None or not 0 <= adults_attended <= 100:
        raise ValidationFailed(_l("Give how many adults came, 0 if none."), field="adults_attended")
    present = set(present_ids)
    known = {participant.student_id for participant in visit.participants}
    if not present <= known:
        raise ValidationFailed(
            _l("Some ticked pupils are not on this visit. Reload the page and tick again."),
            field="present",
        )
    if visit.attendance_recorded_at is not None and (
        adults_attended == visit.adults_attended
        and present == {p.student_id for p in visit.participants if p.attended}
    ):
        raise AlreadyDone(_l("This attendance was already saved."))
    for participant in visit.participants:
        participant.attended = participant.student_id in present
    visit.adults_attended = adults_attended
    visit.attendance_recorded_at = visit.updated_at = now
    target = VisitState.COMPLETED if present or adults_attended else VisitState.NO_SHOW
    if visit.state is not target:
        transition(visit, target)
    db.session.flush()
    record_event(
        actor,
        "lab_visit.attendance",
        visit,
        now=now,
        label=f"{len(present)}/{len(known)} pupils, {adults_attended} adults",
    )
    return visit


def can_take_feedback(visit: LabVisit, now: datetime) -> bool:
    return visit.state in (
        VisitState.CONFIRMED,
        VisitState.COMPLETED,
    ) and visit.slot.ends_at <= now <= visit.slot.ends_at + timedelta(days=FEEDBACK_DAYS)


def existing_feedback(
    visit: LabVisit, *, student: Student | None = None, user: User | None = None
) -> VisitFeedback | None:
    query = sa.select(VisitFeedback).where(VisitFeedback.visit_id == visit.id)
    if student is not None:
        query = query.where(VisitFeedback.student_id == student.id)
    else:
        query = query.where(VisitFeedback.user_id == user.id)
    return db.session.scalar(query)


def give_feedback(
    visit: LabVisit,
    *,
    student: Student | None = None,
    user: User | None = None,
    rating: int | None,
    comment: str,
    now: datetime,
) -> VisitFeedback:
    """Take one rating (1–5) and comment per person and visit, after the visit."""
    if visit.state in (VisitState.CANCELLED, VisitState.DECLINED, VisitState.NO_SHOW):
        raise InvalidState(_l("This visit did not take place, so there is nothing to rate."))
    if visit.slot.ends_at > now:
        raise InvalidState(_l("Feedback opens when the visit is over. Come back afterwards."))
    if now > visit.slot.ends_at + timedelta(days=FEEDBACK_DAYS):
        raise InvalidState(_l("Feedback closed %(days)d days after the visit.", days=FEEDBACK_DAYS))
    if rating is None or not 1 <= rating <= 5:
        raise ValidationFailed(_l("Choose a rating from 1 to 5."), field="rating")
    comment = clean_text(comment, limit=COMMENT_MAX, field="comment")
    if existing_feedback(visit, student=student, user=user) is not None:
        raise AlreadyDone(_l("You have already given feedback on this visit. Thank you!"))
    feedback = VisitFeedback(
        visit_id=visit.id,
        student_id=student.id if student is not None else None,
        user_id=user.id if user is not None and student is None else None,
        rating=rating,
        comment=comment,
        created_at=now,
    )
    db.session.add(feedback)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except sa.exc.IntegrityError as error:
        raise AlreadyDone(
            _l("You have already given feedback on this visit. Thank you!")
        ) from error
    log.info("feedback %s on visit %s", feedback.id, visit.id)
    return feedback


def feedback_summary(visit_ids: Iterable[int]) -> dict[int, tuple[int, float]]:
    """Per visit: how many gave feedback and the average rating, in one query."""
    ids = list(visit_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        sa.select(
            VisitFeedback.visit_id,
            sa.func.count(VisitFeedback.id),
            sa.func.avg(VisitFeedback.rating),
        )
        .where(VisitFeedback.visit_id.in_(ids))
        .group_by(VisitFeedback.visit_id)
    )
    return {visit_id: (count, float(average)) for visit_id, count, average in rows}
