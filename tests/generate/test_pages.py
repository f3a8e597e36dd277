"""On generated data, the main pages of each feature render for the people who use them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from talent.courses.models import Course
from talent.extensions import db
from talent.generate import generate
from talent.mentoring.models import MentorProfile, Pairing, PairingState
from talent.people.models import User
from talent.schools.models import Student
from talent.visits.models import LabVisit

#: Generated accounts share this password (the command's default).
PASSWORD = "talent-demo"


@pytest.fixture
def generated(app):
    generate(0.5, now=datetime.now(UTC))
    db.session.commit()


def account(email: str) -> User:
    return db.session.scalar(sa.select(User).where(User.email == email))


def pages_render(client, user: User, paths: list[str]) -> None:
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
    client.post("/logout")


def test_staff_pages_render_on_generated_data(generated, client):
    coordinator = account("coordinator1@generated.talent.test")
    course = db.session.scalar(sa.select(Course.id).order_by(Course.id))
    pupil = db.session.scalar(sa.select(Student.id).order_by(Student.id))
    pages_render(
        client,
        coordinator,
        [
            "/",
            "/visits/",
            "/visits/calendar",
            "/visits/requests",
            "/courses",
            "/courses/manage",
            f"/courses/{course}/roster",
            "/mentoring/",
            "/mentoring/mentors",
            "/mentoring/concerns",
            "/programmes/",
            "/programmes/alumni",
            "/activities/",
            f"/pupils/{pupil}/timeline",
            "/inbox",
            "/ledger/",
        ],
    )
    teacher = db.session.get(User, db.session.scalar(sa.select(LabVisit.teacher_id)))
    visit = db.session.scalar(sa.select(LabVisit.id).where(LabVisit.teacher_id == teacher.id))
    pages_render(
        client,
        teacher,
        ["/", "/classes", "/visits/", f"/visits/{visit}", "/activities/", "/inbox"],
    )
    pages_render(client, account("host1@generated.talent.test"), ["/", "/visits/", "/visits/sites"])


def test_participant_pages_render_on_generated_data(generated, client):
    pairing = db.session.scalar(
        sa.select(Pairing).where(Pairing.state == PairingState.ACTIVE).order_by(Pairing.id)
    )
    mentor = db.session.get(User, db.session.get(MentorProfile, pairing.mentor_id).user_id)
    pages_render(client, mentor, ["/", "/mentoring/", f"/mentoring/pairings/{pairing.id}"])
    pages_render(
        client,
        account("researcher1@generated.talent.test"),
        ["/", "/courses", "/courses/mine", "/inbox"],
    )
    pupil_account = db.session.scalar(
        sa.select(User).join(Student, Student.user_id == User.id).order_by(User.id)
    )
    pages_render(client, pupil_account, ["/", "/inbox"])
