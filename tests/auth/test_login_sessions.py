"""Login sessions kept on the server: logout ends the one it names, "log out everywhere (else)"
ends the others, a password change ends them all but the browser that made it, inactivity
expires them, and the user loader still reads each request's user in one query."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from talent.auth.jobs import delete_expired_logins
from talent.auth.models import LoginSession
from talent.db import utcnow
from talent.extensions import db
from tests.factories import PASSWORD
from tests.security.support import alerts, is_logged_in, log_in, page_of, submit

FIREFOX_ON_LINUX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
SAFARI_ON_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15"
    " (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)
CSRF_ON = pytest.mark.parametrize("app_settings", [{"WTF_CSRF_ENABLED": True}])


def browser(app, email: str, user_agent: str = FIREFOX_ON_LINUX):
    """A new test client that logs in as ``email`` with its own User-Agent."""
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.environ_base["HTTP_USER_AGENT"] = user_agent
    assert log_in(client, email).status_code == 302
    return client


def sessions_of(user) -> list[LoginSession]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(LoginSession).where(LoginSession.user_id == user.id)))


def cookie_data(app, response) -> dict:
    """What the session cookie a response sets holds ({} when it sets none or deletes it)."""
    for header in response.headers.getlist("Set-Cookie"):
        name, _, rest = header.partition("=")
        value = rest.split(";")[0]
        if name == "session" and value:
            return app.session_interface.get_signing_serializer(app).loads(value)
    return {}


@CSRF_ON
def test_a_cookie_saved_before_logout_opens_nothing_afterwards(app, kari):
    client = browser(app, kari.email)
    saved = client.get_cookie("session").value
    assert client.get("/classes").status_code == 200

    logged_out = submit(client, client.get("/"), action="/logout")
    assert logged_out.headers["Location"] == "/login"
    assert sessions_of(kari) == []

    for path in ("/profile", "/classes"):
        client.set_cookie("session", saved)
        response = client.get(path)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login")
        # The answer does not hand the dead session back with two more hours on it.
        assert "_user_id" not in cookie_data(app, response)


def test_the_server_keeps_only_a_hash_of_the_cookies_secret(app, kari):
    client = browser(app, kari.email)
    session_key = client.get_cookie("session").value
    [login] = sessions_of(kari)
    with client.session_transaction() as session:
        row_id, _, secret = session["_user_id"].partition(":")
    assert int(row_id) == login.id
    assert len(secret) >= 40 and secret not in login.secret_hash
    assert login.user_agent == FIREFOX_ON_LINUX and login.address == "127.0.0.1"
    assert session_key  # the cookie is Flask's signed session, holding id:secret

    with client.session_transaction() as session:
        session["_user_id"] = f"{login.id}:{secret[:-1]}x"
    assert not is_logged_in(client)
    assert sessions_of(kari) != []  # a wrong secret ends nothing


def test_the_profile_lists_the_sessions_and_marks_this_one(app, kari):
    browser(app, kari.email, SAFARI_ON_IPHONE)
    mine = browser(app, kari.email, FIREFOX_ON_LINUX)
    listing = page_of(mine.get("/profile")).by_id("login-sessions")
    items = listing.find_all("li")
    assert [item.find("strong").text() for item in items] == [
        "Firefox on Linux",
        "Safari on iPhone",
    ]
    assert [item.attrs.get("data-current") for item in items] == ["true", None]
    assert "This browser" in items[0].text()


@CSRF_ON
def test_log_out_everywhere_else_ends_the_other_browsers_only(app, kari):
    mine = browser(app, kari.email)
    other = browser(app, kari.email, SAFARI_ON_IPHONE)
    response = submit(mine, mine.get("/profile"), action="/profile/sessions/others")
    assert response.headers["Location"] == "/profile"
    assert "You are logged out everywhere else." in alerts(mine.get("/profile"))
    assert is_logged_in(mine)
    assert not is_logged_in(other)
    assert len(sessions_of(kari)) == 1


@CSRF_ON
def test_log_out_everywhere_ends_this_browser_too(app, kari):
    mine = browser(app, kari.email)
    other = browser(app, kari.email, SAFARI_ON_IPHONE)
    saved = mine.get_cookie("session").value
    response = submit(mine, mine.get("/profile"), action="/profile/sessions/all")
    assert response.headers["Location"] == "/login"
    assert "You are logged out everywhere." in alerts(mine.get("/login"))
    assert not is_logged_in(mine)
    assert not is_logged_in(other)
    mine.set_cookie("session", saved)
    assert not is_logged_in(mine)
    assert sessions_of(kari) == []


def test_logging_out_everywhere_needs_a_login_and_a_csrf_token(app, client, kari):
    response = client.post("/profile/sessions/all")
    assert response.headers["Location"].startswith("/login?next=")
    app.config["WTF_CSRF_ENABLED"] = True
    mine = browser(app, kari.email)
    assert mine.post("/profile/sessions/all").status_code == 400
    assert mine.post("/profile/sessions/others").status_code == 400
    assert is_logged_in(mine) and len(sessions_of(kari)) == 1


def test_a_password_change_ends_every_other_session(app, kari):
    mine = browser(app, kari.email)
    other = browser(app, kari.email, SAFARI_ON_IPHONE)
    saved = other.get_cookie("session").value
    new = "a brand new passphrase"
    submit(
        mine,
        mine.get("/profile"),
        {"current_password": PASSWORD, "password": new, "confirm": new},
        action="/profile/password",
    )
    assert is_logged_in(mine)
    other.set_cookie("session", saved)
    assert not is_logged_in(other)
    [left] = sessions_of(kari)
    items = page_of(mine.get("/profile")).by_id("login-sessions").find_all("li")
    assert len(items) == 1 and items[0].attrs.get("data-current") == "true"
    assert left.user_agent == FIREFOX_ON_LINUX


@pytest.mark.parametrize("app_settings", [{"PERMANENT_SESSION_LIFETIME": timedelta(minutes=30)}])
def test_a_session_unused_for_the_lifetime_expires_on_the_server(app, kari):
    mine = browser(app, kari.email)
    other = browser(app, kari.email, SAFARI_ON_IPHONE)
    first, second = sessions_of(kari)
    first.last_seen_at = utcnow() - timedelta(minutes=31)
    second.last_seen_at = utcnow() - timedelta(minutes=29)
    db.session.commit()
    # The cookie itself would still be accepted: only the server's record has expired.
    assert not is_logged_in(mine)
    assert is_logged_in(other)

    assert delete_expired_logins(utcnow()) == 1
    assert [login.id for login in sessions_of(kari)] == [second.id]
    assert delete_expired_logins(utcnow()) == 0  # a second scheduler finds nothing to do


def test_last_seen_moves_at_most_every_few_minutes(app, kari, count_queries):
    mine = browser(app, kari.email)
    [login] = sessions_of(kari)
    seen = login.last_seen_at
    with count_queries() as counter:
        assert is_logged_in(mine)
    assert not [s for s in counter.statements if s.lstrip().upper().startswith("UPDATE")]
    assert sessions_of(kari)[0].last_seen_at == seen

    login = sessions_of(kari)[0]
    login.last_seen_at = utcnow() - timedelta(minutes=6)
    db.session.commit()
    assert is_logged_in(mine)
    assert utcnow() - sessions_of(kari)[0].last_seen_at < timedelta(minutes=1)


def test_the_user_loader_reads_user_session_and_roles_in_one_query(app, kari, count_queries):
    mine = browser(app, kari.email)
    with count_queries() as counter:
        assert mine.get("/language-does-not-exist").status_code == 404
    reading_the_user = [s for s in counter.statements if "users" in s or "login_sessions" in s]
    assert len(reading_the_user) == 1, reading_the_user
    [statement] = reading_the_user
    assert "login_sessions" in statement and "role_assignments" in statement
