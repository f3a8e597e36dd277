"""Writing audit events from inside the business transaction that makes the change."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from talent.audit.models import AuditEvent
from talent.extensions import db
from talent.people.models import User


def snapshot(obj: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    """Return the named attributes of an object as JSON-ready values."""
    return {name: _jsonable(getattr(obj, name)) for name in fields}


def _jsonable(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, frozenset | set | list | tuple):
        return sorted(_jsonable(item) for item in value)
    return value


def record_event(
    actor: User | None,
    action: str,
    obj: Any,
    *,
    now: datetime,
    label: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent | None:
    """Add an audit event; unchanged updates (same before and after) are not recorded."""
    if before is not None and after is not None:
        changed = {key for key in after if before.get(key) != after[key]}
        if not changed:
            return None
        before = {key: before.get(key) for key in sorted(changed)}
        after = {key: after[key] for key in sorted(changed)}
    event = AuditEvent(
        occurred_at=now,
        actor_id=actor.id if actor is not None else None,
        action=action,
        object_type=type(obj).__name__,
        object_id=getattr(obj, "id", None),
        object_label=(label or str(getattr(obj, "name", "")))[:300],
        before=before,
        after=after,
    )
    db.session.add(event)
    return event


#: Stands for events without an acting user (scheduler, command line) in the actor filter.
SYSTEM_ACTOR = "system"


def events_query(
    *,
    actor: int | str | None = None,
    action: str | None = None,
    object_type: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    label: str = "",
) -> sa.Select:
    """Audit events newest first with their actors; ``until`` is exclusive.

    ``actor`` is a user id, or SYSTEM_ACTOR for events no user made.
    """
    query = sa.select(AuditEvent).options(joinedload(AuditEvent.actor))
    query = query.order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
    if actor == SYSTEM_ACTOR:
        query = query.where(AuditEvent.actor_id.is_(None))
    elif actor is not None:
        query = query.where(AuditEvent.actor_id == actor)
    if action:
        query = query.where(AuditEvent.action == action)
    if object_type:
        query = query.where(AuditEvent.object_type == object_type)
    if since is not None:
        query = query.where(AuditEvent.occurred_at >= since)
    if until is not None:
        query = query.where(AuditEvent.occurred_at < until)
    if label.strip():
        text = label.strip().lower()
        query = query.where(sa.func.lower(AuditEvent.object_label).contains(text, autoescape=True))
    return query


def recorded_actions() -> list[str]:
    """Every action that occurs in the log, sorted."""
    return list(db.session.scalars(sa.select(AuditEvent.action).distinct().order_by("action")))


def recorded_object_types() -> list[str]:
    """Every object type that occurs in the log, sorted."""
    query = sa.select(AuditEvent.object_type).distinct().order_by("object_type")
    return list(db.session.scalars(query))


def recorded_actors() -> list[tuple[int, str]]:
    """(id, "name <e-mail>") of every user who appears as an actor in the log, by name."""
    acted = sa.select(AuditEvent.actor_id).where(AuditEvent.actor_id.is_not(None))
    rows = db.session.execute(
        sa.select(User.id, User.name, User.email)
        .where(User.id.in_(acted))
        .order_by(sa.func.lower(User.name), User.id)
    )
    return [(row.id, f"{row.name} <{row.email}>") for row in rows]
