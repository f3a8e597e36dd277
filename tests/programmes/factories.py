"""Factories for the pupil features' tests: guardians, consents, programmes, enrollments."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime

from talent.consents.models import Consent, ConsentKind, ConsentMethod, Guardian
from talent.extensions import db
from talent.programmes.models import (
    EnrollmentState,
    Programme,
    ProgrammeEnrollment,
    ProgrammeTrack,
)

NOW = datetime(2026, 10, 1, 10, 0, tzinfo=UTC)
TODAY = date(2026, 10, 1)
_sequence = itertools.count(1)


def guardian(student, name: str | None = None, email: str = "", phone: str = "") -> Guardian:
    person = Guardian(
        student=student,
        name=name or f"Guardian {next(_sequence)}",
        email=email or f"guardian{next(_sequence)}@example.org",
        phone=phone,
    )
    db.session.add(person)
    db.session.flush()
    return person


def consent(
    student,
    kind: ConsentKind = ConsentKind.PROGRAMME,
    *,
    given_at: datetime = NOW,
    expires_on: date | None = date(2027, 7, 31),
    withdrawn_at: datetime | None = None,
    superseded_at: datetime | None = None,
    given_by: str = "Kari Hansen",
) -> Consent:
    record = Consent(
        student=student,
        kind=kind,
        given_by=given_by,
        given_at=given_at,
        method=ConsentMethod.PAPER,
        expires_on=expires_on,
        withdrawn_at=withdrawn_at,
        superseded_at=superseded_at,
    )
    db.session.add(record)
    db.session.flush()
    return record


def programme(
    name: str | None = None,
    *,
    capacity: int = 10,
    school=None,
    school_year: int = 2026,
    tracks: tuple[str, ...] = ("Natural science", "Media"),
) -> Programme:
    item = Programme(
        name=name or f"Talent programme {next(_sequence)}",
        school_year=school_year,
        school=school,
        capacity=capacity,
        places_taken=0,
        tracks=[ProgrammeTrack(name=track) for track in tracks],
    )
    db.session.add(item)
    db.session.flush()
    return item


def enrollment(
    programme: Programme, student, state: EnrollmentState = EnrollmentState.APPLIED, **fields
) -> ProgrammeEnrollment:
    item = ProgrammeEnrollment(state=state, applied_at=NOW, **fields)
    db.session.add(item)
    item.programme, item.student = programme, student
    if state in (EnrollmentState.ACTIVE, EnrollmentState.COMPLETED):
        programme.places_taken += 1
    db.session.flush()
    return item
