"""In a real browser: log in as each role, switch language, correct a form, log out."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from talent.extensions import db
from talent.people.models import Role
from tests.security.support import assert_no_inline_code, translated

pytestmark = pytest.mark.browser


def path_of(page) -> str:
    return urlsplit(page.url).path


@pytest.mark.parametrize("role", list(Role))
def test_each_role_logs_in_sees_its_home_and_logs_out(app, page, browser_user, log_in_as, role):
    user = browser_user(role, name=f"Demo {role}")
    log_in_as(page, user)

    assert path_of(page) == "/"
    expect(page.locator(f'[data-role="{role}"]')).to_be_visible()
    for other in Role:
        if other is not role:
            expect(page.locator(f'[data-role="{other}"]')).to_have_count(0)
    expect(page.locator("nav")).to_contain_text(f"Demo {role}")
    assert_no_inline_code(page.content(), f"home of {role}")

    with page.expect_navigation():
        page.click('form[action="/logout"] button')
    assert path_of(page) == "/login"
    expect(page.locator(".alert")).to_contain_text(translated(app, "You are logged out.", "nb"))
    page.goto("/")
    assert path_of(page) == "/login"  # the session is gone


def test_a_visitor_switches_language_both_ways(app, page):
    page.goto("/login")
    html = page.locator("html")
    heading = page.locator("main h1")
    switch = page.get_by_test_id("switch-language")

    expect(html).to_have_attribute("lang", "nb")
    expect(heading).to_have_text(translated(app, "Log in to Talent", "nb"))
    expect(switch).to_have_text("English")

    with page.expect_navigation():
        switch.click()
    assert path_of(page) == "/login"
    expect(html).to_have_attribute("lang", "en")
    expect(heading).to_have_text("Log in to Talent")
    expect(switch).to_have_text("Norsk bokmål")
    expect(page.locator("label[for=email]")).to_have_text("E-mail")

    page.goto("/password/forgot")  # remembered for the rest of the visit
    expect(html).to_have_attribute("lang", "en")

    with page.expect_navigation():
        switch.click()
    assert path_of(page) == "/password/forgot"
    expect(html).to_have_attribute("lang", "nb")
    expect(switch).to_have_text("English")


def test_a_users_language_is_kept_on_the_account(app, page, browser_user, log_in_as):
    user = browser_user(Role.MENTOR, language="nb")
    log_in_as(page, user)
    expect(page.locator("html")).to_have_attribute("lang", "nb")

    with page.expect_navigation():
        page.get_by_test_id("switch-language").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("main h1")).to_contain_text("Welcome")
    db.session.rollback()
    db.session.refresh(user)
    assert user.language == "en"
    db.session.commit()

    page.reload()
    expect(page.locator("html")).to_have_attribute("lang", "en")


def test_an_empty_name_shows_a_message_beside_the_field(app, page, browser_user, log_in_as):
    user = browser_user(Role.TEACHER, name="Kari Nordmann", language="en")
    log_in_as(page, user)
    page.goto("/profile")

    page.fill("#name", "")
    page.select_option("#language", "nb")
    page.select_option("#timezone", "America/New_York")
    with page.expect_navigation():
        page.click('form[action="/profile"] button')

    error = page.locator("#name-error")
    expect(error).to_be_visible()
    expect(error).to_have_text("This field is required.")
    name = page.locator("#name")
    expect(name).to_have_attribute("aria-invalid", "true")
    expect(name).to_have_attribute("aria-describedby", "name-error")
    # The message sits in the same group as the field, right after it.
    assert page.locator("#name + #name-error, #name ~ #name-error").count() == 1
    # What else was chosen is still there.
    expect(page.locator("#language")).to_have_value("nb")
    expect(page.locator("#timezone")).to_have_value("America/New_York")
    assert_no_inline_code(page.content(), "profile with an error")

    db.session.rollback()
    db.session.refresh(user)
    assert (user.name, user.language, user.timezone) == ("Kari Nordmann", "en", "Europe/Oslo")
    db.session.commit()

    page.fill("#name", "Kari Nordmann-Hansen")
    with page.expect_navigation():
        page.click('form[action="/profile"] button')
    expect(page.locator("#name-error")).to_have_count(0)
    expect(page.locator("html")).to_have_attribute("lang", "nb")
    expect(page.locator("nav")).to_contain_text("Kari Nordmann-Hansen")


def test_the_csp_blocks_inline_script_and_it_is_reported(page, live_server):
    """The problem collector itself works: an injected inline script is refused and noticed."""
    page.goto("/login")
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.injected = true'; document.body.appendChild(s); }"
    )
    page.wait_for_timeout(200)
    assert page.evaluate("() => window.injected === undefined")
    assert any("Content Security Policy" in problem for problem in page.problems)
    page.expected_problems.append("Content Security Policy")
