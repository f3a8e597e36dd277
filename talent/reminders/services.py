"""Writing reminders inside a business transaction: schedule, move, cancel.

Each call only adds or changes `Notification` rows and flushes; the caller commits, and the
scheduler delivers after that commit. Nothing here talks to SMTP.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from talent.audit.services import record_event
from talent.clock import zone_named
from talent.errors import AlreadyDone, ValidationFailed
from talent.extensions import db
from talent.locking import lock
from talent.people.models import User
from talent.reminders.kinds import get_kind
from talent.reminders.models import Notification, NotificationState

log = logging.getLogger(__name__)


def wall_clock_before(event_at: datetime, lead: timedelta, zone: str | ZoneInfo) -> datetime:
    """The moment ``lead`` of wall-clock time before the event, as seen in ``zone``, in UTC.

    "24 hours before 09:00 on Monday" is 09:00 on Sunday in local time, also when the clocks
    change in between. A local time that does not exist (the spring gap) is read as if the
    clocks had not yet moved.
    """
    zone = ZoneInfo(zone) if isinstance(zone, str) else zone
    local = event_at.astimezone(zone).replace(tzinfo=None) - lead
    return local.replace(tzinfo=zone).astimezone(UTC)


def subject_of(obj: Any) -> tuple[str, int | None]:
    """The (type, id) a notification stores for the object it is about."""
    if obj is None:
        return "", None
    if isinstance(obj, tuple):
        return str(obj[0]), obj[1]
    return type(obj).__name__, obj.id


def _key(
    kind: str, subject: tuple[str, int | None], recipient_id: int | str, discriminator: str
) -> str:
    subject_type, subject_id = subject
    key = f"{kind}:{subject_type}:{subject_id if subject_id is not None else ''}:{recipient_id}"
    return f"{key}:{discriminator}" if discriminator else key


def _jsonable(context: dict[str, Any] | None) -> dict[str, Any]:
    result = {}
    for key, value in (context or {}).items():
        if isinstance(value, datetime):
            if value.tzinfo is None:
                raise ValueError(f"context value {key!r} is a naive datetime")
            value = value.astimezone(UTC).isoformat()
        elif isinstance(value, date):
            value = value.isoformat()
        result[key] = value
    return result


def _insert_ignoring_duplicate(values: dict[str, Any]) -> None:
    """Insert the row unless its idempotency key exists: safe under concurrent callers."""
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    statement = insert(Notification).values(**values)
    db.session.execute(statement.on_conflict_do_nothing(index_elements=["idempotency_key"]))


def schedule(
    recipient: User,
    kind: str,
    subject: Any,
    *,
    now: datetime,
    due_at: datetime | None = None,
    event_at: datetime | None = None,
    lead: timedelta | None = None,
    context: dict[str, Any] | None = None,
    discriminator: str = "",
    zone: str | None = None,
) -> Notification | None:
    """Write one reminder for one recipient; calling it again for the same thing changes nothing.

    Give either ``due_at``, or ``event_at`` with a ``lead`` (wall-clock time before the event
    in the recipient's zone, or ``zone``). A reminder of an event that has already started is
    not written (None is returned). ``discriminator`` tells apart several reminders of one kind
    about one object (e.g. "7d" and "1d"). A cancelled reminder scheduled again comes back.
    """
    if get_kind(kind) is None:
        raise ValueError(f"unknown notification kind {kind!r}")
    if due_at is None:
        if event_at is None or lead is None:
            raise ValueError("give due_at, or event_at and lead")
        due_at = wall_clock_before(event_at, lead, zone_named(zone or recipient.timezone))
    if event_at is not None and event_at <= now:
        log.info("not scheduling %s for user %s: the event has started", kind, recipient.id)
        return None
    subject_key = subject_of(subject)
    key = _key(kind, subject_key, recipient.id, discriminator)
    notification = _write(
        key,
        kind,
        subject_key,
        now=now,
        due_at=due_at,
        event_at=event_at,
        lead=lead,
        context=context,
        recipient_id=recipient.id,
    )
    if notification.state is NotificationState.CANCELLED:
        notification.state = NotificationState.PENDING
        notification.due_at = notification.next_attempt_at = due_at
        notification.relevant_until = event_at
        notification.context = _jsonable(context)
        notification.last_error = ""
        db.session.flush()
    return notification


def _write(
    key: str,
    kind: str,
    subject_key: tuple[str, int | None],
    *,
    now: datetime,
    due_at: datetime,
    event_at: datetime | None = None,
    lead: timedelta | None = None,
    context: dict[str, Any] | None = None,
    recipient_id: int | None = None,
    recipient_address: str | None = None,
) -> Notification:
    """Insert the row unless its key exists; return the row as stored."""
    db.session.flush()
    _insert_ignoring_duplicate(
        {
            "recipient_id": recipient_id,
            "recipient_address": recipient_address,
            "kind": kind,
            "subject_type": subject_key[0],
            "subject_id": subject_key[1],
            "due_at": due_at,
            "next_attempt_at": due_at,
            "relevant_until": event_at,
            "lead_minutes": int(lead.total_seconds() // 60) if lead is not None else None,
            "context": _jsonable(context),
            "state": NotificationState.PENDING,
            "attempts": 0,
            "last_error": "",
            "idempotency_key": key,
            "created_at": now,
        }
    )
    return db.session.scalars(
        sa.select(Notification)
        .where(Notification.idempotency_key == key)
        .execution_options(populate_existing=True)
    ).one()


def notify_address(
    address: str,
    name: str,
    kind: str,
    subject: Any,
    *,
    now: datetime,
    context: dict[str, Any] | None = None,
    discriminator: str = "",
) -> Notification | None:
    """Send a notice by e-mail to someone without an account (a pupil's feedback link).

    Like ``notify``: one row per key, so asking twice changes nothing. It is never shown in an
    inbox and no preferences apply; None when there is no address to write to.
    """
    if get_kind(kind) is None:
        raise ValueError(f"unknown notification kind {kind!r}")
    address = (address or "").strip()
    if not address:
        return None
    subject_key = subject_of(subject)
    # The address itself would make the key long and personal; its hash tells addresses apart.
    to = "address-" + hashlib.sha256(address.lower().encode()).hexdigest()[:16]
    return _write(
        _key(kind, subject_key, to, discriminator),
        kind,
        subject_key,
        now=now,
        due_at=now,
        context={**(context or {}), "recipient_name": name},
        recipient_address=address,
    )


def notify(
    recipient: User,
    kind: str,
    subject: Any,
    *,
    now: datetime,
    context: dict[str, Any] | None = None,
    discriminator: str = "",
) -> Notification | None:
    """Send a notice as soon as the scheduler next runs (e.g. "a concern was raised")."""
    return schedule(
        recipient, kind, subject, now=now, due_at=now, context=context, discriminator=discriminator
    )


def last_written(subject: Any, kind: str) -> datetime | None:
    """When a notice of this kind about this object was last written (to pause a resend)."""
    subject_type, subject_id = subject_of(subject)
    return db.session.scalar(
        sa.select(sa.func.max(Notification.created_at)).where(
            Notification.kind == kind,
            Notification.subject_type == subject_type,
            Notification.subject_id == subject_id,
        )
    )


def _pending_for(subject: Any, kinds: tuple[str, ...] | None, recipient: User | None) -> sa.Select:
    subject_type, subject_id = subject_of(subject)
    query = sa.select(Notification).where(
        Notification.subject_type == subject_type,
        Notification.subject_id == subject_id,
        Notification.state == NotificationState.PENDING,
    )
    if kinds:
        query = query.where(Notification.kind.in_(kinds))
    if recipient is not None:
        query = query.where(Notification.recipient_id == recipient.id)
    return query.options(sa.orm.joinedload(Notification.recipient))


def reschedule_for(
    subject: Any,
    *,
    event_at: datetime,
    now: datetime,
    context: dict[str, Any] | None = None,
    kinds: tuple[str, ...] | None = None,
    zone: str | None = None,
) -> int:
    """Recompute the pending reminders of a moved event; return how many changed.

    Reminders written with a lead keep their wall-clock distance to the new start; notices
    with a fixed due time keep it. ``context`` values replace those stored (e.g. the new
    ``starts_at``). Reminders already sent stay sent; if the event moved into the past the
    pending ones are cancelled.
    """
    changed = 0
    new_values = _jsonable(context)
    for notification in db.session.scalars(_pending_for(subject, kinds, None)):
        if event_at <= now:
            notification.state = NotificationState.CANCELLED
            notification.last_error = "The event was moved into the past."
        elif notification.lead_minutes is not None:
            zone_info = zone_named(zone or notification.recipient.timezone)
            due_at = wall_clock_before(
                event_at, timedelta(minutes=notification.lead_minutes), zone_info
            )
            notification.due_at = notification.next_attempt_at = due_at
        if notification.relevant_until is not None:
            notification.relevant_until = event_at
        notification.context = {**(notification.context or {}), **new_values}
        changed += 1
    db.session.flush()
    return changed


def cancel_for(
    subject: Any,
    *,
    now: datetime,
    kinds: tuple[str, ...] | None = None,
    recipient: User | None = None,
    reason: str = "",
) -> int:
    """Cancel the pending reminders about an object (or some kinds, or one recipient's)."""
    changed = 0
    for notification in db.session.scalars(_pending_for(subject, kinds, recipient)):
        notification.state = NotificationState.CANCELLED
        notification.last_error = reason[:1000]
        changed += 1
    db.session.flush()
    if changed:
        log.info("cancelled %d reminder(s) about %s", changed, subject_of(subject))
    return changed


def retry(actor: User, notification: Notification, *, now: datetime) -> None:
    """Put a failed or skipped delivery back in the queue, due now, with fresh attempts."""
    lock(notification)  # the delivery worker skips a locked row, so it cannot claim it meanwhile
    if notification.state in (NotificationState.PENDING, NotificationState.CLAIMED):
        raise AlreadyDone(_l("This delivery is waiting to be sent; there is nothing to retry."))
    if notification.state not in (NotificationState.FAILED, NotificationState.SKIPPED):
        raise ValidationFailed(_l("Only a failed or skipped delivery can be retried."))
    notification.state = NotificationState.PENDING
    notification.attempts = 0
    notification.next_attempt_at = now
    notification.claimed_by = None
    notification.last_error = ""
    record_event(actor, "notification.retry", notification, now=now, label=notification.kind)
    db.session.flush()
    log.info("user %s retried notification %s", actor.id, notification.id)


def cancel(actor: User, notification: Notification, *, now: datetime) -> None:
    """Cancel one pending delivery from the ledger."""
    lock(notification)
    if notification.state is NotificationState.CANCELLED:
        raise AlreadyDone(_l("This delivery was already cancelled."))
    if notification.state is not NotificationState.PENDING:
        raise ValidationFailed(_l("Only a pending delivery can be cancelled."))
    notification.state = NotificationState.CANCELLED
    notification.last_error = f"Cancelled by {actor.name} ({actor.email})."[:1000]
    record_event(actor, "notification.cancel", notification, now=now, label=notification.kind)
    db.session.flush()
    log.info("user %s cancelled notification %s", actor.id, notification.id)
