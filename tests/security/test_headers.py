"""Security headers and a Content-Security-Policy that the pages themselves honour: no inline
script, style or event handlers anywhere, every script and stylesheet served from /static."""

from __future__ import annotations

import pytest

from talent.extensions import db
from talent.people.models import Role
from tests.security.support import inline_code_problems, log_in, parse


def csp_directives(response) -> dict[str, list[str]]:
    policy = response.headers["Content-Security-Policy"]
    directives = {}
    for part in policy.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


@pytest.fixture
def users(make):
    school = make.school("Ullern videregående skole")
    company = make.organization("Nordic Nanovector")
    people = {
        role: make.user(
            role,
            email=f"{role}@example.org",
            organization=school if role in (Role.TEACHER, Role.STUDENT) else company,
        )
        for role in Role
    }
    db.session.commit()
    return people


def test_a_page_carries_the_security_headers(client):
    response = client.get("/login")
    headers = response.headers
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] in ("same-origin", "no-referrer")
    assert "no-store" in headers["Cache-Control"]
    assert "camera=()" in headers["Permissions-Policy"]


def test_the_content_security_policy_allows_no_inline_code(client):
    response = client.get("/login")
    policy = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert "unsafe-hashes" not in policy
    directives = csp_directives(response)
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["base-uri"] == ["'self'"]
    assert directives["form-action"] == ["'self'"]


def test_error_pages_and_redirects_carry_the_headers_too(client):
    for response in (client.get("/no-such-page"), client.get("/profile")):
        assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
        assert response.headers["X-Frame-Options"] == "DENY"


def test_static_files_are_cacheable(client):
    response = client.get("/static/css/app.css")
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")
    response.close()


def check_page(client, path: str) -> None:
    response = client.get(path)
    assert response.status_code in (200, 400, 404), (path, response.status_code)
    html = response.get_data(as_text=True)
    assert not inline_code_problems(html), (path, inline_code_problems(html))
    page = parse(html)
    for script in page.find_all("script"):
        asset = client.get(script.attrs["src"])
        assert asset.status_code == 200, script.attrs["src"]
        asset.close()
    for link in page.find_all("link", rel="stylesheet"):
        asset = client.get(link.attrs["href"])
        assert asset.status_code == 200, link.attrs["href"]
        asset.close()


ANONYMOUS_PAGES = [
    "/login",
    "/login?next=%2Fprofile",
    "/password/forgot",
    "/password/reset/not-a-token",
    "/invitation/not-a-token",
    "/no-such-page",
]


def test_anonymous_pages_have_no_inline_code(client, pages_seen):
    for path in ANONYMOUS_PAGES:
        check_page(client, path)
    assert len(pages_seen) >= len(ANONYMOUS_PAGES)


@pytest.mark.parametrize("role", list(Role))
def test_each_roles_pages_have_no_inline_code(client, users, role):
    log_in(client, users[role].email)
    for path in ("/", "/profile", "/no-such-page"):
        check_page(client, path)


def test_the_checker_finds_inline_code():
    page = (
        '<html><head><style>p{}</style></head><body style="x">'
        '<script>alert(1)</script><script src="/static/a.js"></script>'
        '<a href="javascript:alert(1)" onclick="x()">x</a></body></html>'
    )
    problems = inline_code_problems(page)
    assert len(problems) == 5
    assert not inline_code_problems('<script src="/static/a.js"></script><p>style=""</p>')
