"""Programmes: states and transitions, the consent rule, capacity, uniqueness, outcomes."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from talent.consents.models import ConsentKind
from talent.errors import AlreadyDone, Conflict, InvalidState, NotAllowed, ValidationFailed
from talent.extensions import db
from talent.people.models import Role
from talent.programmes import services
from talent.programmes.models import (
    EnrollmentState,
    FieldOfStudy,
    Programme,
    ProgrammeEnrollment,
)
from tests.programmes import factories as pf
from tests.programmes.factories import NOW


@pytest.fixture
def school(make):
    return make.school("Ullern videregående skole")


@pytest.fixture
def teacher(make, school):
    return make.user(Role.TEACHER, organization=school)


@pytest.fixture
def group(make, school):
    return make.school_class(school, "2STA")


def test_enrolling_makes_applicants_with_an_intended_field(make, teacher, group):
    programme = pf.programme(school=group.school)
    pupils = [make.student(group) for _ in range(2)]
    enrolled = services.enroll_pupils(
        teacher,
        programme,
        pupils,
        track=programme.tracks[0],
        intended_field=FieldOfStudy.MEDICINE,
        now=NOW,
    )
    assert [e.state for e in enrolled] == [EnrollmentState.APPLIED] * 2
    assert enrolled[0].intended_field_at_start is FieldOfStudy.MEDICINE
    assert programme.places_taken == 0  # applicants hold no place


def test_a_pupil_cannot_be_enrolled_twice_but_again_after_withdrawing(make, teacher, group):
    programme = pf.programme()
    pupil = make.student(group)
    [first] = services.enroll_pupils(teacher, programme, [pupil], now=NOW)
    with pytest.raises(AlreadyDone, match="Already in the programme"):
        services.enroll_pupils(teacher, programme, [pupil], now=NOW)
    with pytest.raises(Conflict, match="Already in the programme"):
        services.enroll_pupils(teacher, programme, [pupil, make.student(group)], now=NOW)
    services.withdraw(teacher, first, reason="Moved to another town", now=NOW)
    services.enroll_pupils(teacher, programme, [pupil], now=NOW)


def test_the_database_holds_one_current_enrollment_per_pupil(make, group):
    programme = pf.programme()
    pupil = make.student(group)
    pf.enrollment(programme, pupil)
    with pytest.raises(IntegrityError), db.session.begin_nested():
        pf.enrollment(programme, pupil, EnrollmentState.ACTIVE)
    pf.enrollment(programme, pupil, EnrollmentState.WITHDRAWN)


def test_pupils_of_another_school_or_another_teacher_are_refused(make, teacher, group):
    own = pf.programme(school=group.school)
    elsewhere = make.school_class(make.school("Elvebakken"), "1A")
    stranger = make.student(elsewhere, "Ola Dahl")
    with pytest.raises(NotAllowed):
        services.enroll_pupils(teacher, own, [stranger], now=NOW)
    coordinator = make.user(Role.COORDINATOR)
    with pytest.raises(ValidationFailed, match="Ola Dahl is at Elvebakken"):
        services.enroll_pupils(coordinator, own, [stranger], now=NOW)


def test_a_minor_without_programme_consent_cannot_become_active(make, teacher, group):
    programme = pf.programme()
    pupil = make.student(group, "Emma Hansen", birth_date=date(2010, 5, 17))
    enrollment = pf.enrollment(programme, pupil)
    with pytest.raises(InvalidState) as refused:
        services.activate(teacher, enrollment, now=NOW)
    assert "Emma Hansen (16): no consent for programme participation" in str(refused.value.message)
    assert enrollment.state is EnrollmentState.APPLIED and programme.places_taken == 0

    pf.consent(pupil, ConsentKind.PROGRAMME)
    services.activate(teacher, enrollment, now=NOW)
    assert enrollment.state is EnrollmentState.ACTIVE and enrollment.activated_at == NOW
    assert programme.places_taken == 1


def test_an_adult_needs_no_guardian_consent(make, teacher, group):
    programme = pf.programme()
    enrollment = pf.enrollment(programme, make.student(group, birth_date=date(2007, 1, 1)))
    services.activate(teacher, enrollment, now=NOW)
    assert enrollment.state is EnrollmentState.ACTIVE


def _active_ready(make, group, programme, count):
    enrollments = []
    for _ in range(count):
        pupil = make.student(group, birth_date=date(2007, 1, 1))
        enrollments.append(pf.enrollment(programme, pupil))
    return enrollments


def test_a_full_programme_refuses_and_a_withdrawal_frees_a_place(make, teacher, group):
    programme = pf.programme(capacity=2)
    first, second, third = _active_ready(make, group, programme, 3)
    services.activate(teacher, first, now=NOW)
    services.activate(teacher, second, now=NOW)
    db.session.commit()
    with pytest.raises(Conflict, match="all 2 places are taken"):
        services.activate(teacher, third, now=NOW)
    db.session.rollback()
    db.session.refresh(third)
    assert third.state is EnrollmentState.APPLIED
    services.withdraw(teacher, first, reason="Ill", now=NOW)
    assert programme.places_taken == 1
    services.activate(teacher, third, now=NOW)
    assert programme.places_taken == 2


def test_the_database_refuses_more_places_than_capacity(make, group):
    programme = pf.programme(capacity=1)
    programme.places_taken = 1
    db.session.flush()
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.execute(
            sa.update(Programme).where(Programme.id == programme.id).values(places_taken=2)
        )


@pytest.mark.parametrize(
    ("state", "action"),
    [
        (EnrollmentState.COMPLETED, "activate"),
        (EnrollmentState.WITHDRAWN, "activate"),
        (EnrollmentState.APPLIED, "complete"),
        (EnrollmentState.COMPLETED, "withdraw"),
    ],
)
def test_illegal_transitions_say_why(make, teacher, group, state, action):
    programme = pf.programme()
    enrollment = pf.enrollment(programme, make.student(group, birth_date=date(2007, 1, 1)), state)
    with pytest.raises(InvalidState, match=f"that is {state.value} cannot become"):
        if action == "activate":
            services.activate(teacher, enrollment, now=NOW)
        elif action == "complete":
            services.complete(teacher, enrollment, intended_field=FieldOfStudy.MEDICINE, now=NOW)
        else:
            services.withdraw(teacher, enrollment, reason="x", now=NOW)


def test_completing_records_the_intended_field_and_keeps_the_place(make, teacher, group):
    programme = pf.programme()
    enrollment = pf.enrollment(
        programme,
        make.student(group),
        EnrollmentState.ACTIVE,
        intended_field_at_start=FieldOfStudy.UNDECIDED,
    )
    with pytest.raises(ValidationFailed):
        services.complete(teacher, enrollment, intended_field=None, now=NOW)
    services.complete(teacher, enrollment, intended_field=FieldOfStudy.MEDICINE, now=NOW)
    assert enrollment.state is EnrollmentState.COMPLETED
    assert enrollment.intended_field_at_completion is FieldOfStudy.MEDICINE
    assert programme.places_taken == 1


def test_a_withdrawal_needs_a_reason(make, teacher, group):
    enrollment = pf.enrollment(pf.programme(), make.student(group))
    with pytest.raises(ValidationFailed) as refused:
        services.withdraw(teacher, enrollment, reason="  ", now=NOW)
    assert refused.value.field == "reason"


def test_capacity_cannot_drop_below_places_taken(make):
    coordinator = make.user(Role.COORDINATOR)
    programme = services.save_programme(
        coordinator,
        None,
        name="Ullern talent programme",
        school_year=2026,
        capacity=5,
        tracks=["Natural science", "Media", "Entrepreneurship", " ", "media"],
        now=NOW,
    )
    assert sorted(t.name for t in programme.tracks) == [
        "Entrepreneurship",
        "Media",
        "Natural science",
    ]
    programme.places_taken = 3
    db.session.flush()
    with pytest.raises(ValidationFailed, match="3 pupils already hold a place"):
        services.save_programme(
            coordinator, programme, name=programme.name, school_year=2026, capacity=2, now=NOW
        )
    with pytest.raises(Conflict):
        services.save_programme(
            coordinator,
            None,
            name="ullern talent programme",
            school_year=2026,
            capacity=1,
            now=NOW,
        )


def test_a_track_in_use_cannot_be_removed(make, group):
    coordinator = make.user(Role.COORDINATOR)
    programme = pf.programme()
    pf.enrollment(programme, make.student(group), track=programme.tracks[0])
    name = programme.tracks[0].name
    with pytest.raises(InvalidState, match=f"The track {name} has 1 pupils"):
        services.save_programme(
            coordinator,
            programme,
            name=programme.name,
            school_year=2026,
            capacity=10,
            tracks=[t.name for t in programme.tracks[1:]],
            now=NOW,
        )


def test_outcome_summary_counts_fields_and_alumni(make, group):
    coordinator = make.user(Role.COORDINATOR)
    programme = pf.programme()
    medics = [make.student(group) for _ in range(3)]
    for pupil in medics:
        pf.enrollment(
            programme,
            pupil,
            EnrollmentState.COMPLETED,
            intended_field_at_start=FieldOfStudy.UNDECIDED,
            intended_field_at_completion=FieldOfStudy.MEDICINE,
        )
    pf.enrollment(
        programme,
        make.student(group),
        EnrollmentState.WITHDRAWN,
        intended_field_at_start=FieldOfStudy.TECHNOLOGY,
    )
    leaver = medics[0]
    leaver.left_school_on = date(2026, 6, 20)
    services.record_alumni_outcome(
        coordinator, leaver, field=FieldOfStudy.TECHNOLOGY, reported_on=date(2026, 9, 1), now=NOW
    )
    services.record_alumni_outcome(
        coordinator,
        leaver,
        field=FieldOfStudy.MEDICINE,
        institution="University of Oslo",
        reported_on=date(2026, 9, 20),
        now=NOW,
    )
    summary = services.outcome_summary(programme, coordinator)
    assert summary["start"][FieldOfStudy.UNDECIDED] == 3
    assert summary["start"][FieldOfStudy.TECHNOLOGY] == 0  # withdrawn pupils do not count
    assert summary["completion"][FieldOfStudy.MEDICINE] == 3
    assert summary["alumni"][FieldOfStudy.MEDICINE] == 1  # the latest follow-up counts
    assert summary["alumni"][FieldOfStudy.TECHNOLOGY] == 0
    alumni = db.session.scalars(services.alumni_query(coordinator)).all()
    assert alumni == [leaver]


def test_a_follow_up_needs_a_leaving_date(make, group):
    coordinator = make.user(Role.COORDINATOR)
    pupil = make.student(group)
    with pytest.raises(InvalidState):
        services.record_alumni_outcome(
            coordinator, pupil, field=FieldOfStudy.MEDICINE, reported_on=date(2026, 9, 1), now=NOW
        )


def test_teachers_see_their_schools_and_shared_programmes(make, teacher, school):
    shared = pf.programme("Shared")
    own = pf.programme("Own", school=school)
    pf.programme("Elsewhere", school=make.school())
    seen = db.session.scalars(services.programmes_query(teacher)).all()
    assert {p.name for p in seen} == {shared.name, own.name}
    count = db.session.scalar(sa.select(sa.func.count()).select_from(ProgrammeEnrollment))
    assert count == 0
