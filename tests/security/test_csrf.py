"""With CSRF protection on, as in production: a POST without a valid token gets a 400 page and
changes nothing; the same form submitted from its page works."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from talent.auth.models import LoginAttempt
from talent.extensions import db
from talent.people.models import Role
from tests.factories import PASSWORD
from tests.security.support import field_value, is_logged_in, log_in, page_of, submit

EXPIRED = "The form had expired or was sent from elsewhere. Reload and try again."


@pytest.fixture
def app_settings():
    return {"WTF_CSRF_ENABLED": True}


@pytest.fixture
def kari(make):
    user = make.user(Role.TEACHER, email="kari@example.org", name="Kari Nordmann", language="en")
    db.session.commit()
    return user


def expect_refused(response) -> None:
    assert response.status_code == 400
    page = page_of(response)
    assert EXPIRED in page.text()
    assert page.find("nav") is not None  # the site's own error page


def login_attempts() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(LoginAttempt))


def test_login_without_a_token_is_refused(client, kari):
    response = client.post("/login", data={"email": kari.email, "password": PASSWORD})
    expect_refused(response)
    assert login_attempts() == 0
    assert not is_logged_in(client)


def test_login_with_a_made_up_token_is_refused(client, kari):
    client.get("/login")
    data = {"email": kari.email, "password": PASSWORD, "csrf_token": "made-up"}
    expect_refused(client.post("/login", data=data))
    assert not is_logged_in(client)


def test_login_with_the_token_of_its_page_works(client, kari):
    assert log_in(client, kari.email).status_code == 302
    assert is_logged_in(client)


def test_a_token_from_another_session_is_refused(app, client, kari):
    stranger = app.test_client()
    token = field_value(stranger.get("/login"), "csrf_token")
    client.get("/login")
    data = {"email": kari.email, "password": PASSWORD, "csrf_token": token}
    expect_refused(client.post("/login", data=data))


def test_profile_without_a_token_is_refused(client, kari):
    log_in(client, kari.email)
    data = {"name": "Mallory", "language": "nb", "timezone": "America/New_York"}
    expect_refused(client.post("/profile", data=data))
    db.session.refresh(kari)
    assert (kari.name, kari.language, kari.timezone) == ("Kari Nordmann", "en", "Europe/Oslo")

    response = submit(client, client.get("/profile"), {"name": "Kari N."}, action="/profile")
    assert response.status_code == 302
    db.session.refresh(kari)
    assert kari.name == "Kari N."


def test_password_change_without_a_token_is_refused(client, kari):
    log_in(client, kari.email)
    data = {"current_password": PASSWORD, "password": "mallory's password", "confirm": "x"}
    data["confirm"] = data["password"]
    expect_refused(client.post("/profile/password", data=data))
    submit(client, client.get("/"), action="/logout")
    assert log_in(client, kari.email, PASSWORD).status_code == 302


def test_logout_without_a_token_is_refused(client, kari):
    log_in(client, kari.email)
    expect_refused(client.post("/logout"))
    assert is_logged_in(client)
    response = submit(client, client.get("/"), action="/logout")
    assert response.status_code == 302
    assert not is_logged_in(client)


def test_language_switch_without_a_token_is_refused(client, kari):
    log_in(client, kari.email)
    expect_refused(client.post("/language", data={"language": "nb"}))
    db.session.refresh(kari)
    assert kari.language == "en"


def test_a_forgotten_password_request_without_a_token_is_refused(client, kari):
    expect_refused(client.post("/password/forgot", data={"email": kari.email}))


def test_every_form_on_the_pages_carries_a_token(client, kari):
    pages = [client.get("/login"), client.get("/password/forgot")]
    log_in(client, kari.email)
    pages += [client.get("/"), client.get("/profile")]
    for response in pages:
        for form in page_of(response).find_all("form"):
            if (form.attrs.get("method") or "get").lower() != "post":
                continue
            tokens = [i for i in form.find_all("input") if i.attrs.get("name") == "csrf_token"]
            assert tokens and tokens[0].attrs.get("value"), response.request.path
