"""One's own profile: name, language, time zone and password, with messages beside the fields."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from flask import g, render_template_string
from flask_login import login_user

from talent.extensions import db
from talent.people.models import Role
from talent.upstream.flask_babel import forget_request_state
from tests.factories import PASSWORD
from tests.security.support import (
    alerts,
    field_error,
    field_value,
    html_lang,
    log_in,
    page_of,
    submit,
    translated,
)

NEW_PASSWORD = "a brand new passphrase"
WRONG_CURRENT = "The current password is wrong."
LENGTH = "Field must be between 10 and 200 characters long."


@pytest.fixture
def profile(client, kari):
    """Kari, logged in, on her profile page."""
    log_in(client, kari.email)
    page = client.get("/profile")
    assert page.status_code == 200
    return page


def save_profile(client, page, **changes):
    return submit(client, page, changes, action="/profile")


def change_password(client, page, current=PASSWORD, password=NEW_PASSWORD, confirm=None):
    data = {"current_password": current, "password": password, "confirm": confirm or password}
    return submit(client, page, data, action="/profile/password")


def test_the_profile_shows_what_is_stored(profile):
    assert field_value(profile, "name") == "Kari Nordmann"
    assert field_value(profile, "language") == "en"
    assert field_value(profile, "timezone") == "Europe/Oslo"
    assert "kari@example.org" in page_of(profile).text()


def test_changing_the_name(client, kari, profile):
    response = save_profile(client, profile, name="  Kari Nordmann-Hansen ")
    assert response.status_code == 302
    page = client.get("/profile")
    assert alerts(page) == ["Your profile is saved."]
    assert field_value(page, "name") == "Kari Nordmann-Hansen"
    db.session.refresh(kari)
    assert kari.name == "Kari Nordmann-Hansen"


def test_html_in_a_name_is_kept_as_text_and_escaped(client, kari, profile):
    name = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    assert save_profile(client, profile, name=name).status_code == 302
    db.session.refresh(kari)
    assert kari.name == name
    for path in ("/profile", "/"):
        html = client.get(path).get_data(as_text=True)
        assert "<script>alert" not in html
        assert "<img src=x" not in html
        assert "&lt;script&gt;alert(" in html
    assert field_value(client.get("/profile"), "name") == name


def test_an_empty_name_gets_a_message_and_keeps_the_other_values(client, kari, profile):
    response = save_profile(client, profile, name="", language="nb", timezone="America/New_York")
    assert response.status_code == 200
    assert field_error(response, "name") == "This field is required."
    assert field_value(response, "language") == "nb"
    assert field_value(response, "timezone") == "America/New_York"
    assert page_of(response).by_id("name").attrs.get("aria-invalid") == "true"
    db.session.refresh(kari)
    assert (kari.name, kari.language, kari.timezone) == ("Kari Nordmann", "en", "Europe/Oslo")


def test_an_over_long_name_gets_a_message(client, kari, profile):
    response = save_profile(client, profile, name="K" * 201)
    assert field_error(response, "name") == "Field cannot be longer than 200 characters."
    assert field_value(response, "name") == "K" * 201
    db.session.refresh(kari)
    assert kari.name == "Kari Nordmann"


@pytest.mark.parametrize("language", ["nb", "en"])
def test_changing_the_language_changes_the_pages(app, client, kari, profile, language):
    other = "en" if language == "nb" else "nb"
    save_profile(client, profile, language=other)
    response = save_profile(client, client.get("/profile"), language=language)
    assert response.status_code == 302
    page = client.get("/profile")
    assert html_lang(page) == language
    heading = page_of(page).find("h1").text()
    assert heading == translated(app, "Your profile", language)
    switch = page_of(page).find("button", data_testid="switch-language")
    assert switch.attrs["value"] == other
    db.session.refresh(kari)
    assert kari.language == language


def test_an_unknown_language_is_refused(client, kari, profile):
    response = save_profile(client, profile, language="de")
    assert response.status_code == 200
    assert field_error(response, "language") == "Not a valid choice."
    db.session.refresh(kari)
    assert kari.language == "en"


def test_changing_the_time_zone(client, kari, profile):
    assert save_profile(client, profile, timezone="America/New_York").status_code == 302
    db.session.refresh(kari)
    assert kari.timezone == "America/New_York"


@pytest.mark.parametrize("zone", ["Mars/Olympus_Mons", "UTC", "../../etc/passwd", "x" * 500])
def test_an_invalid_time_zone_posted_by_hand_gets_a_message(client, kari, profile, zone):
    response = save_profile(client, profile, timezone=zone, name="Kari Typed")
    assert response.status_code == 200
    assert field_error(response, "timezone") == "Not a valid choice."
    assert field_value(response, "name") == "Kari Typed"
    db.session.refresh(kari)
    assert (kari.timezone, kari.name) == ("Europe/Oslo", "Kari Nordmann")


def test_a_datetime_shows_in_the_users_time_zone(app, make):
    winter = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)
    summer = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
    oslo = make.user(Role.MENTOR, timezone="Europe/Oslo", language="en")
    new_york = make.user(Role.MENTOR, timezone="America/New_York", language="en")
    db.session.commit()

    def shown_to(user, when):
        forget_request_state()
        with app.test_request_context("/"):
            login_user(user)
            text = render_template_string("{{ when|datetime }}", when=when)
        g.pop("_login_user", None)
        forget_request_state()
        return text

    assert shown_to(oslo, winter) == "15. Jan 2026 13:00"
    assert shown_to(new_york, winter) == "15. Jan 2026 07:00"
    assert shown_to(oslo, summer) == "1. Jul 2026 14:00"
    assert shown_to(new_york, summer) == "1. Jul 2026 08:00"


def test_an_anonymous_visitor_sees_times_in_the_default_zone(app):
    when = datetime(2026, 1, 15, 23, 30, tzinfo=UTC)
    forget_request_state()
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        assert render_template_string("{{ when|datetime }}", when=when) == "16. Jan 2026 00:30"
        assert render_template_string("{{ when|date }}", when=when) == "16. Jan 2026"
    forget_request_state()


def test_changing_the_password(client, kari, profile):
    response = change_password(client, profile)
    assert response.status_code == 302
    assert "Your password is changed." in " ".join(alerts(client.get("/profile")))
    client.post("/logout")
    assert log_in(client, kari.email, NEW_PASSWORD).status_code == 302


@pytest.mark.parametrize(
    ("current", "password", "confirm", "field", "message"),
    [
        ("wrong password!", NEW_PASSWORD, None, "current_password", WRONG_CURRENT),
        (PASSWORD, "too short", None, "password", LENGTH),
        (PASSWORD, "p" * 201, None, "password", LENGTH),
        (PASSWORD, NEW_PASSWORD, "a different passphrase", "confirm", "The passwords differ."),
        (PASSWORD, PASSWORD, None, "password", "Choose a password you have not used here."),
        ("", NEW_PASSWORD, None, "current_password", "This field is required."),
    ],
)
def test_password_rules(client, kari, profile, current, password, confirm, field, message):
    response = change_password(client, profile, current, password, confirm)
    assert response.status_code == 400
    assert field_error(response, field) == message
    # The profile form beside it still shows what is stored.
    assert field_value(response, "name") == "Kari Nordmann"
    client.post("/logout")
    assert log_in(client, kari.email, PASSWORD).status_code == 302
