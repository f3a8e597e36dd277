"""Error pages in the site's look and in the reader's language; names are shown as text."""

from __future__ import annotations

import pytest

from talent.extensions import db
from talent.people.models import Role
from tests.security.support import html_lang, log_in, page_of, translated


@pytest.fixture
def app_settings():
    return {"WTF_CSRF_ENABLED": True}  # a POST without a token is a 400


ERRORS = {
    404: ("get", "/no-such-page", "Not found"),
    405: ("get", "/logout", "Not allowed"),
    400: ("post", "/login", "Bad request"),
}


def in_site_look(response) -> None:
    page = page_of(response)
    assert page.find("nav") is not None
    assert page.find("a", class_="navbar-brand").text() == "Talent"
    assert page.find("main") is not None
    assert page.find("link", rel="stylesheet") is not None


@pytest.mark.parametrize("language", ["nb", "en"])
@pytest.mark.parametrize("code", list(ERRORS))
def test_error_pages_for_visitors(app, client, code, language):
    method, path, title = ERRORS[code]
    response = getattr(client, method)(path, headers={"Accept-Language": language})
    assert response.status_code == code
    in_site_look(response)
    assert html_lang(response) == language
    heading = page_of(response).find("h1").text()
    assert heading.startswith(translated(app, title, language))
    assert f"({code})" in heading


@pytest.mark.parametrize("language", ["nb", "en"])
def test_error_pages_for_users_follow_their_language(app, client, make, language):
    user = make.user(Role.TEACHER, email="kari@example.org", language=language)
    db.session.commit()
    log_in(client, user.email)
    for code, (method, path, title) in ERRORS.items():
        response = getattr(client, method)(path, headers={"Accept-Language": "de"})
        assert response.status_code == code
        in_site_look(response)
        assert html_lang(response) == language
        assert page_of(response).find("h1").text().startswith(translated(app, title, language))


def test_a_forbidden_page_has_the_site_look(app, client, make):
    user = make.user(Role.STUDENT, email="pupil@example.org", language="en")
    db.session.commit()
    log_in(client, user.email)
    response = client.get("/admin/users")
    assert response.status_code == 403
    in_site_look(response)
    assert page_of(response).find("h1").text() == "No access (403)"


NASTY = '<script>alert("name")</script><img src=x onerror=alert(2)> & "quotes"'


def test_html_in_a_users_name_is_escaped_everywhere_it_shows(client, make):
    admin = make.user(Role.ADMIN, email="ada@example.org", language="en")
    evil = make.user(Role.TEACHER, email="eve@example.org", name=NASTY, language="en")
    db.session.commit()

    log_in(client, evil.email)
    for path in ("/", "/profile", "/no-such-page"):
        html = client.get(path).get_data(as_text=True)
        assert "<script>alert" not in html
        assert "<img src=x" not in html
        assert "&lt;script&gt;alert(" in html

    other = client.application.test_client()
    other.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    log_in(other, admin.email)
    html = other.get("/admin/users").get_data(as_text=True)
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(" in html
