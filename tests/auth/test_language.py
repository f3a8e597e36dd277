"""The language switch: kept in the session for visitors, saved on the account for users."""

from __future__ import annotations

from urllib.parse import urlsplit

from talent.extensions import db
from tests.security.support import html_lang, is_logged_in, log_in, page_of, submit, translated


def switch_language(client, page, language: str, **extra):
    """Press the language button in the navigation bar of ``page``."""
    return submit(client, page, {"language": language, **extra}, action="/language")


def test_a_visitors_choice_is_remembered_in_the_session(app, client):
    page = client.get("/login")
    assert html_lang(page) == "en"  # the browser asks for English
    response = switch_language(client, page, "nb")
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/login"

    for _ in range(2):
        page = client.get("/login")
        assert html_lang(page) == "nb"
        assert page_of(page).find("h1").text() == translated(app, "Log in to Talent", "nb")
        button = page_of(page).find("button", data_testid="switch-language")
        assert (button.attrs["value"], button.text()) == ("en", "English")

    # Another visitor keeps their browser's language.
    assert html_lang(app.test_client().get("/login", headers={"Accept-Language": "en"})) == "en"

    switch_language(client, client.get("/login"), "en")
    assert html_lang(client.get("/login")) == "en"


def test_the_switch_returns_to_the_page_it_was_pressed_on(client):
    page = client.get("/password/forgot?from=mail")
    response = switch_language(client, page, "nb")
    assert response.headers["Location"] == "/password/forgot?from=mail"


def test_the_switch_never_leads_off_the_site(client):
    for target in ("//evil.example/", "https://evil.example", "/\\evil.example"):
        response = client.post("/language", data={"language": "nb", "next": target})
        assert response.status_code == 302
        assert urlsplit(response.headers["Location"]).netloc in ("", "localhost")


def test_an_unknown_language_changes_nothing(client):
    response = client.post("/language", data={"language": "de", "next": "/login"})
    assert response.status_code == 302
    assert html_lang(client.get("/login")) == "en"


def test_a_users_choice_is_saved_on_the_account(app, client, kari):
    log_in(client, kari.email)
    home = client.get("/")
    assert html_lang(home) == "en"
    response = switch_language(client, home, "nb")
    assert urlsplit(response.headers["Location"]).path == "/"
    assert html_lang(client.get("/")) == "nb"
    db.session.refresh(kari)
    assert kari.language == "nb"

    # On another device, with a browser that asks for English, the account's language wins.
    elsewhere = app.test_client()
    elsewhere.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    log_in(elsewhere, "kari@example.org")
    assert is_logged_in(elsewhere)
    assert html_lang(elsewhere.get("/profile")) == "nb"


def test_the_choice_made_before_logging_in_does_not_override_the_account(client, kari):
    switch_language(client, client.get("/login"), "nb")
    log_in(client, kari.email)
    assert html_lang(client.get("/")) == "en"  # Kari's account says English
