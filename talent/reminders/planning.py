"""Reading a claimed batch and deciding, row by row, what delivery it needs.

Everything here happens inside one short read transaction; the decisions are plain values, so
the transaction can end before any e-mail goes out.
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from talent.extensions import db
from talent.people.models import User
from talent.reminders.kinds import Kind, LinkTarget, get_kind
from talent.reminders.ledger import Outcome
from talent.reminders.models import (
    MANDATORY_CATEGORIES,
    Channel,
    Notification,
    NotificationPreference,
    NotificationState,
)

log = logging.getLogger(__name__)

#: Addresses were validated when the account was made; this only catches empty or broken ones.
_ADDRESS = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class Item:
    """A claimed row and its recipient, read before the transaction ends."""

    id: int
    kind: str
    subject_type: str
    subject_id: int | None
    #: None for someone without an account, reached by e-mail only.
    recipient_id: int | None
    recipient_name: str
    recipient_email: str
    recipient_language: str
    recipient_timezone: str
    recipient_active: bool
    context: dict[str, Any]
    relevant_until: datetime | None
    attempts: int
    idempotency_key: str


@dataclass(frozen=True)
class Delivery:
    """A row that needs delivering, and on which channels."""

    item: Item
    kind: Kind
    email: bool
    inbox: bool
    note: str = ""
    #: Where the message leads (endpoint and arguments), decided with the row.
    link: LinkTarget = None


_N, _U = Notification, User
_COLUMNS = (
    _N.id, _N.kind, _N.subject_type, _N.subject_id, _U.id.label("user_id"), _U.name,
    _U.email, _U.language, _U.timezone, _U.is_active, _N.context, _N.relevant_until,
    _N.attempts, _N.idempotency_key, _N.recipient_address,
)  # fmt: skip


def load_batch(ids: list[int], default_language: str = "nb") -> list[Item]:
    """The claimed rows with their recipients, grouped by language (plain columns: no ORM).

    A row to someone without an account is written in ``default_language`` to its address,
    with the name its context holds.
    """
    rows = db.session.execute(
        sa.select(*_COLUMNS)
        .outerjoin(_U, _U.id == _N.recipient_id)
        .where(_N.id.in_(ids))
        .order_by(sa.func.coalesce(_U.language, default_language), _N.id)
    )
    items = []
    for row in rows:
        context = dict(row.context or {})
        account = row.user_id is not None
        items.append(
            Item(
                id=row.id,
                kind=row.kind,
                subject_type=row.subject_type,
                subject_id=row.subject_id,
                recipient_id=row.user_id,
                recipient_name=row.name if account else str(context.get("recipient_name", "")),
                recipient_email=(row.email if account else row.recipient_address) or "",
                recipient_language=(row.language if account else None) or default_language,
                recipient_timezone=row.timezone,
                recipient_active=row.is_active if account else True,
                context=context,
                relevant_until=row.relevant_until,
                attempts=row.attempts,
                idempotency_key=row.idempotency_key,
            )
        )
    return items


def switched_off(items: list[Item]) -> set[tuple[int, str, str]]:
    """(user, category, channel) that the batch's recipients switched off."""
    recipients = {item.recipient_id for item in items}
    rows = db.session.execute(
        sa.select(
            NotificationPreference.user_id,
            NotificationPreference.category,
            NotificationPreference.channel,
        ).where(
            NotificationPreference.user_id.in_(recipients),
            NotificationPreference.is_enabled.is_(False),
        )
    )
    return {(user_id, category.value, channel.value) for user_id, category, channel in rows}


def load_subjects(items: list[Item]) -> dict[tuple[str, int], Any]:
    """The objects the rows are about, one query per model; a missing key means deleted."""
    wanted: dict[type, set[int]] = defaultdict(set)
    for item in items:
        kind = get_kind(item.kind)
        if kind is not None and kind.subject_model is not None and item.subject_id is not None:
            wanted[kind.subject_model].add(item.subject_id)
    found = {}
    for model, model_ids in wanted.items():
        for obj in db.session.scalars(sa.select(model).where(model.id.in_(model_ids))):
            found[(model.__name__, obj.id)] = obj
    return found


def plan(item: Item, off: set, subjects: dict, now: datetime) -> Outcome | Delivery:
    """An Outcome when the row needs no delivery (or cannot have one), else a Delivery."""
    kind = get_kind(item.kind)
    if kind is None:
        log.error("notification %s has unknown kind %r: marked failed", item.id, item.kind)
        return Outcome(
            item.id,
            NotificationState.FAILED,
            f"Unknown kind {item.kind!r}: no feature registers it, so it cannot be written.",
        )
    if not item.recipient_active:
        log.warning("notification %s: recipient %s is deactivated", item.id, item.recipient_id)
        return Outcome(item.id, NotificationState.SKIPPED, "The recipient is deactivated.")
    if item.relevant_until is not None and item.relevant_until <= now:
        log.info("notification %s is late: its event has started", item.id)
        return Outcome(item.id, NotificationState.SKIPPED, "The event had already started.")
    obj = None
    if kind.subject_model is not None and item.subject_id is not None:
        obj = subjects.get((kind.subject_model.__name__, item.subject_id))
        if obj is None:
            log.warning(
                "notification %s: %s %s was deleted", item.id, item.subject_type, item.subject_id
            )
            return Outcome(item.id, NotificationState.SKIPPED, "What it is about was deleted.")
        if kind.is_relevant is not None and not kind.is_relevant(obj):
            log.info("notification %s no longer applies", item.id)
            return Outcome(item.id, NotificationState.SKIPPED, "It no longer applies.")
    if kind.signed_link is None:
        return _channels(item, kind, off, kind.link_for(item))
    link = kind.signed_link(item, obj)
    if link is None:
        log.info("notification %s: its link can no longer be made", item.id)
        return Outcome(
            item.id,
            NotificationState.SKIPPED,
            "No link was made: the account, person or record it is for does not exist (or no "
            "longer has an active account), or has changed since.",
        )
    return _email_only(item, kind, link)


def _email_only(item: Item, kind: Kind, link: LinkTarget) -> Outcome | Delivery:
    if not _ADDRESS.match(item.recipient_email):
        log.warning("notification %s: no usable e-mail address", item.id)
        return Outcome(item.id, NotificationState.FAILED, "No usable e-mail address.")
    return Delivery(item, kind, email=True, inbox=False, link=link)


def _channels(item: Item, kind: Kind, off: set, link: LinkTarget) -> Outcome | Delivery:
    if item.recipient_id is None:
        return _email_only(item, kind, link)
    mandatory = kind.category in MANDATORY_CATEGORIES
    category = kind.category.value
    inbox = mandatory or (item.recipient_id, category, Channel.IN_APP.value) not in off
    email = mandatory or (item.recipient_id, category, Channel.EMAIL.value) not in off
    note = ""
    if email and not _ADDRESS.match(item.recipient_email):
        log.warning("notification %s: user %s has no usable e-mail", item.id, item.recipient_id)
        email, inbox = False, True
        note = "No usable e-mail address: shown in the inbox only."
    if not email and not inbox:
        return Outcome(
            item.id,
            NotificationState.SKIPPED,
            f"The recipient switched off {category} notifications.",
        )
    return Delivery(item, kind, email, inbox, note, link)
