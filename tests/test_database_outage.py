"""A lost database connection under gunicorn: the app's own 503 page, never a bare 500.

gunicorn serves the test database as production runs it; the test ends the app's PostgreSQL
connections with ``pg_terminate_backend`` while a request waits in the database, between
requests, and in a storm while requests are in flight.
"""

from __future__ import annotations

import http.client
import os
import re
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlencode

import psycopg
import pytest
import sqlalchemy as sa

from talent.extensions import db
from talent.people.models import Role
from tests import factories
from tests.conftest import POSTGRES_URL
from tests.support.smtp import free_port

pytestmark = pytest.mark.skipif(
    not POSTGRES_URL,
    reason="needs PostgreSQL: SQLite has no connection to lose",
)

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
KILL_THE_APPS_BACKENDS = (
    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
)
#: The app's layout, which gunicorn's bare error page lacks.
LAYOUT = '<nav class="navbar'
RETRY_HINT = {
    "nb": "Databasen kunne ikke nås. Prøv igjen om et øyeblikk.",
    "en": "The database could not be reached. Try again in a moment.",
}


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: str


class Browser:
    """Cookies and CSRF tokens over plain HTTP, one connection per request."""

    def __init__(self, port: int, language: str):
        self.port = port
        self.language = language
        self.cookies: dict[str, str] = {}

    def get(self, path: str) -> Answer:
        return self._send("GET", path)

    def submit(self, path: str, fields: dict) -> Answer:
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', self.get(path).body)
        body = urlencode({"csrf_token": token.group(1), **fields})
        return self._send("POST", path, body, "application/x-www-form-urlencoded")

    def _send(self, method: str, path: str, body: str | None = None, kind: str = "") -> Answer:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {
            "Accept-Language": self.language,
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
        }
        if kind:
            headers["Content-Type"] = kind
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            answer = Answer(response.status, response.headers, response.read().decode())
        finally:
            connection.close()
        for cookie in answer.headers.get_all("Set-Cookie") or []:
            name, _, value = cookie.split(";", 1)[0].partition("=")
            self.cookies[name] = value
        return answer


@pytest.fixture(scope="module")
def gunicorn(database_url, tmp_path_factory):
    """gunicorn with two workers on the test database, in production mode; started once for
    this module, since starting it takes seconds."""
    port = free_port()
    log = (tmp_path_factory.mktemp("gunicorn") / "gunicorn.log").open("w+")
    env = {
        **os.environ,
        "TALENT_ENV": "production",
        "TALENT_SECRET_KEY": "outage-test-" + "k" * 40,
        "TALENT_DATABASE_URL": database_url,
        "TALENT_BASE_URL": "https://talent.test.invalid",
        "TALENT_SECURE_COOKIES": "off",  # plain HTTP here
    }
    # --preload imports the app once, before forking, instead of once per worker: half the
    # start-up time; create_app opens no connection, so the workers share none.
    command = [str(GUNICORN), "--preload", "--workers", "2", "--bind", f"127.0.0.1:{port}"]
    command.append("wsgi:app")
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)  # noqa: S603
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if Browser(port, "en").get("/health").status == 200:
                    break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                time.sleep(0.1)
        yield SimpleNamespace(port=port, log=log)
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


@pytest.fixture
def server(app, gunicorn):
    """The port, and a function that reads what the server logged during this test."""
    start = gunicorn.log.seek(0, os.SEEK_END)

    def logged() -> str:
        gunicorn.log.seek(start)
        return gunicorn.log.read()

    return gunicorn.port, logged


def log_in(browser: Browser, user) -> None:
    """Log ``user`` in through the login form; the test's own session is left holding no
    connection, since the test ends every connection to the database but its own."""
    email = user.email
    db.session.commit()
    answer = browser.submit("/login", {"email": email, "password": factories.PASSWORD})
    assert answer.status == 302, answer.body[:300]


def kill_the_apps_backends() -> None:
    with psycopg.connect(_libpq_url(), autocommit=True) as connection:
        connection.execute(KILL_THE_APPS_BACKENDS)


def _libpq_url() -> str:
    return sa.make_url(POSTGRES_URL).set(drivername="postgresql").render_as_string(False)


def held_in_the_database(browser: Browser, path: str, table: str) -> Answer:
    """Request ``path`` while ``table`` is locked, so the request waits inside a query; end the
    app's connections while it waits, then release the lock."""
    answers = []
    with psycopg.connect(_libpq_url()) as locker:
        locker.execute(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE")
        request = threading.Thread(target=lambda: answers.append(browser.get(path)))
        request.start()
        deadline = time.monotonic() + 10
        while not locker.execute(
            "SELECT 1 FROM pg_locks WHERE NOT granted AND relation = %s::regclass", (table,)
        ).fetchone():
            assert time.monotonic() < deadline, f"no request waited for {table}"
            time.sleep(0.02)
        locker.execute(KILL_THE_APPS_BACKENDS)
        locker.rollback()
        request.join(timeout=30)
    return answers[0]


def assert_unavailable_page(answer: Answer, language: str) -> None:
    assert answer.status == 503, answer.body[:300]
    assert LAYOUT in answer.body, answer.body[:300]
    assert f'<html lang="{language}">' in answer.body
    assert RETRY_HINT[language] in answer.body
    assert int(answer.headers["Retry-After"]) > 0


def test_a_connection_lost_mid_request_gives_the_apps_503_page_and_the_next_request_works(
    server, make
):
    port, log = server
    signed_in = Browser(port, language="en")  # the account's language wins over the browser's
    log_in(signed_in, make.user(Role.COORDINATOR, language="nb"))
    assert signed_in.get("/").status == 200
    visitor = Browser(port, language="en")

    # The user is loaded, then the layout's unread count waits for the lock: a page half made.
    assert_unavailable_page(held_in_the_database(signed_in, "/", "notifications"), "nb")
    assert signed_in.get("/").status == 200
    assert_unavailable_page(held_in_the_database(visitor, "/courses", "courses"), "en")
    assert visitor.get("/courses").status == 200

    kill_the_apps_backends()  # between requests: the pool's ping finds the connection gone
    assert signed_in.get("/").status == 200

    output = log()
    assert "Traceback" not in output
    assert output.count("database unreachable, answered 503") == 2, output


def test_connections_killed_while_requests_are_in_flight_never_give_a_500(server, make):
    port, log = server
    browser = Browser(port, language="nb")
    log_in(browser, make.user(Role.COORDINATOR, language="nb"))

    answers: list[Answer] = []
    stop = threading.Event()

    def keep_asking():
        while not stop.is_set():
            answers.append(browser.get("/"))

    askers = [threading.Thread(target=keep_asking) for _ in range(4)]
    for asker in askers:
        asker.start()
    with psycopg.connect(_libpq_url(), autocommit=True) as killer:
        for _ in range(40):
            killer.execute(KILL_THE_APPS_BACKENDS)
            time.sleep(0.05)
    stop.set()
    for asker in askers:
        asker.join(timeout=30)

    statuses = sorted({answer.status for answer in answers})
    assert set(statuses) <= {200, 503}, statuses
    assert all(LAYOUT in answer.body for answer in answers)
    for answer in answers:
        if answer.status == 503:
            assert_unavailable_page(answer, "nb")
    assert browser.get("/").status == 200
    assert "Traceback" not in log()
