"""Accounts for the auth tests, the mailbox of the real SMTP server and an inline-code check on
every page rendered."""

from __future__ import annotations

from email.message import EmailMessage

import pytest

from talent.extensions import db
from talent.people.models import Role
from tests.security.support import check_every_page


@pytest.fixture(autouse=True)
def pages_seen(app) -> list[str]:
    """Paths of the HTML pages rendered in the test, each checked for inline code."""
    seen: list[str] = []
    check_every_page(app, seen)
    return seen


@pytest.fixture
def mailbox(smtp_server) -> list[EmailMessage]:
    """The messages the real SMTP server of the test (``smtp_server``) has received."""
    return smtp_server.mailbox.messages


@pytest.fixture
def kari(make):
    """A teacher who reads English, with the factories' password; committed."""
    school = make.school("Ullern videregående skole")
    user = make.user(
        Role.TEACHER,
        email="kari@example.org",
        name="Kari Nordmann",
        organization=school,
        language="en",
    )
    db.session.commit()
    return user


@pytest.fixture
def admin(make):
    user = make.user(Role.ADMIN, email="ada@example.org", name="Ada Admin", language="en")
    db.session.commit()
    return user
