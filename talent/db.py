"""Declarative base with a naming convention, an aware-UTC datetime type and SQLite tuning."""

from __future__ import annotations

from contextvars import ContextVar
from datetime import UTC, datetime

import psycopg
import sqlalchemy as sa
from psycopg.pq import TransactionStatus
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, registry

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """Return the current time as an aware UTC datetime."""
    return datetime.now(UTC)


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


#: False while serving a request that must not write (GET, HEAD), so SQLite readers run in
#: parallel; every other unit of work (forms, jobs, commands) is a write transaction.
sqlite_write_intent: ContextVar[bool] = ContextVar("sqlite_write_intent", default=True)


@event.listens_for(Engine, "begin")
def _begin_on_sqlite(conn):
    """Begin writes IMMEDIATE on SQLite so two writers queue instead of failing to upgrade."""
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN IMMEDIATE" if sqlite_write_intent.get() else "BEGIN")


_IN_TRANSACTION = TransactionStatus.INTRANS  # idle in a transaction that has not failed

#: Set on a PostgreSQL connection while its transaction has run nothing but SELECTs.
_ONLY_READ = "talent_only_read"


@event.listens_for(Engine, "begin")
def _start_noting_writes(conn):
    if conn.dialect.name == "postgresql":
        conn.info[_ONLY_READ] = True


@event.listens_for(Engine, "before_cursor_execute")
def _note_writes(conn, cursor, statement, parameters, context, executemany):
    if conn.info.get(_ONLY_READ) and not _is_plain_select(statement, context):
        conn.info[_ONLY_READ] = False


def _is_plain_select(statement: str, context) -> bool:
    """A compiled SELECT without a WITH clause, which could hide an INSERT or UPDATE; text,
    DML, DDL and savepoints count as writes, to be safe."""
    compiled = context.compiled if context is not None else None
    return (
        compiled is not None
        and isinstance(compiled.statement, sa.Select | sa.CompoundSelect)
        and statement.startswith("SELECT")
    )


@event.listens_for(Engine, "rollback")
def _end_reads_with_commit(conn):
    """End a PostgreSQL transaction that only read with COMMIT, which keeps prepared statements.

    psycopg forgets every prepared statement on ROLLBACK (a rollback may undo DDL they were
    planned against), and every request ends by rolling back what it did not commit: no
    statement ever reached the five executions after which psycopg prepares it, so PostgreSQL
    planned every query anew — 1.5–4 ms for each of the dashboards' six-table joins. For a
    transaction that only read, COMMIT and ROLLBACK do the same; the rollback that follows
    finds the connection idle and leaves the statements prepared.
    """
    # An invalidated connection is asked nothing, not even its info: that would raise
    # PendingRollbackError in the middle of the rollback it asks for.
    if conn.invalidated or conn.closed or not conn.info.pop(_ONLY_READ, False):
        return
    dbapi_connection = conn.connection.dbapi_connection
    if dbapi_connection.info.transaction_status == _IN_TRANSACTION:
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
