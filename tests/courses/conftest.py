"""Course test data: courses with sessions, researchers, enrollments; built directly so the
services can be tested on their own, and with a fixed clock."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta

import pytest
from flask import g
from flask_babel import force_locale

from talent.courses.models import AdmissionMode, Course, CourseFormat, CourseSession
from talent.courses.services.management import new_attendance_code
from talent.extensions import db
from talent.people.models import OrganizationKind, Role
from tests import factories
from tests.browser.conftest import (  # noqa: F401 - the shared browser fixtures, for test_browser
    browser,
    browser_user,
    live_server,
    log_in_as,
    page,
)

#: A fixed Monday morning: enrollment is open, the course starts three weeks later.
NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
_sequence = itertools.count(1)


def course(
    *,
    capacity: int = 2,
    starts_on: date = date(2027, 3, 22),
    ends_on: date = date(2027, 3, 24),
    sessions: int = 0,
    admission_mode: AdmissionMode = AdmissionMode.FIRST_COME,
    opens_at: datetime = NOW - timedelta(days=7),
    closes_at: datetime = NOW + timedelta(days=14),
    partners=(),
    **fields,
) -> Course:
    """A published course; ``sessions`` adds that many morning sessions, one a day."""
    item = Course(
        title=fields.pop("title", f"Innovation course {next(_sequence)}"),
        summary=fields.pop("summary", "From idea to product."),
        language=fields.pop("language", "en"),
        format=fields.pop("format", CourseFormat.ON_SITE),
        location=fields.pop("location", "Oslo Cancer Cluster Innovation Park"),
        timezone="Europe/Oslo",
        starts_on=starts_on,
        ends_on=ends_on,
        enrollment_opens_at=opens_at,
        enrollment_closes_at=closes_at,
        capacity=capacity,
        seats_taken=0,
        last_queue_number=0,
        admission_mode=admission_mode,
        eligible_roles=fields.pop("eligible_roles", []),
        eligible_kinds=fields.pop("eligible_kinds", []),
        is_published=fields.pop("is_published", True),
        created_at=NOW,
        updated_at=NOW,
        partners=list(partners),
        **fields,
    )
    db.session.add(item)
    db.session.flush()
    for number in range(sessions):
        day = starts_on + timedelta(days=number % ((ends_on - starts_on).days + 1))
        starts_at = datetime(day.year, day.month, day.day, 8, number % 8, tzinfo=UTC)
        db.session.add(
            CourseSession(
                course=item,
                title=f"Session {number + 1}",
                starts_at=starts_at,
                ends_at=starts_at + timedelta(hours=3),
                attendance_code=new_attendance_code(),
            )
        )
    db.session.flush()
    return item


def researcher(organization=None, **fields):
    organization = organization or factories.organization(kind=OrganizationKind.HOSPITAL)
    fields.setdefault("language", "en")
    return factories.user(Role.RESEARCHER, organization=organization, **fields)


def coordinator(**fields):
    fields.setdefault("language", "en")
    return factories.user(Role.COORDINATOR, **fields)


@pytest.fixture(autouse=True)
def load_user_per_request(app):
    """Load the user of every request from its own session cookie, as in production."""

    @app.before_request
    def forget_cached_user() -> None:
        g.pop("_login_user", None)


@pytest.fixture(autouse=True)
def english(app):
    """Messages of domain errors read in English outside requests too."""
    with force_locale("en"):
        yield
