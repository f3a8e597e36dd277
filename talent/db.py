"""Declarative base with a naming convention, an aware-UTC datetime type and SQLite tuning."""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime

import psycopg
import sqlalchemy as sa
from psycopg.pq import TransactionStatus
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, registry

from talent.clock import now as utcnow  # noqa: F401 - the name models and views know it by

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(sa.TypeDecorator):
    """Store aware datetimes as UTC; SQLite keeps no zone, so it is restored on load."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; pass an aware datetime")
        return value.astimezone(UTC)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    registry = registry(
        metadata=sa.MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: UTCDateTime()},
    )

    def __repr__(self) -> str:
        key = getattr(self, "id", None)
        return f"<{type(self).__name__} {key}>"


@event.listens_for(Engine, "connect")
def _tune_sqlite(dbapi_connection, connection_record):
    """Turn on WAL, foreign keys and a busy timeout; let SQLAlchemy emit BEGIN itself."""
    if type(dbapi_connection).__module__ != "sqlite3":
        return
    # pysqlite's own transaction handling would send a deferred BEGIN behind our back.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


#: False while serving a request that must not write (GET, HEAD): its transaction is declared
#: read-only, so SQLite readers run in parallel and PostgreSQL refuses any write in it. Every
#: other unit of work (forms, jobs, commands) is a write transaction.
write_intent: ContextVar[bool] = ContextVar("write_intent", default=True)


@contextmanager
def writing():
    """Let a request that only reads write something small in a transaction of its own (a
    login session noted as used, a report's figures stored): its transactions begin as
    writes inside the block."""
    token = write_intent.set(True)
    try:
        yield
    finally:
        write_intent.reset(token)


#: Set on a PostgreSQL connection while its transaction is read-only.
_READ_ONLY = "talent_read_only"


@event.listens_for(Engine, "begin")
def _begin_as_declared(conn):
    """Begin writes IMMEDIATE on SQLite so two writers queue instead of failing to upgrade;
    begin reads READ ONLY on PostgreSQL (psycopg then sends ``BEGIN READ ONLY``, no extra trip)."""
    writes = write_intent.get()
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")
    elif conn.dialect.name == "postgresql":
        # psycopg's public setting for the transactions it begins; the connection is idle here.
        conn.connection.dbapi_connection.read_only = not writes
        conn.info[_READ_ONLY] = not writes


@event.listens_for(Engine, "rollback")
def _end_reads_with_commit(conn):
    """End a read-only PostgreSQL transaction with COMMIT, which keeps prepared statements.

    psycopg forgets every prepared statement on ROLLBACK (a rollback may undo DDL they were
    planned against), and every request ends by rolling back what it did not commit: no
    statement ever reached the five executions after which psycopg prepares it, so PostgreSQL
    planned every query anew — 1.5–4 ms for each of the dashboards' six-table joins. PostgreSQL
    refuses every write in a READ ONLY transaction, so there COMMIT and ROLLBACK do the same;
    the rollback that follows finds the connection idle and leaves the statements prepared.
    """
    # An invalidated connection is asked nothing, not even its info: that would raise
    # PendingRollbackError in the middle of the rollback it asks for.
    if conn.invalidated or conn.closed or not conn.info.pop(_READ_ONLY, False):
        return
    dbapi_connection = conn.connection.dbapi_connection
    # Idle in a transaction that has not failed (a failed one has nothing to keep).
    if dbapi_connection.info.transaction_status == TransactionStatus.INTRANS:
        try:
            dbapi_connection.commit()
        except psycopg.Error:
            # A lost connection: the rollback that follows meets it too, and there SQLAlchemy
            # wraps the error and throws the connection away.
            return


def constant(column, value) -> sa.BinaryExpression:
    """``column == value`` with the value written into the SQL instead of bound.

    For a state or kind that never changes between executions: PostgreSQL keeps one plan for a
    prepared statement only if that plan is as cheap as planning each execution, and a state
    behind a parameter could be the rarest or the commonest, so it planned such queries anew
    every time (2–4 ms for the pairing proposals on the coordinator's board).
    """
    return column == sa.literal(value, column.type, literal_execute=True)


def enum_type(enum_class) -> sa.Enum:
    """Store an enum by its value as a short string, portable across SQLite and PostgreSQL."""
    return sa.Enum(
        enum_class,
        native_enum=False,
        length=32,
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )
