"""`talent seed-demo`: a living demo that each demo account finds its own work in, made once."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from talent.courses.models import Course, CourseEnrollment
from talent.courses.models import EnrollmentState as Seat
from talent.demo import DEMO_ACCOUNTS, seed
from talent.extensions import db
from talent.mentoring.models import (
    MentoringSession,
    MentorProfile,
    Pairing,
    PairingState,
)
from talent.people.models import User
from talent.programmes.models import EnrollmentState, ProgrammeEnrollment
from talent.schools.models import Student
from talent.visits.models import (
    ChecklistItem,
    ChecklistKind,
    LabSite,
    LabVisit,
    RequestState,
    VisitRequest,
    VisitSlot,
    VisitState,
)
from talent.visits.services.dashboard import consent_blocker_counts
from tests.support.integrity import assert_integrity_clean

PASSWORD = "demo-password-1"


def demo(role: str) -> User:
    email = dict(DEMO_ACCOUNTS)[role]
    return db.session.scalar(sa.select(User).where(User.email == email))


def table_counts() -> dict[str, int]:
    return {
        table.name: db.session.scalar(sa.select(sa.func.count()).select_from(table))
        for table in db.metadata.sorted_tables
    }


@pytest.fixture
def seeded(app):
    assert seed(password=PASSWORD)
    db.session.commit()


@pytest.fixture
def page(client):
    """Log in as a demo account and return the text of one page."""

    def open_page(role: str, path: str) -> str:
        response = client.post("/login", data={"email": demo(role).email, "password": PASSWORD})
        assert response.status_code == 302
        response = client.get(path)
        client.post("/logout")
        assert response.status_code == 200, path
        return response.get_data(as_text=True)

    return open_page


def test_seed_demo_prints_the_accounts_and_a_second_run_changes_nothing(app, runner):
    first = runner.invoke(args=["seed-demo", "--password", PASSWORD])
    assert first.exit_code == 0, first.output
    assert "Demo data is ready." in first.output
    for _role, email in DEMO_ACCOUNTS:
        assert email in first.output
    before = table_counts()
    assert before["lab_visits"] > 10 and before["pairings"] > 10 and before["courses"] >= 3

    again = runner.invoke(args=["seed-demo", "--password", PASSWORD])

    assert again.exit_code == 0, again.output
    assert "Demo data was already there." in again.output
    assert table_counts() == before


def test_the_teacher_has_booked_visits_ahead_with_consent_gaps(seeded, page):
    now = datetime.now(UTC)
    teacher = demo("teacher")
    upcoming = db.session.scalars(
        sa.select(LabVisit)
        .join(VisitSlot)
        .where(LabVisit.teacher_id == teacher.id, VisitSlot.starts_at > now)
        .where(LabVisit.state.in_([VisitState.CONFIRMED, VisitState.REQUESTED]))
    ).all()
    assert upcoming
    consents_open = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(ChecklistItem)
        .where(
            ChecklistItem.visit_id.in_([visit.id for visit in upcoming]),
            ChecklistItem.kind == ChecklistKind.CONSENTS,
            ChecklistItem.done_at.is_(None),
        )
    )
    assert consents_open >= 1
    # The consents are missing on a visit the host has not confirmed yet: confirming refuses
    # while a pupil under 18 lacks one, so the teacher chases them first.
    blockers = consent_blocker_counts(upcoming)
    lacking = [visit for visit in upcoming if blockers.get(visit.id)]
    assert lacking and all(visit.state is VisitState.REQUESTED for visit in lacking)
    board = page("teacher", "/")
    assert any(f'data-testid="consents-{visit.id}"' in board for visit in lacking)
    text = page("teacher", "/visits/")
    assert upcoming[0].school_class.name in text and "Nordic Nanovector" in text
    assert "2STA" in page("teacher", "/classes")


def test_the_host_has_bookings_awaiting_confirmation(seeded, page):
    host = demo("host")
    waiting = db.session.scalars(
        sa.select(LabVisit)
        .join(VisitSlot)
        .join(LabSite)
        .where(
            LabSite.organization_id == host.organization_id,
            LabVisit.state == VisitState.REQUESTED,
            VisitSlot.starts_at > datetime.now(UTC),
        )
    ).all()
    assert waiting
    assert waiting[0].school.name in page("host", "/visits/?state=requested")


def test_the_researcher_is_enrolled_waitlisted_and_offered_a_seat(seeded, page):
    researcher = demo("researcher")
    courses = dict(
        db.session.execute(
            sa.select(CourseEnrollment.state, Course.title)
            .join(Course)
            .where(CourseEnrollment.user_id == researcher.id)
        ).all()
    )
    assert {Seat.CONFIRMED, Seat.WAITLISTED, Seat.OFFERED} <= set(courses)
    text = page("researcher", "/courses/mine")
    for state in (Seat.CONFIRMED, Seat.WAITLISTED, Seat.OFFERED):
        assert courses[state] in text


def test_the_mentor_has_pairings_one_overdue_and_a_session_to_confirm(seeded, page):
    profile = db.session.scalar(
        sa.select(MentorProfile).where(MentorProfile.user_id == demo("mentor").id)
    )
    pairings = db.session.scalars(sa.select(Pairing).where(Pairing.mentor_id == profile.id)).all()
    today = datetime.now(UTC).date()
    active = [p for p in pairings if p.state is PairingState.ACTIVE]
    assert len(active) >= 2
    assert any(p.is_overdue(today) for p in active)
    unconfirmed = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(MentoringSession)
        .where(
            MentoringSession.pairing_id.in_([p.id for p in active]),
            MentoringSession.confirmed_at.is_(None),
        )
    )
    assert unconfirmed >= 1
    assert demo("student").name in page("mentor", "/mentoring/")


def test_the_student_has_a_programme_a_visit_ahead_and_a_mentor(seeded, page):
    pupil = db.session.scalar(sa.select(Student).where(Student.user_id == demo("student").id))
    enrollment = db.session.scalar(
        sa.select(ProgrammeEnrollment).where(ProgrammeEnrollment.student_id == pupil.id)
    )
    assert enrollment.state is EnrollmentState.ACTIVE
    ahead = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(LabVisit)
        .join(VisitSlot)
        .where(
            LabVisit.participants.any(student_id=pupil.id),
            VisitSlot.starts_at > datetime.now(UTC),
        )
    )
    assert ahead >= 1
    assert demo("mentor").name in page("student", "/mentoring/")


def test_the_coordinator_has_decisions_waiting(seeded, page):
    open_requests = db.session.scalar(
        sa.select(sa.func.count()).where(VisitRequest.state == RequestState.OPEN)
    )
    applications = db.session.scalar(
        sa.select(sa.func.count()).where(CourseEnrollment.state == Seat.APPLIED)
    )
    proposals = db.session.scalar(
        sa.select(sa.func.count()).where(Pairing.state == PairingState.PROPOSED)
    )
    assert open_requests and applications and proposals
    page("coordinator", "/visits/requests")
    page("coordinator", "/mentoring/")


def test_the_demo_keeps_every_rule_the_services_enforce(seeded):
    assert_integrity_clean()
