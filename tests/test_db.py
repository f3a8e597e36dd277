"""The database layer: a transaction that only read ends with COMMIT on PostgreSQL, so that
psycopg keeps its prepared statements, and nothing that wrote is ever committed that way."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from sqlalchemy.dialects import postgresql

from talent.db import constant, write_intent
from talent.extensions import db
from talent.people.models import Organization, OrganizationKind, Role


def organization_names() -> set[str]:
    return set(db.session.scalars(sa.select(Organization.name)))


def only_on_postgresql(reason: str) -> None:
    if db.engine.dialect.name != "postgresql":
        pytest.skip(reason)


def test_a_flushed_change_is_rolled_back(make):
    make.organization(name="Kept")
    db.session.commit()
    make.organization(name="Flushed")
    db.session.flush()

    db.session.rollback()

    assert organization_names() == {"Kept"}


def test_a_write_in_plain_sql_is_rolled_back(make):
    make.organization(name="Before")
    db.session.commit()
    db.session.execute(sa.text("UPDATE organizations SET name = 'After'"))

    db.session.rollback()

    assert organization_names() == {"Before"}


def test_a_write_after_reads_is_rolled_back(make):
    make.organization(name="Before")
    db.session.commit()
    organization_names()
    db.session.execute(sa.update(Organization).values(name="After"))
    organization_names()

    db.session.rollback()

    assert organization_names() == {"Before"}


def test_a_write_hidden_in_a_select_is_rolled_back(make):
    only_on_postgresql("SQLite has no UPDATE inside WITH")
    make.organization(name="Before")
    db.session.commit()
    renamed = sa.update(Organization).values(name="After").returning(Organization.id).cte("renamed")
    db.session.execute(sa.select(renamed.c.id))

    db.session.rollback()

    assert organization_names() == {"Before"}


def test_a_failed_transaction_is_rolled_back_and_the_connection_works_again(make):
    make.organization(name="Kept")
    db.session.commit()
    with pytest.raises(sa.exc.DBAPIError):
        db.session.execute(sa.text("SELECT no_such_column FROM organizations"))

    db.session.rollback()

    assert organization_names() == {"Kept"}


def test_a_connection_lost_in_a_read_only_transaction_is_replaced(make, database_url):
    only_on_postgresql("the connection to kill is PostgreSQL's")
    make.organization(name="Kept")
    db.session.commit()
    organization_names()
    backend = db.session.connection().connection.dbapi_connection.info.backend_pid
    other = sa.create_engine(database_url)
    with other.connect() as connection:
        connection.execute(sa.select(sa.func.pg_terminate_backend(backend)))
    other.dispose()

    with pytest.raises(sa.exc.DBAPIError):
        db.session.rollback()

    assert organization_names() == {"Kept"}


def test_statements_stay_prepared_across_read_only_requests(app, client, login, make):
    only_on_postgresql("prepared statements are PostgreSQL's")
    login(make.user(Role.COORDINATOR))
    db.session.commit()

    # psycopg prepares a statement the fifth time it runs on a connection; every request
    # reads the signed-in user with their login session and roles.
    for _ in range(6):
        assert client.get("/").status_code == 200

    prepared = db.session.scalars(sa.text("SELECT statement FROM pg_prepared_statements")).all()
    loader = "FROM users JOIN login_sessions ON login_sessions.user_id = users.id LEFT OUTER JOIN"
    assert any(loader in sql for sql in prepared), prepared


def test_a_constant_is_written_into_the_sql_and_still_selects(make):
    make.school(name="Ullern")
    make.organization(name="Nordic Nanovector")
    statement = sa.select(Organization.name).where(
        constant(Organization.kind, OrganizationKind.SCHOOL)
    )

    sql = str(
        statement.compile(dialect=postgresql.dialect(), compile_kwargs={"render_postcompile": True})
    )

    assert "organizations.kind = 'school'" in sql
    assert db.session.scalars(statement).all() == ["Ullern"]


def test_a_request_that_must_not_write_reads_in_a_read_only_transaction(app):
    only_on_postgresql("SQLite has no read-only transactions")
    db.session.commit()
    intent = write_intent.set(False)
    try:
        assert db.session.scalar(sa.text("SHOW transaction_read_only")) == "on"
        with pytest.raises(sa.exc.DBAPIError, match="read-only transaction"):
            db.session.execute(sa.insert(Organization).values(name="Sneaked in", kind="school"))
        db.session.rollback()
    finally:
        write_intent.reset(intent)

    assert db.session.scalar(sa.text("SHOW transaction_read_only")) == "off"


def test_a_reading_request_leaves_nothing_read_only_behind(app):
    """Whatever runs after a GET in the same thread (the next request's first hooks, a job,
    a test's own work) begins a write transaction: the intent is read at each BEGIN."""
    only_on_postgresql("SQLite has no read-only transactions")
    plain = FlaskClient(app)  # not the tests' client, which tidies up after each request
    assert plain.get("/courses").status_code == 200
    db.session.rollback()

    db.session.add(Organization(name="Written after a read", kind=OrganizationKind.SCHOOL))
    db.session.commit()

    assert plain.post("/login", data={"email": "x@example.org", "password": "y"}).status_code
    assert db.session.scalar(sa.text("SHOW transaction_read_only")) == "off"
