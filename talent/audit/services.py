"""Writing audit events from inside the business transaction that makes the change."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import Any

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
