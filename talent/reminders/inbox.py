"""The in-app inbox: a user's delivered notifications, unread counts and marking read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from talent.errors import NotFound
from talent.extensions import db
from talent.people.models import User
from talent.reminders.kinds import get_kind
from talent.reminders.models import Notification
from talent.reminders.rendering import localized_values, zone_named


def inbox_query(user: User) -> sa.Select:
    """The user's inbox, newest first."""
    return (
        sa.select(Notification)
        .where(Notification.recipient_id == user.id, Notification.inbox_at.is_not(None))
        .order_by(Notification.inbox_at.desc(), Notification.id.desc())
    )


def unread_count(user: User) -> int:
    """How many inbox items the user has not read: one indexed COUNT."""
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Notification)
        .where(
            Notification.recipient_id == user.id,
            Notification.inbox_at.is_not(None),
            Notification.read_at.is_(None),
        )
    )


def inbox_item(user: User, notification_id: int) -> Notification:
    """One of the user's own inbox items; anyone else's is not found."""
    notification = db.session.scalar(inbox_query(user).where(Notification.id == notification_id))
    if notification is None:
        raise NotFound(_l("This notification does not exist or is not yours."))
    return notification


def mark_read(user: User, notification: Notification, *, now: datetime) -> None:
    if notification.recipient_id != user.id:
        raise NotFound(_l("This notification does not exist or is not yours."))
    if notification.read_at is None:
        notification.read_at = now
    db.session.flush()


def mark_all_read(user: User, *, now: datetime) -> int:
    """Mark every unread inbox item read in one statement; return how many."""
    result = db.session.execute(
        sa.update(Notification)
        .where(
            Notification.recipient_id == user.id,
            Notification.inbox_at.is_not(None),
            Notification.read_at.is_(None),
        )
        .values(read_at=now)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


@dataclass(frozen=True)
class InboxEntry:
    notification: Notification
    title: str
    text: str
    #: (endpoint, arguments) of the thing it is about, or None.
    target: tuple[str, dict[str, Any]] | None


def target_of(notification: Notification) -> tuple[str, dict[str, Any]] | None:
    """(endpoint, arguments) of what the notification is about, or None."""
    kind = get_kind(notification.kind)
    return kind.link_for(notification) if kind is not None else None


def describe(notification: Notification, *, language: str, zone_name: str) -> InboxEntry:
    """Title, text and target of an inbox item in the reader's current language and zone."""
    kind = get_kind(notification.kind)
    if kind is None:
        return InboxEntry(notification, str(_l("Notification")), "", None)
    values = localized_values(notification.context or {}, language, zone_named(zone_name))
    return InboxEntry(
        notification,
        kind.render_subject(values),
        kind.render_body(values),
        kind.link_for(notification),
    )
