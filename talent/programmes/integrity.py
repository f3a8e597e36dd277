"""Integrity checks of talent programmes: places taken, one current enrollment per pupil, and
programme consent for active pupils under 18."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from talent.clock import local_date
from talent.consents.models import Consent, ConsentKind
from talent.integrity.checks import Counter, Drift, WithinLimit, born_after_for_minor
from talent.programmes.models import (
    PLACE_STATES,
    EnrollmentState,
    Programme,
    ProgrammeEnrollment,
)
from talent.schools.models import Student


def _places_per_programme() -> sa.Select:
    return (
        sa.select(ProgrammeEnrollment.programme_id.label("key"), sa.func.count().label("value"))
        .where(ProgrammeEnrollment.state.in_(PLACE_STATES))
        .group_by(ProgrammeEnrollment.programme_id)
    )


places_taken = Counter(
    "programmes.places_taken",
    Programme,
    "places_taken",
    "programme",
    _places_per_programme,
    limit="capacity",
)


programme_within_capacity = WithinLimit(
    "programmes.programme_within_capacity", places_taken, "active or completed enrollments"
)


def one_current_enrollment_per_pupil(session: Session, now: datetime) -> list[Drift]:
    """A pupil has at most one enrollment in a programme that is not withdrawn."""
    query = (
        sa.select(ProgrammeEnrollment.programme_id, ProgrammeEnrollment.student_id, sa.func.count())
        .where(ProgrammeEnrollment.state != EnrollmentState.WITHDRAWN)
        .group_by(ProgrammeEnrollment.programme_id, ProgrammeEnrollment.student_id)
        .having(sa.func.count() > 1)
        .order_by(ProgrammeEnrollment.programme_id, ProgrammeEnrollment.student_id)
    )
    return [
        Drift(
            "programmes.one_current_enrollment_per_pupil",
            f"programme {programme_id}, pupil {pupil_id}",
            "at most one current enrollment",
            f"{count} enrollments not withdrawn",
        )
        for programme_id, pupil_id, count in session.execute(query)
    ]


def active_minors_have_consent(session: Session, now: datetime) -> list[Drift]:
    """An active pupil under 18 has a programme consent valid today."""
    today = local_date(now)
    valid_consent = (
        sa.select(Consent.id)
        .where(
            Consent.student_id == ProgrammeEnrollment.student_id,
            Consent.kind == ConsentKind.PROGRAMME,
            Consent.withdrawn_at.is_(None),
            Consent.superseded_at.is_(None),
            sa.or_(Consent.expires_on.is_(None), Consent.expires_on >= today),
        )
        .exists()
    )
    query = (
        sa.select(ProgrammeEnrollment.id, ProgrammeEnrollment.programme_id, Student.id)
        .join(Student, Student.id == ProgrammeEnrollment.student_id)
        .where(
            ProgrammeEnrollment.state == EnrollmentState.ACTIVE,
            Student.birth_date > born_after_for_minor(today),
            ~valid_consent,
        )
        .order_by(ProgrammeEnrollment.id)
    )
    return [
        Drift(
            "programmes.active_minors_have_consent",
            f"programme enrollment {enrollment_id} (programme {programme_id}, pupil {pupil_id})",
            "active, pupil under 18",
            "no programme consent valid today",
        )
        for enrollment_id, programme_id, pupil_id in session.execute(query)
    ]


CHECKS = (
    places_taken,
    programme_within_capacity,
    one_current_enrollment_per_pupil,
    active_minors_have_consent,
)
