"""Browser tests: the app served by a real HTTP server in a thread, driven by Chromium.

Mark every test here with ``@pytest.mark.browser``. Fixtures:

``live_server``
    The ``app`` fixture's app (the test database; CSRF protection on, as in production)
    served by werkzeug on 127.0.0.1, on a free port, from a background thread; its address is
    ``live_server.url``. The server stops before the ``app`` fixture empties the database.
    To change settings, override ``app_settings`` and keep ``BROWSER_SETTINGS`` in it.
``browser``
    One headless Chromium (Playwright driving /usr/bin/chromium; ``playwright install`` is
    never needed) for all the browser tests. When Chromium is missing the tests are skipped,
    unless TALENT_REQUIRE_BROWSER=1, which makes them fail instead.
``page``
    A fresh browser context and page: ``base_url`` is the live server, so ``page.goto("/")``
    works; the browser asks for Norwegian (nb-NO) in time zone Europe/Oslo. Console errors,
    uncaught script errors and Content-Security-Policy violations are collected in
    ``page.problems``; the test fails at teardown if any was reported, except messages
    containing a string the test appended to ``page.expected_problems``.
``browser_user``
    ``browser_user(Role.TEACHER, **fields)`` makes a user (the factories' password) and
    commits it, so that the server thread sees it. Teachers and students belong to a school.
``log_in_as``
    ``log_in_as(page, user, password=PASSWORD)`` fills in the login form and waits for the
    home page.

The server works in its own thread with its own database connections. Commit what the test
creates before the browser acts, and end the test's transaction (``db.session.commit()`` or
``rollback()``) before reading what the browser changed; reads in the test begin deferred on
SQLite here, so they never make the server's writes wait.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from werkzeug.serving import WSGIRequestHandler, make_server

from talent.db import write_intent
from talent.extensions import db
from talent.people.models import Role
from tests import factories

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
#: Settings of the app under browser tests.
BROWSER_SETTINGS = {"WTF_CSRF_ENABLED": True}


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if Path(item.fspath).is_relative_to(here) and not item.get_closest_marker("browser"):
            raise pytest.UsageError(f"{item.nodeid} lacks @pytest.mark.browser")


def _unavailable(reason: str):
    if os.environ.get("TALENT_REQUIRE_BROWSER") == "1":
        pytest.fail(f"browser tests required (TALENT_REQUIRE_BROWSER=1), but {reason}")
    pytest.skip(reason)


@pytest.fixture
def app_settings() -> dict:
    return dict(BROWSER_SETTINGS)


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs) -> None:
        pass


def _without_favicon(wsgi_app):
    """Answer /favicon.ico with 204: headless Chromium asks for it whatever the page links,
    and would report the 404 as a console error."""

    def serve(environ, start_response):
        if environ.get("PATH_INFO") == "/favicon.ico":
            start_response("204 No Content", [("Content-Length", "0")])
            return [b""]
        return wsgi_app(environ, start_response)

    return serve


@pytest.fixture
def live_server(app):
    """Serve the test app over HTTP on 127.0.0.1 from a thread; ``.url`` is its address."""
    server = make_server(
        "127.0.0.1", 0, _without_favicon(app), threaded=True, request_handler=_QuietHandler
    )
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    # The test's own reads must not begin IMMEDIATE on SQLite: they would hold the write lock
    # the server's requests wait for. On PostgreSQL "reads only" means READ ONLY, and the test
    # also writes (users, worlds), so there it keeps the default.
    intent = write_intent.set(False) if db.engine.dialect.name == "sqlite" else None
    try:
        yield SimpleNamespace(url=f"http://127.0.0.1:{server.server_port}", server=server)
    finally:
        if intent is not None:
            write_intent.reset(intent)
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        db.session.rollback()


@pytest.fixture(scope="package")
def browser():
    """One headless Chromium for the browser tests of this package."""
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} is not installed")
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed")
    playwright = sync_playwright().start()
    try:
        try:
            chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        except Error as error:
            _unavailable(f"Chromium did not start: {error.message}")
        yield chromium
        chromium.close()
    finally:
        playwright.stop()


@pytest.fixture
def page(browser, live_server):
    """A fresh page on the live server that records console errors and CSP violations."""
    context = browser.new_context(
        base_url=live_server.url, locale="nb-NO", timezone_id="Europe/Oslo"
    )
    context.set_default_timeout(10_000)
    tab = context.new_page()
    tab.problems = []
    tab.expected_problems = []

    def on_console(message) -> None:
        if message.type == "error":
            tab.problems.append(f"console error on {tab.url}: {message.text}")

    tab.on("console", on_console)
    tab.on("pageerror", lambda error: tab.problems.append(f"script error on {tab.url}: {error}"))
    try:
        yield tab
    finally:
        context.close()
    unexpected = [
        problem
        for problem in tab.problems
        if not any(expected in problem for expected in tab.expected_problems)
    ]
    assert not unexpected, "the browser reported problems:\n" + "\n".join(unexpected)


@pytest.fixture
def browser_user(make):
    """Make and commit a user with a role: ``browser_user(Role.MENTOR, name=...)``."""
    school = None

    def build(role: Role, **fields):
        nonlocal school
        if role in (Role.TEACHER, Role.STUDENT) and "organization" not in fields:
            school = school or make.school("Ullern videregående skole")
            fields["organization"] = school
        fields.setdefault("email", f"{role}@example.org")
        user = make.user(role, **fields)
        db.session.commit()
        return user

    return build


@pytest.fixture
def log_in_as():
    """Log a user in through the login form: ``log_in_as(page, user)``."""

    def log_in(page, user, password: str = factories.PASSWORD) -> None:
        email = user.email
        db.session.commit()  # end the transaction that reading the e-mail began
        page.goto("/login")
        page.fill("#email", email)
        page.fill("#password", password)
        with page.expect_navigation():
            page.click("main form button.btn-primary")
        if urlsplit(page.url).path == "/login":
            alerts = page.locator(".alert").all_inner_texts()
            raise AssertionError(f"{email} could not log in: {alerts}")

    return log_in
