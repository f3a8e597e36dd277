"""The one mechanism behind every change of a record's state: lock, re-read, then decide.

A double-click, a retried request, a proxy that resends and a second scheduler all make the
same change arrive twice at the same moment. Every transition therefore starts with
``lock(record)``: on PostgreSQL the row is locked (``SELECT … FOR UPDATE``) until the
transaction ends and its columns are read again, so the second arrival waits for the first and
then decides on what the first wrote; on SQLite every write transaction already runs alone
(``BEGIN IMMEDIATE``, talent/db.py) and the re-read makes sure the state checked is the state
in the database, not a copy the session held from before.

The service then checks the state it re-read and answers a change that was already made with
``talent.errors.AlreadyDone``: no second audit row, no second notice, no counter moved twice.
Counters derived from such records (places on a slot, a mentor's open pairings, a course's
seats) change only after this lock, by conditional UPDATEs that CHECK constraints back.
"""

from __future__ import annotations

from typing import TypeVar

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from talent.errors import NotFound
from talent.extensions import db

Record = TypeVar("Record")


class Gone(NotFound):
    """The record was deleted while the transition waited for it."""


def lock(record: Record) -> Record:
    """Lock the record's row for the rest of the transaction and read it again; return it.

    Changes this transaction made to it are flushed first, so the re-read keeps them. Raises
    Gone when the row was deleted meanwhile.
    """
    # The logged-in user comes as Flask-Login's proxy; lock the user it stands for.
    record = getattr(record, "_get_current_object", lambda: record)()
    state = sa.inspect(record)
    if state.modified:
        db.session.flush()
    mapper = state.mapper
    query = (
        sa.select(mapper)
        .where(
            *(
                column == value
                for column, value in zip(mapper.primary_key, state.identity, strict=True)
            )
        )
        .with_for_update()
        # The row's own columns only (an eager join would put FOR UPDATE on an outer join,
        # which PostgreSQL refuses); what hangs on the row is loaded again when next used,
        # since it may have changed with it (a visit moved to another slot).
        .options(sa.orm.lazyload("*"))
        .execution_options(populate_existing=True)
    )
    if db.session.scalar(query) is None:
        raise Gone(_l("This was removed a moment ago. Reload the page."))
    return record


def lock_all(records: list[Record]) -> list[Record]:
    """Lock several records of one kind in the order of their ids (so that two transactions
    locking overlapping sets cannot deadlock); return them in that order."""
    return [lock(record) for record in sorted(records, key=lambda r: sa.inspect(r).identity)]
