"""Logging in: one message for every refusal, the wait after failures shown on the form and
kept in the database, safe `next`."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from talent import create_app
from talent.auth.models import LoginAttempt
from talent.auth.services import authenticate
from talent.db import utcnow
from talent.extensions import db
from talent.people.models import Role
from tests import conftest as root
from tests.factories import PASSWORD
from tests.security.support import alerts, field_value, is_logged_in, log_in, submit

GENERIC = "Wrong e-mail or password, or the account is not active."
WAIT_FIVE_MINUTES = (
    "Too many failed attempts. Wait 5 minutes and try again, or reset your password."
)
GUESSER = "203.0.113.7"


@pytest.fixture
def second_app(database_url):
    """Another app instance on the same database, as a second worker or host would be."""
    other = create_app(root.test_settings(database_url))
    yield other
    with other.app_context():
        db.engine.dispose()


def from_address(address: str) -> dict:
    return {"environ_base": {"REMOTE_ADDR": address}}


def attempts(**where) -> int:
    query = sa.select(sa.func.count()).select_from(LoginAttempt).filter_by(**where)
    return db.session.scalar(query)


def test_right_password_logs_in_and_records_the_attempt(client, kari):
    response = log_in(client, "kari@example.org")
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/"
    assert is_logged_in(client)
    assert attempts(email="kari@example.org", succeeded=True) == 1
    db.session.refresh(kari)
    assert kari.last_login_at is not None


def test_email_in_another_letter_case_logs_in(client, kari):
    response = log_in(client, "  KARI@Example.ORG ")
    assert response.status_code == 302
    assert is_logged_in(client)


def test_every_refusal_gets_the_same_message(client, make):
    make.user(Role.MENTOR, email="mia@example.org")
    make.user(Role.MENTOR, email="gone@example.org", is_active=False)
    make.user(Role.MENTOR, email="invited@example.org", password_hash=None)
    db.session.commit()
    tries = {
        "wrong password": ("mia@example.org", "not the password"),
        "unknown e-mail": ("nobody@example.org", PASSWORD),
        "deactivated": ("gone@example.org", PASSWORD),
        "no password yet": ("invited@example.org", PASSWORD),
    }
    for case, (email, password) in tries.items():
        response = log_in(client, email, password)
        assert response.status_code == 200, case
        assert alerts(response) == [GENERIC], case
        assert field_value(response, "email") == email, case  # what was typed stays
        assert not is_logged_in(client), case
    assert attempts(succeeded=False) == len(tries)


def test_over_long_input_is_refused_without_an_error_page(client, kari):
    response = log_in(client, "k" * 300 + "@example.org", "x" * 5000)
    assert response.status_code == 200
    assert not is_logged_in(client)


def test_the_login_form_says_how_long_to_wait_and_keeps_the_typed_email(client, kari, second_app):
    # What fourteen failures from one address leave behind: its next try waits 256 s.
    for email in ("kari@example.org", "nobody@example.org"):
        for _ in range(14):
            db.session.add(LoginAttempt(email=email, address=GUESSER, attempted_at=utcnow()))
    db.session.commit()

    for typed in (" Kari@Example.org", "nobody@example.org"):
        response = log_in(client, typed, PASSWORD, **from_address(GUESSER))
        assert response.status_code == 200
        assert alerts(response) == [WAIT_FIVE_MINUTES]
        assert field_value(response, "email") == typed
        assert field_value(response, "password") in (None, "")
        assert not is_logged_in(client)
    # Another worker on the same database knows it too, in Norwegian for a Norwegian browser.
    other_client = second_app.test_client()
    other_client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "nb"
    response = log_in(other_client, "kari@example.org", PASSWORD, **from_address(GUESSER))
    assert response.status_code == 200
    assert alerts(response) == [
        "For mange mislykkede forsøk. Vent 5 minutter og prøv igjen,"
        " eller tilbakestill passordet ditt."
    ]
    assert other_client.get("/").status_code == 302
    assert attempts() == 28  # a try that had to wait is not recorded


def test_successful_logins_do_not_make_anyone_wait(app, kari):
    now = utcnow()
    for _ in range(app.config["LOGIN_FREE_FAILURES"] + 2):
        authenticate(kari.email, PASSWORD, address="10.0.0.1", now=now, limits=app.config)
    assert authenticate(kari.email, PASSWORD, address="10.0.0.1", now=now, limits=app.config)


OFF_SITE = [
    "//evil.example",
    "https://evil.example",
    "/\\evil.example",
    "javascript:alert(1)",
    "http://localhost.evil.example/",
    "///evil.example",
    "\\\\evil.example",
    " //evil.example",
    "/\t/evil.example",
    "evil.example",
]


@pytest.mark.parametrize("target", OFF_SITE)
def test_next_never_leads_off_the_site(client, kari, target):
    page = client.get("/login", query_string={"next": target})
    assert field_value(page, "next") == target
    response = submit(client, page, {"email": kari.email, "password": PASSWORD})
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert location.netloc in ("", "localhost")
    assert location.scheme in ("", "http")
    assert location.path == "/"


def test_next_leads_to_a_local_page(client, kari):
    response = client.get("/profile")
    assert response.status_code == 302
    login_page = client.get(response.headers["Location"])
    assert field_value(login_page, "next") == "/profile"
    response = submit(client, login_page, {"email": kari.email, "password": PASSWORD})
    assert response.headers["Location"] == "/profile"

    client.post("/logout")
    page = client.get("/login", query_string={"next": "/profile?tab=password"})
    response = submit(client, page, {"email": kari.email, "password": PASSWORD})
    assert response.headers["Location"] == "/profile?tab=password"


def test_a_logged_in_user_visiting_login_goes_home(client, kari):
    log_in(client, kari.email)
    response = client.get("/login", query_string={"next": "//evil.example"})
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/"
