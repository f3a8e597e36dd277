"""Booking a class on a slot, changing and moving the booking, and the host's answer.

Every change re-checks the rules (talent.visits.services.rules) and takes or gives back the
places with one conditional UPDATE (talent.visits.services.capacity).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from talent.audit.services import record_event, snapshot
from talent.clock import local_date
from talent.errors import AlreadyDone, InvalidState, ValidationFailed
from talent.extensions import db
from talent.locking import lock, lock_all
from talent.people.models import Role, User
from talent.schools.models import SchoolClass, Student
from talent.visits import reminders
from talent.visits.models import (
    ChecklistItem,
    ChecklistKind,
    LabVisit,
    RequestState,
    VisitParticipant,
    VisitRequest,
    VisitSlot,
    VisitState,
)
from talent.visits.services import capacity as places
from talent.visits.services.common import clean_text
from talent.visits.services.rules import (
    Group,
    Problem,
    RulesBroken,
    check_booking,
    consent_blockers,
)

log = logging.getLogger(__name__)

VISIT_FIELDS = ("slot_id", "pupils_count", "adults_count", "state", "notes", "reason")
#: The checklist is due this many days before the visit.
CHECKLIST_DAYS = 7
NOTES_MAX = 2000
REASON_MAX = 1000


def _already(target: VisitState):
    return {
        VisitState.CONFIRMED: _l("This visit was already confirmed."),
        VisitState.DECLINED: _l("This visit was already declined."),
        VisitState.CANCELLED: _l("This visit was already cancelled."),
    }.get(target, _l("This visit is already %(state)s.", state=target.label))


def begin_transition(visit: LabVisit, target: VisitState) -> None:
    """Lock the visit and read it again; raise AlreadyDone if it is in the target state by
    now (a double-click, or someone quicker), or InvalidState if it cannot get there."""
    lock(visit)
    if visit.state is target:
        raise AlreadyDone(_already(target))
    ensure_can_become(visit, target)


def ensure_can_become(visit: LabVisit, target: VisitState) -> None:
    """Raise, saying why, unless the visit may move to the target state."""
    if not visit.state.can_become(target):
        raise InvalidState(
            _l(
                "This visit is %(state)s and cannot become %(target)s. Reload the page to see "
                "its latest state.",
                state=visit.state.label,
                target=target.label,
            )
        )


def transition(visit: LabVisit, target: VisitState) -> None:
    """Move the visit to another state, or raise saying why it cannot."""
    ensure_can_become(visit, target)
    visit.state = target


def load_pupils(school_class: SchoolClass, student_ids: Iterable[int]) -> list[Student]:
    """The chosen pupils of the class, or raise if any id is not a pupil of that class."""
    ids = set(student_ids)
    if not ids:
        return []
    pupils = list(
        db.session.scalars(
            sa.select(Student)
            .where(Student.id.in_(ids), Student.school_class_id == school_class.id)
            .order_by(Student.name)
        )
    )
    if len(pupils) != len(ids):
        raise ValidationFailed(
            _l(
                "Some of the chosen pupils are not in %(name)s. Reload the page and tick again.",
                name=school_class.name,
            ),
            field="pupils",
        )
    return pupils


def _lock_class(school_class: SchoolClass) -> None:
    """Serialise bookings of one class on PostgreSQL, so it cannot be booked twice at once."""
    db.session.execute(
        sa.select(SchoolClass.id).where(SchoolClass.id == school_class.id).with_for_update()
    )


def _check_teacher(teacher: User | None, school_id: int) -> User:
    if (
        teacher is None
        or not teacher.is_active
        or not teacher.has_role(Role.TEACHER)
        or teacher.organization_id != school_id
    ):
        raise ValidationFailed(
            _l("Choose a teacher of the class's school who will come along."), field="teacher_id"
        )
    return teacher


def _checklist(visit: LabVisit, *, now: datetime) -> list[ChecklistItem]:
    today = local_date(now)
    due = max(today, local_date(visit.slot.starts_at) - timedelta(days=CHECKLIST_DAYS))
    return [ChecklistItem(kind=kind, due_on=due) for kind in ChecklistKind]


def _set_participants(visit: LabVisit, pupils: Sequence[Student]) -> None:
    wanted = {pupil.id: pupil for pupil in pupils}
    visit.participants = [p for p in visit.participants if p.student_id in wanted]
    present = {p.student_id for p in visit.participants}
    for pupil_id, pupil in wanted.items():
        if pupil_id not in present:
            visit.participants.append(VisitParticipant(student=pupil))


def book_visit(
    actor: User,
    slot: VisitSlot,
    *,
    school_class: SchoolClass,
    teacher: User,
    pupils: Sequence[Student],
    pupils_count: int,
    adults_count: int,
    notes: str = "",
    request: VisitRequest | None = None,
    now: datetime,
) -> LabVisit:
    """Book a class group on a slot; the host confirms it later."""
    teacher = _check_teacher(teacher, school_class.school_id)
    notes = clean_text(notes, limit=NOTES_MAX, field="notes")
    if request is not None and request.state is not RequestState.OPEN:
        raise InvalidState(_l("This visit request is already closed."))
    _lock_class(school_class)
    group = Group(school_class, pupils, pupils_count or 0, adults_count or 0)
    check_booking(slot, group, now=now)
    places.reserve(slot, group.persons)
    visit = LabVisit(
        slot=slot,
        school_id=school_class.school_id,
        school_class=school_class,
        teacher=teacher,
        booked_by=actor,
        request=request,
        pupils_count=group.pupils_count,
        adults_count=group.adults_count,
        state=VisitState.REQUESTED,
        notes=notes,
        created_at=now,
        updated_at=now,
    )
    db.session.add(visit)
    _set_participants(visit, pupils)
    visit.checklist = _checklist(visit, now=now)
    if request is not None:
        request.state = RequestState.BOOKED
    db.session.flush()
    record_event(
        actor,
        "lab_visit.book",
        visit,
        now=now,
        label=_label(visit),
        after=snapshot(visit, VISIT_FIELDS),
    )
    reminders.visit_booked(visit, now=now)
    log.info("user %s booked visit %s on slot %s", actor.id, visit.id, slot.id)
    return visit


def _label(visit: LabVisit) -> str:
    return f"{visit.school_class.name} → {visit.slot.site.name}"


def _require_ahead(visit: LabVisit, now: datetime) -> None:
    if visit.slot.starts_at <= now:
        raise InvalidState(_l("This visit has started and can no longer be changed or moved."))


def update_visit(
    actor: User,
    visit: LabVisit,
    *,
    pupils: Sequence[Student],
    pupils_count: int,
    adults_count: int,
    notes: str,
    now: datetime,
) -> LabVisit:
    """Change who goes; every rule is checked again and the places adjusted."""
    lock(visit)
    if not visit.is_open:
        raise InvalidState(
            _l("This visit is %(state)s and can no longer be changed.", state=visit.state.label)
        )
    _require_ahead(visit, now)
    notes = clean_text(notes, limit=NOTES_MAX, field="notes")
    _lock_class(visit.school_class)
    group = Group(visit.school_class, pupils, pupils_count or 0, adults_count or 0)
    if _unchanged(visit, group, notes):
        raise AlreadyDone(_l("The visit already has these pupils, adults and notes."))
    before = snapshot(visit, VISIT_FIELDS)
    check_booking(visit.slot, group, now=now, exclude_visit_id=visit.id)
    places.reserve(visit.slot, group.persons - visit.persons)
    visit.pupils_count, visit.adults_count, visit.notes = (
        group.pupils_count,
        group.adults_count,
        notes,
    )
    _set_participants(visit, pupils)
    visit.updated_at = now
    db.session.flush()
    record_event(
        actor,
        "lab_visit.change",
        visit,
        now=now,
        label=_label(visit),
        before=before,
        after=snapshot(visit, VISIT_FIELDS),
    )
    reminders.visit_changed(visit, now=now)
    return visit


def _unchanged(visit: LabVisit, group: Group, notes: str) -> bool:
    return (
        visit.pupils_count == group.pupils_count
        and visit.adults_count == group.adults_count
        and visit.notes == notes
        and {p.student_id for p in visit.participants} == {pupil.id for pupil in group.pupils}
    )


def move_visit(actor: User, visit: LabVisit, new_slot: VisitSlot, *, now: datetime) -> LabVisit:
    """Move the visit to another slot; every rule is checked again at the new time, and a
    confirmed visit goes back to the host for confirmation."""
    lock(visit)
    if new_slot.id == visit.slot_id:
        raise AlreadyDone(_l("The visit is already on this slot."))
    if not visit.is_open:
        raise InvalidState(
            _l("This visit is %(state)s and can no longer be moved.", state=visit.state.label)
        )
    _require_ahead(visit, now)
    _lock_class(visit.school_class)
    old_slot = visit.slot
    before = snapshot(visit, VISIT_FIELDS)
    pupils = [participant.student for participant in visit.participants]
    group = Group(visit.school_class, pupils, visit.pupils_count, visit.adults_count)
    check_booking(new_slot, group, now=now, exclude_visit_id=visit.id)
    places.reserve(new_slot, visit.persons)
    places.release(old_slot, visit.persons)
    visit.slot = new_slot
    if visit.state is VisitState.CONFIRMED:
        transition(visit, VisitState.REQUESTED)
        visit.decided_by, visit.decided_at = None, None
    visit.updated_at = now
    today = local_date(now)
    due = max(today, local_date(new_slot.starts_at) - timedelta(days=CHECKLIST_DAYS))
    for item in visit.checklist:
        item.due_on = due
    db.session.flush()
    record_event(
        actor,
        "lab_visit.move",
        visit,
        now=now,
        label=_label(visit),
        before=before,
        after=snapshot(visit, VISIT_FIELDS),
    )
    reminders.visit_moved(visit, old_slot, actor, now=now)
    log.info(
        "user %s moved visit %s from slot %s to %s", actor.id, visit.id, old_slot.id, new_slot.id
    )
    return visit


def confirm_visit(actor: User, visit: LabVisit, *, now: datetime) -> LabVisit:
    """Confirm a booking; refused while any pupil under 18 lacks a lab-visit consent."""
    begin_transition(visit, VisitState.CONFIRMED)
    _require_ahead(visit, now)
    blockers = consent_blockers(visit)
    if blockers:
        raise RulesBroken(
            [
                Problem(
                    _l(
                        "%(count)d pupils have no valid consent for lab visits. The teacher "
                        "gets the consents or takes the pupils off the list; then confirm.",
                        count=len(blockers),
                    )
                ),
                *(Problem(line) for line in blockers),
            ]
        )
    transition(visit, VisitState.CONFIRMED)
    visit.decided_by, visit.decided_at, visit.updated_at = actor, now, now
    db.session.flush()
    record_event(actor, "lab_visit.confirm", visit, now=now, label=_label(visit))
    reminders.visit_confirmed(visit, actor, now=now)
    return visit


def decline_visit(actor: User, visit: LabVisit, *, reason: str, now: datetime) -> LabVisit:
    """Decline a booking with a reason the teacher can act on; the places are freed."""
    reason = clean_text(
        reason,
        limit=REASON_MAX,
        field="reason",
        required=_l("Tell the teacher why, so they can choose something else."),
    )
    begin_transition(visit, VisitState.DECLINED)
    transition(visit, VisitState.DECLINED)
    places.release(visit.slot, visit.persons)
    visit.reason, visit.decided_by, visit.decided_at, visit.updated_at = reason, actor, now, now
    db.session.flush()
    record_event(actor, "lab_visit.decline", visit, now=now, label=_label(visit))
    reminders.visit_declined(visit, actor, now=now)
    return visit


def cancel_visit(actor: User, visit: LabVisit, *, reason: str, now: datetime) -> LabVisit:
    """Cancel a visit that lies ahead; everyone involved is told and the places are freed."""
    reason = clean_text(
        reason,
        limit=REASON_MAX,
        field="reason",
        required=_l("Say why the visit is cancelled: everyone involved is told."),
    )
    begin_transition(visit, VisitState.CANCELLED)
    _require_ahead(visit, now)
    transition(visit, VisitState.CANCELLED)
    places.release(visit.slot, visit.persons)
    visit.reason, visit.cancelled_by, visit.cancelled_at, visit.updated_at = (
        reason,
        actor,
        now,
        now,
    )
    db.session.flush()
    record_event(actor, "lab_visit.cancel", visit, now=now, label=_label(visit))
    reminders.visit_cancelled(visit, actor, now=now)
    log.info("user %s cancelled visit %s", actor.id, visit.id)
    return visit


def cancel_slot(actor: User, slot: VisitSlot, *, reason: str, now: datetime) -> int:
    """Cancel a slot and every visit booked on it; return how many visits were cancelled."""
    reason = clean_text(
        reason,
        limit=REASON_MAX,
        field="reason",
        required=_l("Say why the slot is cancelled: the teachers who booked it are told."),
    )
    lock(slot)
    if slot.is_cancelled:
        raise AlreadyDone(_l("This slot was already cancelled."))
    if slot.starts_at <= now:
        raise InvalidState(_l("This slot has started and can no longer be cancelled."))
    cancelled = 0
    for visit in lock_all(list(slot.visits)):
        if visit.is_open:
            cancel_visit(actor, visit, reason=reason, now=now)
            cancelled += 1
    slot.cancelled_at = now
    db.session.flush()
    record_event(actor, "visit_slot.cancel", slot, now=now, label=f"{slot.site.name}: {slot.topic}")
    return cancelled
