"""Guardians and consents: recording, withdrawing, checking what is missing.

``missing_consents`` is the public check other features (lab visits, programmes) call.
Every change of a pupil's consents or guardians locks the pupil first (``talent.locking.lock``),
the aggregate they hang on: giving a consent supersedes another one of the pupil's, so two
requests must not both decide which one is current.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from contextlib import nullcontext
from datetime import UTC, date, datetime, time

import sqlalchemy as sa
from flask import current_app, has_app_context, has_request_context
from flask_babel import force_locale, format_date
from flask_babel import lazy_gettext as _l

from talent.audit.services import record_event, snapshot
from talent.clock import local_date, platform_zone, school_year_end
from talent.consents.models import Consent, ConsentKind, ConsentMethod, Guardian, new_link_nonce
from talent.errors import AlreadyDone, InvalidState, ValidationFailed
from talent.extensions import db
from talent.locking import lock
from talent.people.models import User
from talent.schools.models import Student
from talent.settings import int_setting
from talent.text import has_control_characters, require_single_line

log = logging.getLogger(__name__)

#: Pupils younger than this need a guardian's consent.
AGE_OF_CONSENT = 18

GUARDIAN_FIELDS = ("name", "email", "phone")
CONSENT_FIELDS = ("kind", "given_by", "method", "expires_on", "withdrawn_at", "note")

EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE_PATTERN = re.compile(r"^\+?[0-9 ()\-]{5,20}$")


# Text -----------------------------------------------------------------------------------------


def clean_text(value: str, *, field: str, max_length: int, multiline: bool = False) -> str:
    """Trim a typed text and refuse what cannot be stored, with a message for the field."""
    text = (value or "").strip() if multiline else " ".join((value or "").split())
    if has_control_characters(text, multiline=multiline):
        raise ValidationFailed(_l("The text contains characters that cannot be used."), field=field)
    if len(text) > max_length:
        raise ValidationFailed(_l("Use at most %(max)d characters.", max=max_length), field=field)
    return text


# Dates ----------------------------------------------------------------------------------------


def _moment_on(day: date, now: datetime) -> datetime:
    """``now`` for today, otherwise noon of that day in the platform's zone, as UTC."""
    if day == local_date(now):
        return now
    return datetime.combine(day, time(12), tzinfo=platform_zone()).astimezone(UTC)


# Checking -------------------------------------------------------------------------------------


def consents_by_pupil(
    student_ids: Iterable[int], kinds: Iterable[ConsentKind] | None = None
) -> dict[int, list[Consent]]:
    """Every consent of the given pupils, newest first, in one query."""
    ids = list(set(student_ids))
    found: dict[int, list[Consent]] = {student_id: [] for student_id in ids}
    if not ids:
        return found
    query = sa.select(Consent).where(Consent.student_id.in_(ids))
    if kinds is not None:
        query = query.where(Consent.kind.in_(list(kinds)))
    query = query.order_by(Consent.given_at.desc(), Consent.id.desc())
    for consent in db.session.scalars(query):
        found[consent.student_id].append(consent)
    return found


def latest_of_kind(consents: Iterable[Consent], kind: ConsentKind) -> Consent | None:
    """The consent in force of a kind if any, else the most recent one."""
    of_kind = [consent for consent in consents if consent.kind == kind]
    current = [consent for consent in of_kind if consent.is_current]
    return (current or of_kind or [None])[0]


def needs_guardian_consent(student: Student, on: date) -> bool:
    return student.age_on(on) < AGE_OF_CONSENT


def what_is_missing(student: Student, kind: ConsentKind, consent: Consent | None, on: date) -> str:
    """A sentence saying why the pupil has no valid consent of this kind on that day."""
    who = _l("%(name)s (%(age)d)", name=student.name, age=student.age_on(on))
    if consent is None:
        reason = _l("no consent for %(kind)s from a guardian is recorded.", kind=kind.label)
    elif consent.withdrawn_at is not None:
        reason = _l(
            "the consent for %(kind)s was withdrawn on %(date)s.",
            kind=kind.label,
            date=format_date(local_date(consent.withdrawn_at), "d. MMM y"),
        )
    else:
        reason = _l(
            "the consent for %(kind)s is valid only until %(date)s.",
            kind=kind.label,
            date=format_date(consent.expires_on, "d. MMM y"),
        )
    return f"{who}: {reason}"


def missing_consents(students: Iterable[Student], kind: ConsentKind, *, on: date) -> dict[int, str]:
    """Per pupil under 18 on ``on`` without a valid consent of ``kind``: what is missing.

    Pupils who are of age, or who have a valid consent, are not in the result. One query for
    any number of pupils.
    """
    minors = [student for student in students if needs_guardian_consent(student, on)]
    consents = consents_by_pupil((student.id for student in minors), [kind])
    missing = {}
    with _some_locale():
        for student in minors:
            consent = latest_of_kind(consents[student.id], kind)
            if consent is None or not consent.is_valid_on(on):
                missing[student.id] = what_is_missing(student, kind, consent, on)
    return missing


def _some_locale():
    """The request's language; outside a request (jobs, commands) the platform's default."""
    if has_request_context() or not has_app_context():
        return nullcontext()
    return force_locale(current_app.config["BABEL_DEFAULT_LOCALE"])


# Guardians ------------------------------------------------------------------------------------


def _clean_contact(name: str, email: str, phone: str) -> tuple[str, str, str]:
    require_single_line(name=name, email=email, phone=phone)
    name = clean_text(name, field="name", max_length=200)
    email = clean_text(email, field="email", max_length=254).lower()
    phone = clean_text(phone, field="phone", max_length=40)
    if not name:
        raise ValidationFailed(_l("Write the guardian's name."), field="name")
    if email and not EMAIL_PATTERN.match(email):
        raise ValidationFailed(
            _l("This is not an e-mail address; check for typing errors."), field="email"
        )
    if phone and not PHONE_PATTERN.match(phone):
        raise ValidationFailed(
            _l("Write the phone number with digits only, such as +47 912 34 567."), field="phone"
        )
    return name, email, phone


def save_guardian(
    actor: User | None,
    student: Student,
    guardian: Guardian | None,
    *,
    name: str,
    email: str = "",
    phone: str = "",
    now: datetime,
) -> Guardian:
    """Add a guardian to a pupil, or change one; a changed e-mail voids links sent before."""
    name, email, phone = _clean_contact(name, email, phone)
    lock(student)
    creating = guardian is None
    if not creating:
        guardian = _reread_guardian(guardian)
    before = None if creating else snapshot(guardian, GUARDIAN_FIELDS)
    if creating:
        guardian = Guardian(student=student, created_at=now)
        db.session.add(guardian)
    elif guardian.email != email:
        guardian.link_nonce = new_link_nonce()
    guardian.name, guardian.email, guardian.phone = name, email, phone
    db.session.flush()
    record_event(
        actor,
        "guardian.create" if creating else "guardian.update",
        guardian,
        now=now,
        label=f"{name} ({student.name})",
        before=before,
        after=snapshot(guardian, GUARDIAN_FIELDS),
    )
    return guardian


def _reread_guardian(guardian: Guardian) -> Guardian:
    """The guardian as stored now (the pupil is locked); AlreadyDone when removed meanwhile."""
    found = db.session.get(Guardian, guardian.id, populate_existing=True)
    if found is None:
        raise AlreadyDone(_l("This guardian was already removed."))
    return found


def remove_guardian(actor: User | None, guardian: Guardian, *, now: datetime) -> None:
    """Remove a guardian; consents they gave stay on record under their name."""
    lock(guardian.student)
    guardian = _reread_guardian(guardian)
    record_event(
        actor,
        "guardian.delete",
        guardian,
        now=now,
        label=f"{guardian.name} ({guardian.student.name})",
        before=snapshot(guardian, GUARDIAN_FIELDS),
    )
    db.session.delete(guardian)
    db.session.flush()


# Consents -------------------------------------------------------------------------------------


def current_consent(student: Student, kind: ConsentKind) -> Consent | None:
    query = sa.select(Consent).where(
        Consent.student_id == student.id,
        Consent.kind == kind,
        Consent.withdrawn_at.is_(None),
        Consent.superseded_at.is_(None),
    )
    return db.session.scalar(query)


def give_consent(
    actor: User | None,
    student: Student,
    *,
    kind: ConsentKind,
    given_by: str,
    method: ConsentMethod,
    given_on: date | None = None,
    expires_on: date | None = None,
    guardian: Guardian | None = None,
    recorded_by: User | None = None,
    note: str = "",
    now: datetime,
) -> Consent:
    """Record a consent; one already in force of the same kind is superseded by it."""
    require_single_line(given_by=given_by)
    given_by = clean_text(given_by, field="given_by", max_length=200) or (
        guardian.name if guardian else ""
    )
    note = clean_text(note, field="note", max_length=500, multiline=True)
    today = local_date(now)
    given_on = given_on or today
    if not given_by:
        raise ValidationFailed(_l("Write who gave the consent."), field="given_by")
    if guardian is not None and guardian.student_id != student.id:
        raise ValidationFailed(_l("Choose one of this pupil's guardians."), field="guardian_id")
    if given_on > today:
        raise ValidationFailed(_l("The consent cannot be given in the future."), field="given_on")
    if expires_on is not None and expires_on < given_on:
        raise ValidationFailed(
            _l("The consent must run until the day it was given or later."), field="expires_on"
        )
    if expires_on is not None and expires_on < today:
        raise ValidationFailed(
            _l("This consent would already have expired; check the end date."),
            field="expires_on",
        )
    lock(student)
    previous = current_consent(student, kind)
    if previous is not None and _same_consent(
        previous,
        given_by=given_by,
        method=method,
        given_on=given_on,
        expires_on=expires_on,
        guardian=guardian,
        note=note,
    ):
        raise AlreadyDone(_l("This consent is already recorded."))
    if previous is not None:
        previous.superseded_at = now
        db.session.flush()  # the partial unique index allows one current consent
        _reminders().cancel_expiry_reminder(previous, now=now)
    consent = Consent(
        student=student,
        kind=kind,
        guardian=guardian,
        given_by=given_by,
        given_at=_moment_on(given_on, now),
        method=method,
        expires_on=expires_on,
        recorded_by=recorded_by or actor,
        note=note,
        created_at=now,
    )
    db.session.add(consent)
    db.session.flush()
    record_event(
        actor,
        "consent.give",
        consent,
        now=now,
        label=f"{kind.label} ({student.name})",
        after=snapshot(consent, CONSENT_FIELDS),
    )
    _reminders().schedule_expiry_reminder(consent, days_before=_reminder_days(), now=now)
    return consent


def _same_consent(
    consent: Consent, *, given_by, method, given_on, expires_on, guardian, note
) -> bool:
    """Whether ``consent`` already says what is being recorded (the same form sent twice)."""
    return (
        consent.given_by == given_by
        and consent.method is method
        and local_date(consent.given_at) == given_on
        and consent.expires_on == expires_on
        and consent.guardian_id == (guardian.id if guardian else None)
        and consent.note == note
    )


def withdraw_consent(
    actor: User | None, consent: Consent, *, withdrawn_by: str, now: datetime
) -> Consent:
    """Mark a consent in force as withdrawn; the record stays."""
    require_single_line(withdrawn_by=withdrawn_by)
    lock(consent.student)
    db.session.refresh(consent)
    if consent.withdrawn_at is not None:
        raise AlreadyDone(_l("This consent was already withdrawn."))
    if not consent.is_current:
        raise InvalidState(_l("This consent is no longer in force; there is nothing to withdraw."))
    withdrawn_by = clean_text(withdrawn_by, field="withdrawn_by", max_length=200)
    if not withdrawn_by:
        raise ValidationFailed(_l("Write who withdrew the consent."), field="withdrawn_by")
    consent.withdrawn_at, consent.withdrawn_by = now, withdrawn_by
    db.session.flush()
    record_event(
        actor,
        "consent.withdraw",
        consent,
        now=now,
        label=f"{consent.kind.label} ({consent.student.name})",
        after={"withdrawn_by": withdrawn_by, "withdrawn_at": now.isoformat()},
    )
    _reminders().cancel_expiry_reminder(consent, now=now)
    return consent


def answer_by_guardian(
    guardian: Guardian,
    consenting: set[ConsentKind],
    *,
    sent_by: User | None,
    now: datetime,
) -> tuple[list[ConsentKind], list[ConsentKind]]:
    """Apply a guardian's answers from a consent link: give the ticked kinds, withdraw the rest.

    Kinds that already are as the guardian wants are left alone. Returns (given, withdrawn).
    """
    student = lock(guardian.student)
    today = local_date(now)
    current = {c.kind: c for c in consents_by_pupil([student.id])[student.id] if c.is_current}
    given, withdrawn = [], []
    for kind in ConsentKind:
        consent = current.get(kind)
        valid = consent is not None and consent.is_valid_on(today)
        if kind in consenting and not valid:
            give_consent(
                None,
                student,
                kind=kind,
                given_by=guardian.name,
                method=ConsentMethod.DIGITAL,
                expires_on=school_year_end(today),
                guardian=guardian,
                recorded_by=sent_by,
                now=now,
            )
            given.append(kind)
        elif kind not in consenting and consent is not None:
            withdraw_consent(None, consent, withdrawn_by=guardian.name, now=now)
            withdrawn.append(kind)
    log.info("guardian %s answered consent link: +%s -%s", guardian.id, given, withdrawn)
    return given, withdrawn


def consents_expiring(now: datetime, *, within_days: int, limit: int) -> list[sa.Row]:
    """Consents in force whose last day is within the coming ``within_days`` days, the soonest
    first, as rows (id, student_id, student_name, kind, expires_on)."""
    today = local_date(now)
    query = (
        sa.select(
            Consent.id,
            Consent.student_id,
            Student.name.label("student_name"),
            Consent.kind,
            Consent.expires_on,
        )
        .join(Consent.student)
        .where(
            Consent.withdrawn_at.is_(None),
            Consent.superseded_at.is_(None),
            Consent.expires_on.is_not(None),
            Consent.expires_on >= today,
            Consent.expires_on <= date.fromordinal(today.toordinal() + within_days),
        )
        .order_by(Consent.expires_on, Consent.id)
        .limit(limit)
    )
    return list(db.session.execute(query))


def _reminders():
    # Imported late: the reminder module imports this one for dates.
    from talent.consents import reminders

    return reminders


def _reminder_days() -> int:
    if not has_app_context():
        return 30
    return int_setting("CONSENT_REMINDER_DAYS")
