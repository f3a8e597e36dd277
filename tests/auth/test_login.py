"""Logging in: one message for every refusal, throttling kept in the database, safe `next`."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from talent import create_app
from talent.auth.models import LoginAttempt
from talent.auth.services import LoginRefused, authenticate, prune_login_attempts
from talent.db import utcnow
from talent.extensions import db
from talent.people.models import Role
from tests import conftest as root
from tests.factories import PASSWORD
from tests.security.support import alerts, field_value, is_logged_in, log_in, submit

GENERIC = "Wrong e-mail or password, or the account is not active."
THROTTLED = "Too many failed attempts. Wait 15 minutes and try again, or reset your password."

LIMITS = {
    "LOGIN_MAX_FAILURES_PER_ACCOUNT": 3,
    "LOGIN_MAX_FAILURES_PER_ADDRESS": 5,
    "LOGIN_LOCKOUT_MINUTES": 15,
}


@pytest.fixture
def app_settings():
    return dict(LIMITS)


@pytest.fixture
def second_app(database_url):
    """Another app instance on the same database, as a second worker or host would be."""
    other = create_app(root.test_settings(database_url, **LIMITS))
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


def test_an_account_is_locked_after_too_many_failures_from_anywhere(client, make, kari, second_app):
    # Plain strings, not email: reading an ORM attribute in the test would open a write
    # transaction on SQLite that the second app's worker would have to wait for.
    email = "kari@example.org"
    for number in range(LIMITS["LOGIN_MAX_FAILURES_PER_ACCOUNT"]):
        response = log_in(client, email, "wrong guess", **from_address(f"10.0.0.{number}"))
        assert alerts(response) == [GENERIC]

    # The right password, from yet another address: refused while the lockout lasts.
    response = log_in(client, email, PASSWORD, **from_address("10.0.1.1"))
    assert response.status_code == 200
    assert alerts(response) == [THROTTLED]
    assert not is_logged_in(client)

    # Another worker on the same database knows it too.
    other_client = second_app.test_client()
    other_client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    response = log_in(other_client, email, PASSWORD, **from_address("10.0.1.2"))
    assert response.status_code == 200
    assert "Too many failed attempts" in " ".join(alerts(response))
    assert other_client.get("/").status_code == 302

    # Other accounts are not affected.
    make.user(Role.MENTOR, email="mia@example.org")
    db.session.commit()
    assert log_in(client, "mia@example.org", **from_address("10.0.0.1")).status_code == 302


def test_a_locked_unknown_address_looks_like_a_locked_account(client, kari):
    messages = []
    for email in (kari.email, "nobody@example.org"):
        for _ in range(LIMITS["LOGIN_MAX_FAILURES_PER_ACCOUNT"] + 1):
            response = log_in(client, email, "wrong guess", **from_address("10.9.9.9"))
        messages.append(alerts(response))
    assert messages == [[THROTTLED], [THROTTLED]]


def test_an_address_is_locked_after_too_many_failures_on_any_accounts(
    client, make, kari, second_app
):
    attacker = from_address("203.0.113.7")
    for number in range(LIMITS["LOGIN_MAX_FAILURES_PER_ADDRESS"]):
        log_in(client, f"guess{number}@example.org", "wrong guess", **attacker)

    response = log_in(client, "kari@example.org", PASSWORD, **attacker)
    assert alerts(response) == [THROTTLED]
    assert not is_logged_in(client)

    other_client = second_app.test_client()
    other_client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    response = log_in(other_client, "kari@example.org", PASSWORD, **attacker)
    assert response.status_code == 200
    assert other_client.get("/").status_code == 302

    # The same account from another address is fine.
    response = log_in(client, "kari@example.org", PASSWORD, **from_address("198.51.100.1"))
    assert response.status_code == 302
    assert is_logged_in(client)
    assert attempts(address="203.0.113.7", succeeded=False) == 7


def test_lockout_ends_after_the_lockout_window(app, kari):
    start = utcnow()
    for _ in range(LIMITS["LOGIN_MAX_FAILURES_PER_ACCOUNT"]):
        with pytest.raises(LoginRefused):
            authenticate(kari.email, "wrong", address="10.0.0.1", now=start, limits=app.config)
    with pytest.raises(LoginRefused) as refused:
        authenticate(
            kari.email,
            PASSWORD,
            address="10.0.0.1",
            now=start + timedelta(minutes=14),
            limits=app.config,
        )
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert str(refused.value.message) == THROTTLED

    later = start + timedelta(minutes=16)
    user = authenticate(kari.email, PASSWORD, address="10.0.0.1", now=later, limits=app.config)
    assert user.id == kari.id
    assert user.last_login_at == later


def test_successful_logins_do_not_count_towards_a_lockout(app, kari):
    now = utcnow()
    for _ in range(LIMITS["LOGIN_MAX_FAILURES_PER_ACCOUNT"] + 2):
        authenticate(kari.email, PASSWORD, address="10.0.0.1", now=now, limits=app.config)
    assert authenticate(kari.email, PASSWORD, address="10.0.0.1", now=now, limits=app.config)


def test_old_login_attempts_are_pruned(app, kari):
    now = utcnow()
    for age in (0, 29, 31, 90):
        when = now - timedelta(days=age)
        db.session.add(LoginAttempt(email=kari.email, address="10.0.0.1", attempted_at=when))
    db.session.flush()
    assert prune_login_attempts(now=now) == 2
    assert attempts() == 2


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
