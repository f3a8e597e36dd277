"""Every change of a programme enrollment applied twice, one after the other and from ten
threads at once: the repeat is answered with AlreadyDone, with one audit row and the places
counter moved once."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from talent.audit.models import AuditEvent
from talent.errors import AlreadyDone
from talent.extensions import db
from talent.people.models import Role, User
from talent.programmes import services
from talent.programmes.models import EnrollmentState, FieldOfStudy, Programme, ProgrammeEnrollment
from talent.schools.models import Student
from tests.programmes import factories as pf
from tests.programmes.factories import NOW
from tests.support.together import THREADS, repeated

ADULT = date(2007, 1, 1)  # needs no guardian's consent to become active


def _audit(action: str) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(AuditEvent).where(AuditEvent.action == action)
    )


@pytest.fixture
def coordinator(make):
    return make.user(Role.COORDINATOR)


@pytest.fixture
def pupil(make):
    return make.student(make.school_class(make.school()), birth_date=ADULT)


def test_activating_twice_takes_one_place(coordinator, pupil):
    programme = pf.programme(capacity=3)
    enrollment = pf.enrollment(programme, pupil)

    services.activate(coordinator, enrollment, now=NOW)
    with pytest.raises(AlreadyDone, match="is already active"):
        services.activate(coordinator, enrollment, now=NOW)

    assert programme.places_taken == 1
    assert _audit("enrollment.activate") == 1


def test_completing_twice_completes_once(coordinator, pupil):
    enrollment = pf.enrollment(pf.programme(), pupil, EnrollmentState.ACTIVE)

    services.complete(coordinator, enrollment, intended_field=FieldOfStudy.MEDICINE, now=NOW)
    with pytest.raises(AlreadyDone, match="has already completed"):
        services.complete(coordinator, enrollment, intended_field=FieldOfStudy.TECHNOLOGY, now=NOW)

    assert enrollment.intended_field_at_completion is FieldOfStudy.MEDICINE
    assert _audit("enrollment.complete") == 1


def test_withdrawing_twice_frees_one_place(make, coordinator, pupil):
    programme = pf.programme(capacity=3)
    enrollment = pf.enrollment(programme, pupil, EnrollmentState.ACTIVE)
    pf.enrollment(programme, make.student(pupil.school_class), EnrollmentState.ACTIVE)

    services.withdraw(coordinator, enrollment, reason="Moved away", now=NOW)
    with pytest.raises(AlreadyDone, match="was already withdrawn"):
        services.withdraw(coordinator, enrollment, reason="Moved away", now=NOW)

    assert programme.places_taken == 1
    assert enrollment.withdrawal_reason == "Moved away"
    assert _audit("enrollment.withdraw") == 1


def test_enrolling_the_same_pupils_twice_enrolls_them_once(coordinator, pupil):
    programme = pf.programme()

    services.enroll_pupils(coordinator, programme, [pupil], now=NOW)
    with pytest.raises(AlreadyDone, match="Already in the programme"):
        services.enroll_pupils(coordinator, programme, [pupil], now=NOW)

    assert _audit("enrollment.apply") == 1


# The same click from ten threads at once -----------------------------------------------------


def _world(make, state: EnrollmentState):
    coordinator = make.user(Role.COORDINATOR)
    pupil = make.student(make.school_class(make.school()), birth_date=ADULT)
    programme = pf.programme(capacity=THREADS)
    enrollment = pf.enrollment(programme, pupil, state)
    ids = coordinator.id, programme.id, enrollment.id, pupil.id
    db.session.commit()
    db.session.close()  # on SQLite even a read here would hold the write lock
    return ids


def _places(programme_id: int) -> int:
    db.session.expire_all()
    return db.session.get(Programme, programme_id).places_taken


def test_ten_withdrawals_at_once_free_one_place(app, make):
    actor_id, programme_id, enrollment_id, _ = _world(make, EnrollmentState.ACTIVE)

    def withdraw():
        enrollment = db.session.get(ProgrammeEnrollment, enrollment_id)
        services.withdraw(db.session.get(User, actor_id), enrollment, reason="Ill", now=NOW)

    assert repeated(app, withdraw) == ["AlreadyDone"] * (THREADS - 1) + ["ok"]
    assert _places(programme_id) == 0
    assert _audit("enrollment.withdraw") == 1


def test_ten_completions_at_once_complete_once(app, make):
    actor_id, programme_id, enrollment_id, _ = _world(make, EnrollmentState.ACTIVE)

    def complete():
        enrollment = db.session.get(ProgrammeEnrollment, enrollment_id)
        actor = db.session.get(User, actor_id)
        services.complete(actor, enrollment, intended_field=FieldOfStudy.MEDICINE, now=NOW)

    assert repeated(app, complete) == ["AlreadyDone"] * (THREADS - 1) + ["ok"]
    assert _places(programme_id) == 1
    assert _audit("enrollment.complete") == 1


def test_ten_enrollments_of_the_same_pupil_at_once_make_one(app, make):
    actor_id, programme_id, _, _ = _world(make, EnrollmentState.WITHDRAWN)
    pupil_id = make.student(make.school_class(make.school()), birth_date=ADULT).id
    db.session.commit()
    db.session.close()

    def enroll():
        programme = db.session.get(Programme, programme_id)
        pupil = db.session.get(Student, pupil_id)
        services.enroll_pupils(db.session.get(User, actor_id), programme, [pupil], now=NOW)

    assert repeated(app, enroll) == ["AlreadyDone"] * (THREADS - 1) + ["ok"]
    assert _audit("enrollment.apply") == 1
