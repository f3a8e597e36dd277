"""A pupil's data: export it all, erase it on request, and the retention rule.

Erasing anonymises personal fields and keeps the rows that counts and reports are made of
(enrollments, consent kinds and dates, outcomes), plus an audit entry of the erasure itself.
"""

from __future__ import annotations

import enum
import logging
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload, selectinload

from talent.audit.models import AuditEvent
from talent.audit.services import record_event
from talent.clock import local_date
from talent.consents.models import Consent
from talent.errors import AlreadyDone, InvalidState, ValidationFailed
from talent.extensions import db
from talent.locking import lock
from talent.people.models import User
from talent.privacy.registry import erasure_steps, export_sections
from talent.programmes.models import ProgrammeEnrollment
from talent.rosters.models import RosterImportRow
from talent.schools.models import Student

log = logging.getLogger(__name__)

#: Version of the export's layout, so a reader can tell formats apart.
EXPORT_FORMAT = 1


def _jsonable(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def erased_name(student_id: int) -> str:
    return f"Erased pupil #{student_id}"


# Leaving school --------------------------------------------------------------------------------


def set_left_school(actor: User, student: Student, *, left_on: date | None, now: datetime) -> None:
    """Record the pupil's last day at school, or clear it; retention counts from that day."""
    lock(student)
    if student.erased_at is not None:
        raise InvalidState(_l("This pupil's record is erased."))
    if left_on is not None:
        today = local_date(now)
        if left_on < student.birth_date:
            raise ValidationFailed(
                _l("The pupil cannot leave before being born."), field="left_school_on"
            )
        if left_on > date(today.year + 1, today.month, min(today.day, 28)):
            raise ValidationFailed(
                _l("Give a day at most a year from now."), field="left_school_on"
            )
    before = {"left_school_on": _jsonable(student.left_school_on)}
    student.left_school_on = left_on
    db.session.flush()
    record_event(
        actor,
        "pupil.left_school",
        student,
        now=now,
        label=student.name,
        before=before,
        after={"left_school_on": _jsonable(left_on)},
    )


# Export ---------------------------------------------------------------------------------------


def _load(student_id: int) -> Student:
    query = (
        sa.select(Student)
        .where(Student.id == student_id)
        .options(
            joinedload(Student.school),
            joinedload(Student.school_class),
            joinedload(Student.user),
            selectinload(Student.guardians),
            selectinload(Student.alumni_outcomes),
            selectinload(Student.programme_enrollments).joinedload(ProgrammeEnrollment.programme),
            selectinload(Student.programme_enrollments).joinedload(ProgrammeEnrollment.track),
        )
    )
    return db.session.scalars(query).one()


def _consents(student: Student) -> list[Consent]:
    query = (
        sa.select(Consent)
        .where(Consent.student_id == student.id)
        .order_by(Consent.given_at, Consent.id)
    )
    return list(db.session.scalars(query))


def _audit_subjects(student: Student, consents: list[Consent]) -> list[tuple[str, list[int]]]:
    return [
        ("Student", [student.id]),
        ("Guardian", [g.id for g in student.guardians]),
        ("Consent", [c.id for c in consents]),
        ("ProgrammeEnrollment", [e.id for e in student.programme_enrollments]),
        ("AlumniOutcome", [o.id for o in student.alumni_outcomes]),
    ]


def _audit_filter(subjects: list[tuple[str, list[int]]]):
    return sa.or_(
        *(
            sa.and_(AuditEvent.object_type == kind, AuditEvent.object_id.in_(ids))
            for kind, ids in subjects
            if ids
        )
    )


def export_pupil(student_id: int) -> dict[str, Any]:
    """Everything stored about a pupil, as JSON-ready values."""
    student = _load(student_id)
    consents = _consents(student)
    events = db.session.scalars(
        sa.select(AuditEvent)
        .where(_audit_filter(_audit_subjects(student, consents)))
        .options(joinedload(AuditEvent.actor))
        .order_by(AuditEvent.occurred_at, AuditEvent.id)
    ).all()
    account = student.user
    data: dict[str, Any] = {
        "format": EXPORT_FORMAT,
        "pupil": {
            "id": student.id,
            "name": student.name,
            "birth_date": _jsonable(student.birth_date),
            "school": student.school.name,
            "class": student.school_class.label if student.school_class else None,
            "registered_at": _jsonable(student.created_at),
            "left_school_on": _jsonable(student.left_school_on),
            "erased_at": _jsonable(student.erased_at),
        },
        "account": None
        if account is None
        else {
            "name": account.name,
            "email": account.email,
            "language": account.language,
            "timezone": account.timezone,
            "is_active": account.is_active,
            "created_at": _jsonable(account.created_at),
            "last_login_at": _jsonable(account.last_login_at),
        },
        "guardians": [
            {
                "name": guardian.name,
                "email": guardian.email,
                "phone": guardian.phone,
                "added_at": _jsonable(guardian.created_at),
                "consent_link_sent_at": _jsonable(guardian.link_sent_at),
            }
            for guardian in student.guardians
        ],
        "consents": [
            {
                "kind": consent.kind.value,
                "given_by": consent.given_by,
                "given_at": _jsonable(consent.given_at),
                "method": consent.method.value,
                "expires_on": _jsonable(consent.expires_on),
                "withdrawn_at": _jsonable(consent.withdrawn_at),
                "withdrawn_by": consent.withdrawn_by,
                "superseded_at": _jsonable(consent.superseded_at),
                "note": consent.note,
            }
            for consent in consents
        ],
        "programme_enrollments": [
            {
                "programme": enrollment.programme.label,
                "track": enrollment.track.name if enrollment.track else None,
                "state": enrollment.state.value,
                "intended_field_at_start": _jsonable(enrollment.intended_field_at_start),
                "intended_field_at_completion": _jsonable(enrollment.intended_field_at_completion),
                "applied_at": _jsonable(enrollment.applied_at),
                "activated_at": _jsonable(enrollment.activated_at),
                "completed_at": _jsonable(enrollment.completed_at),
                "withdrawn_at": _jsonable(enrollment.withdrawn_at),
                "withdrawal_reason": enrollment.withdrawal_reason,
            }
            for enrollment in sorted(student.programme_enrollments, key=lambda e: e.applied_at)
        ],
        "alumni_outcomes": [
            {
                "field": outcome.field.value,
                "institution": outcome.institution,
                "study": outcome.study,
                "reported_on": _jsonable(outcome.reported_on),
            }
            for outcome in student.alumni_outcomes
        ],
        "history": [
            {
                "at": _jsonable(event.occurred_at),
                "action": event.action,
                "by": event.actor.name if event.actor else None,
                "object": f"{event.object_type} {event.object_id}",
                "before": event.before,
                "after": event.after,
            }
            for event in events
        ],
    }
    for name, section in export_sections().items():
        data[name] = section(student)
    return data


def record_export(actor: User, student: Student, *, now: datetime) -> None:
    """Note in the audit log that a pupil's data left the platform."""
    record_event(actor, "pupil.export", student, now=now, label=student.name)


# Erasure --------------------------------------------------------------------------------------


def _forget_account(user: User, now: datetime) -> None:
    user.name = "Erased user"
    user.email = f"erased-{user.id}@erased.invalid"
    user.password_hash = None
    user.is_active = False
    user.end_sessions()


def _forget_notifications(consent_ids: list[int], label: str, now: datetime) -> None:
    if not consent_ids:
        return
    from talent.consents.reminders import cancel_expiry_reminder
    from talent.reminders.models import Notification

    for consent in db.session.scalars(sa.select(Consent).where(Consent.id.in_(consent_ids))):
        cancel_expiry_reminder(consent, now=now)
    query = sa.select(Notification).where(
        Notification.subject_type == "Consent", Notification.subject_id.in_(consent_ids)
    )
    for notification in db.session.scalars(query):
        notification.context = {**(notification.context or {}), "pupil": label}


def erase_pupil(actor: User | None, student: Student, *, reason: str, now: datetime) -> None:
    """Anonymise a pupil: personal fields go, counts stay, and the erasure is audited.

    ``reason`` is "request" or "retention" (no free text: it would be personal data again).
    """
    lock(student)  # a second request, or the retention job, waits and then finds it erased
    if student.erased_at is not None:
        raise AlreadyDone(_l("This pupil's record is already erased."))
    student = _load(student.id)
    label = erased_name(student.id)
    consents = _consents(student)
    subjects = _audit_subjects(student, consents)
    for step in erasure_steps():
        step(student, now)
    db.session.execute(
        sa.update(AuditEvent)
        .where(_audit_filter(subjects))
        .values(object_label=label, before=None, after=None)
        .execution_options(synchronize_session=False)
    )
    _forget_notifications([c.id for c in consents], label, now)
    for consent in consents:
        consent.given_by = consent.withdrawn_by = consent.note = ""
        consent.guardian_id = None
    for guardian in list(student.guardians):
        db.session.delete(guardian)
    for enrollment in student.programme_enrollments:
        enrollment.withdrawal_reason = ""
    for outcome in student.alumni_outcomes:
        outcome.institution = outcome.study = ""
    db.session.execute(
        sa.update(RosterImportRow)
        .where(RosterImportRow.student_id == student.id)
        .values(student_id=None)
        .execution_options(synchronize_session=False)
    )
    if student.user is not None:
        _forget_account(student.user, now)
        student.user = None
    student.name = label
    # The year stays, so reports by age still add up.
    student.birth_date = date(student.birth_date.year, 7, 1)
    student.erased_at = now
    db.session.flush()
    record_event(actor, "pupil.erase", student, now=now, label=label, after={"reason": reason})
    log.info("pupil %s erased (%s) by user %s", student.id, reason, actor.id if actor else None)


# Retention ------------------------------------------------------------------------------------


def retention_cutoff(now: datetime, years: int) -> date:
    """Pupils who left school on or before this day are due for anonymisation."""
    today = local_date(now)
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def retention_due_query(now: datetime, years: int) -> sa.Select:
    """Pupils the retention rule would anonymise now, longest gone first."""
    return (
        sa.select(Student)
        .where(
            Student.left_school_on.is_not(None),
            Student.left_school_on <= retention_cutoff(now, years),
            Student.erased_at.is_(None),
        )
        .options(joinedload(Student.school), joinedload(Student.school_class))
        .order_by(Student.left_school_on, Student.id)
    )


def retention_due_count(now: datetime, years: int) -> int:
    query = retention_due_query(now, years).order_by(None).options()
    return db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
