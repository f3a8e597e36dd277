"""Fixtures: one migrated database per run (SQLite file, or PostgreSQL from
TALENT_TEST_DATABASE_URL), emptied after every test; the app, its client and helpers."""

from __future__ import annotations

import os
from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from flask import g
from flask.testing import FlaskClient
from flask_migrate import upgrade

from talent import create_app
from talent.extensions import db
from tests import factories
from tests.support.smtp import MailBox, free_port

POSTGRES_URL = os.environ.get("TALENT_TEST_DATABASE_URL")


def test_settings(database_url: str, **overrides) -> dict:
    settings = {
        "ENV_NAME": "testing",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        "SMTP_HOST": None,
        "SERVER_NAME": None,
    }
    settings.update(overrides)
    return settings


def reset_schema(url: str) -> None:
    """Start from an empty database: drop everything, then migrate it to head."""
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.exec_driver_sql("DROP SCHEMA public CASCADE")
            connection.exec_driver_sql("CREATE SCHEMA public")
    engine.dispose()
    app = create_app(test_settings(url))
    with app.app_context():
        upgrade()
        db.engine.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = POSTGRES_URL or f"sqlite:///{tmp_path_factory.mktemp('db') / 'talent.db'}"
    reset_schema(url)
    return url


def empty_all_tables() -> None:
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    if db.engine.dialect.name == "postgresql":
        db.session.execute(sa.text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
    else:
        for table in tables:
            db.session.execute(sa.text(f"DELETE FROM {table}"))  # noqa: S608 - model names
    db.session.commit()


@pytest.fixture
def app_settings() -> dict:
    """Override in a test module to change settings of the app under test."""
    return {}


class RequestLikeProductionClient(FlaskClient):
    """A test client whose requests behave as separate requests do in production.

    The ``app`` fixture holds one app context for the whole test, so without this the
    current user, language and CSRF token cached in it would leak from one request into the
    next, and a view that forgot to commit would look as if it had saved.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Tests read English unless they ask for another language.
        self.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"

    def open(self, *args, **kwargs):
        for name in list(g):  # the cached user, language, CSRF token …
            g.pop(name)
        try:
            return super().open(*args, **kwargs)
        finally:
            db.session.rollback()  # whatever the request did not commit is lost, as it would be


@pytest.fixture
def app(database_url, app_settings):
    app = create_app(test_settings(database_url, **app_settings))
    app.test_client_class = RequestLikeProductionClient
    with app.app_context():
        yield app
        db.session.remove()
        empty_all_tables()
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make(app):
    """Factories that build and flush model objects: ``make.user(roles=...)``."""
    return factories


@pytest.fixture
def login(client):
    """Log a user in through the real login form (factory users have a known password)."""

    def log_in(user, password: str = factories.PASSWORD):
        response = client.post("/login", data={"email": user.email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)
        return user

    return log_in


class QueryCounter:
    def __init__(self):
        self.statements: list[str] = []

    def __call__(self, conn, cursor, statement, parameters, context, executemany):
        if not statement.lstrip().upper().startswith(("BEGIN", "SAVEPOINT", "RELEASE")):
            self.statements.append(statement)

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(app):
    """Count the SQL statements run inside the block: ``with count_queries() as counter``."""

    @contextmanager
    def counting():
        counter = QueryCounter()
        sa.event.listen(db.engine, "before_cursor_execute", counter)
        try:
            yield counter
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", counter)

    return counting


@pytest.fixture
def smtp_server():
    """A real SMTP server on a free local port; ``.port`` and ``.mailbox.messages``."""
    mailbox = MailBox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    controller.mailbox = mailbox
    try:
        yield controller
    finally:
        controller.stop()


@pytest.fixture
def mail_settings(smtp_server) -> dict:
    """Settings that make the app send its e-mail to ``smtp_server``; use in ``app_settings``."""
    return {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": smtp_server.port, "SMTP_SECURITY": "none"}
