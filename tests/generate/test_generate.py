"""`talent generate`: sizes, proportions, the data keeps every rule the models state, the same
seed gives the same data, and the main pages of each feature render on it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from talent.consents.models import Consent
from talent.courses.models import SEAT_STATES, Course, CourseEnrollment
from talent.extensions import db
from talent.generate import GenerationError, Sizes, generate
from talent.mentoring.models import (
    OPEN_STATES,
    MenteeKind,
    MenteeProfile,
    MentorProfile,
    Pairing,
    PairingState,
)
from talent.people.models import Organization, OrganizationKind, Role, User
from talent.programmes.models import PLACE_STATES, Programme, ProgrammeEnrollment
from talent.reminders.models import Notification, NotificationState
from talent.schools.models import SchoolClass, Student
from talent.visits.models import HOLDING_STATES, LabVisit, VisitSlot, VisitState
from tests.conftest import empty_all_tables
from tests.support.integrity import assert_integrity_clean

NOW = datetime(2026, 11, 29, 9, 0, tzinfo=UTC)


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_scale_multiplies_schools_and_years_not_only_rows():
    one, hundred = Sizes.of(1), Sizes.of(100)
    assert (one.schools, one.years) == (2, 1)
    assert (hundred.schools, hundred.years) == (200, 10)
    assert hundred.pupils == 100 * one.pupils
    assert hundred.visits == 100 * one.visits
    assert Sizes.of(0.05).schools == 2
    with pytest.raises(ValueError):
        Sizes.of(0)


def test_the_command_fills_one_school_year_at_scale_one(app, runner):
    result = runner.invoke(args=["generate", "--scale", "1"])

    assert result.exit_code == 0, result.output
    assert "Generated" in result.output and "lab_visits" in result.output
    schools = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Organization)
        .where(Organization.kind == OrganizationKind.SCHOOL)
    )
    assert schools == 2
    assert db.session.scalars(sa.select(SchoolClass.school_year).distinct()).all() == [2026]
    assert 250 <= count(Student) <= 350
    assert 36 <= count(LabVisit) <= 44
    assert count(Course) == 10
    assert count(Pairing) == 60
    states = set(db.session.scalars(sa.select(LabVisit.state)))
    assert {VisitState.COMPLETED, VisitState.CANCELLED, VisitState.CONFIRMED} <= states
    ledger = set(db.session.scalars(sa.select(Notification.state)))
    assert {NotificationState.SENT, NotificationState.PENDING} <= ledger


def test_the_command_refuses_a_database_that_already_has_generated_data(app, runner):
    assert runner.invoke(args=["generate", "--scale", "0.05"]).exit_code == 0

    result = runner.invoke(args=["generate", "--scale", "0.05"])

    assert result.exit_code == 1
    assert "already holds generated data" in result.output


def test_the_data_keeps_the_rules_of_the_models(app):
    generate(3, now=NOW)

    # Every visit fits its slot, and each slot's counter is the sum of the visits holding it.
    booked = dict(
        db.session.execute(
            sa.select(LabVisit.slot_id, sa.func.sum(LabVisit.pupils_count + LabVisit.adults_count))
            .where(LabVisit.state.in_(HOLDING_STATES))
            .group_by(LabVisit.slot_id)
        ).all()
    )
    for slot in db.session.scalars(sa.select(VisitSlot)):
        assert slot.persons_booked == booked.get(slot.id, 0) <= slot.capacity
    for visit in db.session.scalars(sa.select(LabVisit)):
        assert visit.persons <= visit.slot.capacity
        assert len(visit.participants) in (0, visit.pupils_count)
        # Attendance is recorded only by turning a visit completed or a no-show.
        attended = visit.state in (VisitState.COMPLETED, VisitState.NO_SHOW)
        assert (visit.attendance_recorded_at is not None) == attended
        assert (visit.adults_attended is not None) == attended

    # One open pairing per mentee and programme; mentors within capacity; pupils vetted for.
    open_pairings = db.session.scalars(
        sa.select(Pairing).where(Pairing.state.in_(OPEN_STATES))
    ).all()
    assert len({(p.mentee_id, p.programme_id) for p in open_pairings}) == len(open_pairings)
    for mentor in db.session.scalars(sa.select(MentorProfile)):
        held = sum(p.mentor_id == mentor.id for p in open_pairings)
        assert mentor.open_pairings == held <= mentor.capacity
    for pairing in open_pairings:
        if pairing.mentee.kind is MenteeKind.PUPIL:
            assert pairing.mentor.is_vetted_on(NOW.date())
    assert db.session.scalar(sa.select(sa.func.count()).where(Pairing.state == PairingState.ACTIVE))

    # Seat and place counters agree with the enrollments that hold them.
    for course in db.session.scalars(sa.select(Course)):
        seats = db.session.scalar(
            sa.select(sa.func.count()).where(
                CourseEnrollment.course_id == course.id, CourseEnrollment.state.in_(SEAT_STATES)
            )
        )
        assert course.seats_taken == seats <= course.capacity
    for programme in db.session.scalars(sa.select(Programme)):
        places = db.session.scalar(
            sa.select(sa.func.count()).where(
                ProgrammeEnrollment.programme_id == programme.id,
                ProgrammeEnrollment.state.in_(PLACE_STATES),
            )
        )
        assert programme.places_taken == places <= programme.capacity

    # Three school years, six schools, more of both than at scale 1.
    assert len(db.session.scalars(sa.select(SchoolClass.school_year).distinct()).all()) == 3
    assert count(Consent) > count(Student)
    assert count(MenteeProfile) == count(Pairing)


@pytest.mark.parametrize(
    "now",
    [
        NOW,
        # Early in the school year many first-years are still 15 and consents are new.
        datetime(2026, 9, 7, 9, 0, tzinfo=UTC),
        datetime(2027, 3, 15, 9, 0, tzinfo=UTC),
    ],
    ids=["november", "september", "march"],
)
def test_the_data_passes_every_integrity_check(app, now):
    generate(0.2, now=now)

    assert_integrity_clean(now=now)


def test_the_same_seed_gives_the_same_data(app):
    def fingerprint():
        return (
            db.session.scalars(sa.select(User.email).order_by(User.id)).all(),
            db.session.scalars(sa.select(Student.name).order_by(Student.id)).all(),
            db.session.execute(
                sa.select(LabVisit.state, LabVisit.pupils_count).order_by(LabVisit.id)
            ).all(),
        )

    first_counts = generate(0.3, now=NOW, seed=7)
    first = fingerprint()
    db.session.remove()
    empty_all_tables()

    assert generate(0.3, now=NOW, seed=7) == first_counts
    assert fingerprint() == first


def test_generation_needs_a_migrated_database(app):
    db.session.execute(sa.text("DROP TABLE notifications"))
    try:
        with pytest.raises(GenerationError, match="talent db upgrade"):
            generate(0.05, now=NOW)
    finally:
        db.session.rollback()


def test_the_app_adds_rows_after_generation(app, make):
    """Ids were handed out by the generator: PostgreSQL's sequences must have moved past them."""
    generate(0.05, now=NOW)
    school = make.school()
    teacher = make.user(Role.TEACHER, organization=school)
    pupil = make.student(make.school_class(school))
    notification = Notification(
        recipient_id=teacher.id,
        kind="visits.booked",
        due_at=NOW,
        next_attempt_at=NOW,
        idempotency_key="after-generation",
    )
    db.session.add(notification)
    db.session.commit()
    assert pupil.id > count(Student) - 1 and notification.id == count(Notification)


def test_pupils_who_left_long_ago_are_anonymised_as_the_retention_rule_would(app):
    generate(8, now=NOW)  # five school years: 2022/23 is past the retention period

    erased = db.session.scalars(sa.select(Student).where(Student.erased_at.is_not(None))).all()
    assert erased
    for pupil in erased:
        assert pupil.name == f"Erased pupil #{pupil.id}"
        assert pupil.left_school_on <= datetime(2023, 11, 29).date()
        assert pupil.user_id is None and pupil.guardians == []
    still_named = db.session.scalar(
        sa.select(sa.func.count()).where(
            Student.erased_at.is_(None), Student.left_school_on < datetime(2023, 6, 1).date()
        )
    )
    assert still_named == 0


def test_generation_leaves_planner_statistics_behind(app):
    """Bulk-filled tables get statistics at once, not whenever autovacuum comes by."""
    generate(0.05, now=NOW)

    pupils = count(Student)
    if db.session.get_bind().dialect.name == "postgresql":
        estimate = db.session.scalar(
            sa.text("SELECT reltuples FROM pg_class WHERE relname = 'students'")
        )
        assert estimate == pupils
    else:
        stat = db.session.scalar(sa.text("SELECT stat FROM sqlite_stat1 WHERE tbl = 'students'"))
        assert stat is not None and int(stat.split()[0]) == pupils
