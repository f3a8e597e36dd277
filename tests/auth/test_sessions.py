"""Session cookies: their flags, a short lifetime, and revocation on password, role and
activation changes."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import pytest
from itsdangerous.timed import TimestampSigner

from talent import create_app
from talent.db import utcnow
from talent.extensions import db
from talent.people.models import Role
from talent.people.services import set_user_active, update_user
from tests.factories import PASSWORD
from tests.security.support import alerts, is_logged_in, log_in, submit

NEW_PASSWORD = "a brand new passphrase"


def cookie_attributes(response, name: str = "session") -> dict[str, str]:
    """The attributes of the Set-Cookie header for ``name``, keys lower-cased."""
    for header in response.headers.getlist("Set-Cookie"):
        if header.startswith(f"{name}="):
            attributes = {}
            for part in header.split(";")[1:]:
                key, _, value = part.strip().partition("=")
                attributes[key.lower()] = value
            return attributes
    raise AssertionError(f"no {name} cookie set: {response.headers.getlist('Set-Cookie')}")


def test_the_session_cookie_is_http_only_and_same_site_lax(client, kari):
    response = log_in(client, kari.email)
    attributes = cookie_attributes(response)
    assert "httponly" in attributes
    assert attributes["samesite"] == "Lax"
    assert attributes["path"] == "/"
    assert "secure" not in attributes  # the test app runs like development, over http
    cookie_names = [h.split("=")[0] for h in response.headers.getlist("Set-Cookie")]
    assert "remember_token" not in cookie_names


@pytest.mark.parametrize("app_settings", [{"SESSION_COOKIE_SECURE": True}])
def test_the_session_cookie_is_secure_when_configured_so(client, kari):
    response = log_in(client, kari.email)
    attributes = cookie_attributes(response)
    assert "secure" in attributes
    assert "httponly" in attributes
    assert attributes["samesite"] == "Lax"
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_production_and_development_defaults(database_url, monkeypatch):
    if "TALENT_SECURE_COOKIES" in __import__("os").environ:
        pytest.skip("TALENT_SECURE_COOKIES is set in this environment")
    strong = "x" * 20 + "production-secret-key-0123456789"
    production = create_app(
        {"ENV_NAME": "production", "SECRET_KEY": strong, "SQLALCHEMY_DATABASE_URI": database_url}
    )
    assert production.config["SESSION_COOKIE_SECURE"] is True
    assert production.config["SESSION_COOKIE_HTTPONLY"] is True
    assert production.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert production.config["PERMANENT_SESSION_LIFETIME"] <= timedelta(hours=12)
    assert production.config["REMEMBER_COOKIE_DURATION"] == timedelta(0)
    development = create_app({"ENV_NAME": "development", "SQLALCHEMY_DATABASE_URI": database_url})
    assert development.config["SESSION_COOKIE_SECURE"] is False


@pytest.mark.parametrize("app_settings", [{"PERMANENT_SESSION_LIFETIME": timedelta(minutes=30)}])
def test_a_session_lasts_the_configured_lifetime_and_no_longer(client, kari, monkeypatch):
    response = log_in(client, kari.email)
    expires = parsedate_to_datetime(cookie_attributes(response)["expires"])
    assert abs(expires - (datetime.now(UTC) + timedelta(minutes=30))) < timedelta(minutes=2)
    assert is_logged_in(client)

    # The cookie itself is signed with its time; the server refuses it once it is too old.
    later = int(time.time()) + 31 * 60
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: later)
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_logging_out_ends_the_session(client, kari):
    log_in(client, kari.email)
    page = client.get("/")
    response = submit(client, page, action="/logout")
    assert response.status_code == 302
    assert not is_logged_in(client)
    assert "You are logged out." in alerts(client.get("/login"))


def two_sessions(app, email: str):
    first, second = app.test_client(), app.test_client()
    for client in (first, second):
        client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
        assert log_in(client, email).status_code == 302
    return first, second


def test_changing_the_password_ends_the_other_sessions_only(app, kari):
    mine, other = two_sessions(app, kari.email)
    profile = mine.get("/profile")
    response = submit(
        mine,
        profile,
        {"current_password": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
        action="/profile/password",
    )
    assert response.status_code == 302
    assert "Other sessions are logged out" in " ".join(alerts(mine.get("/profile")))
    assert is_logged_in(mine)
    assert not is_logged_in(other)

    third = app.test_client()
    assert log_in(third, kari.email, PASSWORD).status_code == 200
    assert log_in(third, kari.email, NEW_PASSWORD).status_code == 302


def test_a_role_change_ends_the_users_sessions(app, kari, admin):
    mine, other = two_sessions(app, kari.email)
    update_user(
        admin,
        kari,
        name=kari.name,
        email=kari.email,
        organization=kari.organization,
        roles={Role.TEACHER, Role.MENTOR},
        now=utcnow(),
    )
    db.session.commit()
    assert not is_logged_in(mine)
    assert not is_logged_in(other)
    # Logging in again gives the new roles.
    log_in(mine, "kari@example.org")
    page = mine.get("/").get_data(as_text=True)
    assert 'data-role="mentor"' in page


def test_other_changes_to_a_user_keep_their_sessions(app, kari, admin):
    mine, _ = two_sessions(app, kari.email)
    update_user(
        admin,
        kari,
        name="Kari N. Nordmann",
        email=kari.email,
        organization=kari.organization,
        roles=kari.roles,
        now=utcnow(),
    )
    db.session.commit()
    assert is_logged_in(mine)


def test_deactivation_ends_the_sessions_at_once(app, kari, admin):
    mine, other = two_sessions(app, kari.email)
    set_user_active(admin, kari, False, now=utcnow())
    db.session.commit()
    assert not is_logged_in(mine)
    assert not is_logged_in(other)
    response = log_in(mine, "kari@example.org")
    assert alerts(response) == ["Wrong e-mail or password, or the account is not active."]

    set_user_active(admin, kari, True, now=utcnow())
    db.session.commit()
    assert log_in(mine, "kari@example.org").status_code == 302


def test_a_forged_session_id_is_refused(client, kari):
    with client.session_transaction() as session:
        session["_user_id"] = f"{kari.id}:not-the-token"
        session["_fresh"] = True
    assert not is_logged_in(client)
    with client.session_transaction() as session:
        session["_user_id"] = str(kari.id)
    assert not is_logged_in(client)
