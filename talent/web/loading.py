"""One way for a view to find the record an address names and check the user may use it."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import abort
from flask_login import current_user

from talent.auth import policy
from talent.extensions import db

Record = TypeVar("Record")


def load(
    model: type[Record],
    record_id: int,
    permission: str | None = None,
    *,
    hidden_unless: str | None = None,
    loader: Callable[[int], Record | None] | None = None,
) -> Record:
    """The ``model`` row with this id, which the current user may ``permission``.

    Missing answers 404, not allowed 403 (``policy.authorize``). Where even the existence of
    a record the user may not see is private (another school's visit), ``hidden_unless``
    names the permission without which it answers 404 as if missing. ``loader`` reads the
    row with what the page needs loaded along with it.
    """
    record = loader(record_id) if loader is not None else db.session.get(model, record_id)
    if record is None or (
        hidden_unless is not None and not policy.can(current_user, hidden_unless, record)
    ):
        abort(404)
    if permission is not None:
        policy.authorize(current_user, permission, record)
    return record
