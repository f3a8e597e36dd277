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

from talent.extensions import db

Record = TypeVar("Record")


def lock(record: Record) -> Record:
    """Lock the record's row for the rest of the transaction and read it again; return it.

    Call it before changing anything on the record: a change not yet flushed would be
    overwritten by the re-read, so that is refused loudly.
    """
    if sa.inspect(record).modified:
        raise RuntimeError(f"lock {record!r} before changing it, not after")
    # Only the record's own row: a refresh repeats the eager loads the record was loaded with,
    # and PostgreSQL refuses FOR UPDATE on the nullable side of their outer joins.
    db.session.refresh(record, with_for_update={"of": type(record)})
    return record


def lock_all(records: list[Record]) -> list[Record]:
    """Lock several records of one kind in the order of their ids (so that two transactions
    locking overlapping sets cannot deadlock); return them in that order."""
    return [lock(record) for record in sorted(records, key=lambda r: sa.inspect(r).identity)]
