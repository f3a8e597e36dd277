"""A small world for lab-visit tests: a school with a class of pupils and a teacher, a host
organisation with a host and a site, and helpers to publish slots and book them."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import pytest

from talent.consents.models import Consent, ConsentKind, ConsentMethod
from talent.db import utcnow
from talent.extensions import db
from talent.people.models import OrganizationKind, Role
from talent.visits.models import LabSite, VisitSlot
from talent.visits.services import booking

#: A fixed "now" for service tests: Monday 7 September 2026, 08:00 UTC.
NOW = datetime(2026, 9, 7, 8, 0, tzinfo=UTC)


def add_site(organization, **fields) -> LabSite:
    values = {"name": "Cell lab", "address": "Oslo Science Park", "capacity": 40}
    values.update(fields)
    site = LabSite(organization_id=organization.id, **values)
    db.session.add(site)
    db.session.flush()
    return site


def add_slot(site, starts_at: datetime, *, hours: int = 2, capacity: int = 30, **fields):
    slot = VisitSlot(
        site=site,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=hours),
        capacity=capacity,
        persons_booked=0,
        topic=fields.pop("topic", "Cancer cells under the microscope"),
        **fields,
    )
    db.session.add(slot)
    db.session.flush()
    return slot


def give_consents(pupils, *, on: date = date(2026, 8, 20)) -> None:
    for pupil in pupils:
        db.session.add(
            Consent(
                student_id=pupil.id,
                kind=ConsentKind.LAB_VISITS,
                given_by="Guardian",
                given_at=datetime.combine(on, datetime.min.time(), tzinfo=UTC),
                method=ConsentMethod.PAPER,
            )
        )
    db.session.flush()


@pytest.fixture(autouse=True)
def english(client):
    """The tests read English messages, also where nobody is logged in."""
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def in_request(app):
    """Service tests read translated messages, which need a request's locale."""
    with app.test_request_context(headers={"Accept-Language": "en"}):
        yield


@pytest.fixture
def world(app, make):
    school = make.school("Ullern videregående skole")
    other_school = make.school("Oslo katedralskole")
    school_class = make.school_class(school, "2STA")
    pupils = [make.student(school_class, f"Pupil {n:02d}") for n in range(1, 25)]
    teacher = make.user(Role.TEACHER, organization=school, name="Tina Teacher", language="en")
    other_teacher = make.user(
        Role.TEACHER, organization=other_school, name="Otto Other", language="en"
    )
    company = make.organization("Nordic Nanovector", OrganizationKind.COMPANY)
    other_company = make.organization("Oncoinvent", OrganizationKind.COMPANY)
    host = make.user(Role.HOST, organization=company, name="Hanna Host", language="en")
    other_host = make.user(Role.HOST, organization=other_company, name="Ole Host", language="en")
    coordinator = make.user(Role.COORDINATOR, name="Cora Coordinator", language="en")
    site = add_site(company)
    db.session.commit()
    return SimpleNamespace(
        school=school,
        other_school=other_school,
        school_class=school_class,
        pupils=pupils,
        teacher=teacher,
        other_teacher=other_teacher,
        company=company,
        other_company=other_company,
        host=host,
        other_host=other_host,
        coordinator=coordinator,
        site=site,
    )


@pytest.fixture
def book(world):
    """Book ``pupils`` pupils of the class (and enough adults) on a slot, as the teacher."""

    def booking_of(slot, pupils: int = 10, adults: int | None = None, *, now=NOW, **extra):
        chosen = world.pupils[:pupils]
        return booking.book_visit(
            extra.pop("actor", world.teacher),
            slot,
            school_class=extra.pop("school_class", world.school_class),
            teacher=extra.pop("teacher", world.teacher),
            pupils=extra.pop("chosen", chosen),
            pupils_count=pupils,
            adults_count=adults if adults is not None else max(1, -(-pupils // 10)),
            now=now,
            **extra,
        )

    return booking_of


def future(days: int = 14, hour: int = 9) -> datetime:
    """A moment some days from the real now, for tests that go through the web views."""
    moment = utcnow() + timedelta(days=days)
    return moment.replace(hour=hour, minute=0, second=0, microsecond=0)
