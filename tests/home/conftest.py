"""Data for the home dashboards: two schools, two host organisations, and helpers that add
visits, courses with enrollments, and mentoring pairings around the real clock (the home page
reads ``utcnow()``)."""

from __future__ import annotations

import itertools
from datetime import timedelta
from types import SimpleNamespace

import pytest

from talent.courses.models import AdmissionMode, Course, CourseEnrollment, CourseFormat
from talent.db import utcnow
from talent.extensions import db
from talent.people.models import OrganizationKind, Role
from talent.visits.services import booking
from tests import factories
from tests.visits.conftest import add_site, add_slot

_sequence = itertools.count(1)


def soon(days: float = 3, hour: int = 9):
    """A whole hour some days from the real now."""
    moment = utcnow() + timedelta(days=days)
    return moment.replace(hour=hour, minute=0, second=0, microsecond=0)


def book(site, starts_at, *, teacher, school_class, pupils, actor=None, now=None):
    """Publish a slot at ``starts_at`` on the site and book the class's pupils on it."""
    slot = add_slot(site, starts_at)
    return booking.book_visit(
        actor or teacher,
        slot,
        school_class=school_class,
        teacher=teacher,
        pupils=pupils,
        pupils_count=len(pupils),
        adults_count=1,
        now=now or utcnow() - timedelta(hours=1),
    )


def course(**fields) -> Course:
    today = utcnow().date()
    item = Course(
        title=fields.pop("title", f"Innovation course {next(_sequence)}"),
        format=CourseFormat.ON_SITE,
        timezone="Europe/Oslo",
        starts_on=fields.pop("starts_on", today + timedelta(days=20)),
        ends_on=fields.pop("ends_on", today + timedelta(days=22)),
        enrollment_opens_at=utcnow() - timedelta(days=7),
        enrollment_closes_at=utcnow() + timedelta(days=14),
        capacity=fields.pop("capacity", 10),
        admission_mode=fields.pop("admission_mode", AdmissionMode.FIRST_COME),
        is_published=True,
        **fields,
    )
    db.session.add(item)
    db.session.flush()
    return item


def enroll(course_, user, state, **fields) -> CourseEnrollment:
    item = CourseEnrollment(course=course_, user=user, state=state, **fields)
    db.session.add(item)
    db.session.flush()
    return item


@pytest.fixture(autouse=True)
def english(client):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def in_request(app):
    """Service tests build visits, whose notices need a request's locale."""
    with app.test_request_context(headers={"Accept-Language": "en"}):
        yield


@pytest.fixture
def world(app, make):
    school = make.school("Ullern videregående skole")
    other_school = make.school("Oslo katedralskole")
    school_class = make.school_class(school, "2STA")
    other_class = make.school_class(other_school, "3MKA")
    pupils = [make.student(school_class, f"Pupil {n:02d}") for n in range(1, 4)]
    other_pupils = [make.student(other_class, f"Other pupil {n:02d}") for n in range(1, 4)]
    company = make.organization("Nordic Nanovector", OrganizationKind.COMPANY)
    other_company = make.organization("Oncoinvent", OrganizationKind.COMPANY)
    user = factories.user
    world = SimpleNamespace(
        school=school,
        other_school=other_school,
        school_class=school_class,
        other_class=other_class,
        pupils=pupils,
        other_pupils=other_pupils,
        company=company,
        other_company=other_company,
        teacher=user(Role.TEACHER, organization=school, name="Tina Teacher"),
        other_teacher=user(Role.TEACHER, organization=other_school, name="Otto Other"),
        host=user(Role.HOST, organization=company, name="Hanna Host"),
        other_host=user(Role.HOST, organization=other_company, name="Ole Host"),
        coordinator=user(Role.COORDINATOR, name="Cora Coordinator"),
        admin=user(*Role, name="Ada Admin"),
        site=add_site(company, name="Cell lab"),
        other_site=add_site(other_company, name="Isotope lab"),
    )
    db.session.commit()
    return world


def get_home(client, count_queries=None):
    """GET / and return (page text, queries it ran); the session starts stale, as in a request."""
    db.session.expire_all()
    if count_queries is None:
        response = client.get("/")
        count = None
    else:
        with count_queries() as counter:
            response = client.get("/")
        count = counter.count
    assert response.status_code == 200
    return response.get_data(as_text=True), count
