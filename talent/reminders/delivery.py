"""One scheduler tick: claim due rows in batches, deliver each in-app and by e-mail, record.

Guarantee: at least once. A row is marked sent only after its e-mail was handed to SMTP; a
scheduler that dies in between leaves the row claimed, and after the lease another scheduler
sends it again. Outcomes are written every ``record_every`` e-mails, so a crash can resend at
most that many, each with the Message-ID of the first copy.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import force_locale

from talent.db import utcnow
from talent.extensions import db
from talent.people.models import User
from talent.reminders.kinds import Kind, get_kind
from talent.reminders.ledger import Outcome, Recorder, claim_batch
from talent.reminders.mailer import DeliveryError, Mailer
from talent.reminders.models import (
    MANDATORY_CATEGORIES,
    Channel,
    Notification,
    NotificationPreference,
    NotificationState,
)
from talent.reminders.rendering import absolute_link, build_email, url_adapter
from talent.reminders.settings import ReminderSettings, reminder_settings

log = logging.getLogger(__name__)

MAX_BACKOFF = timedelta(days=1)


def worker_name() -> str:
    """Who holds a claim: host, process and a random part (pids are reused)."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


@dataclass(frozen=True)
class Item:
    """A claimed row and its recipient, read before the transaction ends."""

    id: int
    kind: str
    subject_type: str
    subject_id: int | None
    recipient_id: int
    recipient_name: str
    recipient_email: str
    recipient_language: str
    recipient_timezone: str
    recipient_active: bool
    context: dict[str, Any]
    relevant_until: datetime | None
    attempts: int
    idempotency_key: str


@dataclass
class TickReport:
    claimed: int = 0
    sent: int = 0
    retried: int = 0
    failed: int = 0
    skipped: int = 0
    emails: int = 0
    by_state: dict[str, int] = field(default_factory=dict)

    def count(self, outcome: Outcome) -> None:
        name = {
            NotificationState.SENT: "sent",
            NotificationState.PENDING: "retried",
            NotificationState.FAILED: "failed",
            NotificationState.SKIPPED: "skipped",
        }[outcome.state]
        setattr(self, name, getattr(self, name) + 1)


def deliver_due(*, now: datetime | None = None, worker: str | None = None) -> TickReport:
    """Run one tick: deliver every row due at ``now`` (default: the current time).

    Later batches see time move on from ``now`` as the clock does, so a long tick still
    claims with correct leases and schedules retries from the real time.
    """
    started = utcnow()
    start = now or started

    def clock() -> datetime:
        return start + (utcnow() - started)

    settings = reminder_settings(current_app.config)
    worker = worker or worker_name()
    report = TickReport()
    mailer = Mailer(current_app.config)
    lease = timedelta(seconds=settings.lease_seconds)
    try:
        while True:
            ids = claim_batch(now=clock(), worker=worker, limit=settings.batch_size, lease=lease)
            if not ids:
                break
            report.claimed += len(ids)
            _deliver_batch(ids, worker, settings, mailer, clock, report)
    finally:
        mailer.close()
        db.session.remove()
    if report.claimed:
        log.info(
            "tick by %s: %d claimed, %d sent, %d to retry, %d failed, %d skipped",
            worker,
            report.claimed,
            report.sent,
            report.retried,
            report.failed,
            report.skipped,
        )
    return report


def _load(ids: list[int]) -> tuple[list[Item], dict[tuple[int, str, str], bool], dict]:
    """Read the claimed rows, their recipients' switched-off channels and their objects."""
    rows = db.session.execute(
        sa.select(Notification, User)
        .join(User, User.id == Notification.recipient_id)
        .where(Notification.id.in_(ids))
        .order_by(User.language, Notification.id)
        .execution_options(populate_existing=True)
    ).all()
    items = [
        Item(
            id=n.id,
            kind=n.kind,
            subject_type=n.subject_type,
            subject_id=n.subject_id,
            recipient_id=user.id,
            recipient_name=user.name,
            recipient_email=user.email or "",
            recipient_language=user.language or "nb",
            recipient_timezone=user.timezone,
            recipient_active=user.is_active,
            context=dict(n.context or {}),
            relevant_until=n.relevant_until,
            attempts=n.attempts,
            idempotency_key=n.idempotency_key,
        )
        for n, user in rows
    ]
    recipients = {item.recipient_id for item in items}
    preferences = {
        (p.user_id, p.category.value, p.channel.value): p.is_enabled
        for p in db.session.scalars(
            sa.select(NotificationPreference).where(NotificationPreference.user_id.in_(recipients))
        )
    }
    return items, preferences, _load_subjects(items)


def _load_subjects(items: list[Item]) -> dict[tuple[str, int], Any]:
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


def _deliver_batch(
    ids: list[int],
    worker: str,
    settings: ReminderSettings,
    mailer: Mailer,
    clock,
    report: TickReport,
) -> None:
    items, preferences, subjects = _load(ids)
    # Decide about every row while the objects are loaded, then end the read transaction
    # before talking to SMTP, so that no lock is held while e-mails go out.
    plans = [_plan(item, preferences, subjects, clock()) for item in items]
    db.session.commit()
    db.session.expunge_all()

    config = current_app.config
    adapter = url_adapter(current_app.url_map, config["BASE_URL"])
    preferences_link = adapter.build("reminders.preferences", {}, force_external=True)
    recorder = Recorder(worker)
    since_record = 0
    language = None
    locale_context = None
    try:
        for item, plan in zip(items, plans, strict=True):
            if isinstance(plan, Outcome):
                recorder.add(plan)
                report.count(plan)
                continue
            kind, wants_email, wants_inbox, note = plan
            if item.recipient_language != language:
                if locale_context is not None:
                    locale_context.__exit__(None, None, None)
                language = item.recipient_language
                locale_context = force_locale(language)
                locale_context.__enter__()
            outcome = _deliver_one(
                item,
                kind,
                wants_email,
                wants_inbox,
                note,
                mailer=mailer,
                adapter=adapter,
                preferences_link=preferences_link,
                settings=settings,
                now=clock(),
            )
            recorder.add(outcome)
            report.count(outcome)
            if wants_email:
                report.emails += 1
                since_record += 1
                if since_record >= settings.record_every:
                    recorder.flush()
                    since_record = 0
    finally:
        if locale_context is not None:
            locale_context.__exit__(None, None, None)
        recorder.flush()
        db.session.expunge_all()


def _plan(item: Item, preferences, subjects, now: datetime):
    """An Outcome when the row needs no delivery, else (kind, e-mail?, inbox?, note)."""
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
    if kind.subject_model is not None and item.subject_id is not None:
        obj = subjects.get((kind.subject_model.__name__, item.subject_id))
        if obj is None:
            log.warning(
                "notification %s: %s %s was deleted", item.id, item.subject_type, item.subject_id
            )
            return Outcome(item.id, NotificationState.SKIPPED, "What it is about was deleted.")
        if kind.is_relevant is not None and not kind.is_relevant(obj):
            return Outcome(item.id, NotificationState.SKIPPED, "It no longer applies.")
    return _channels(item, kind, preferences)


def _channels(item: Item, kind: Kind, preferences):
    mandatory = kind.category in MANDATORY_CATEGORIES

    def wanted(channel: Channel) -> bool:
        key = (item.recipient_id, kind.category.value, channel.value)
        return mandatory or preferences.get(key, True)

    wants_inbox = wanted(Channel.IN_APP)
    wants_email = wanted(Channel.EMAIL)
    note = ""
    if wants_email and not _is_address(item.recipient_email):
        log.warning("notification %s: user %s has no usable e-mail", item.id, item.recipient_id)
        wants_email = False
        wants_inbox = True
        note = "No usable e-mail address: shown in the inbox only."
    if not wants_email and not wants_inbox:
        return Outcome(
            item.id,
            NotificationState.SKIPPED,
            f"The recipient switched off {kind.category.value} notifications.",
        )
    return kind, wants_email, wants_inbox, note


def _is_address(address: str) -> bool:
    if not address:
        return False
    try:
        validate_email(address, check_deliverability=False)
    except EmailNotValidError:
        return False
    return True


def _deliver_one(
    item: Item,
    kind: Kind,
    wants_email: bool,
    wants_inbox: bool,
    note: str,
    *,
    mailer: Mailer,
    adapter,
    preferences_link: str,
    settings: ReminderSettings,
    now: datetime,
) -> Outcome:
    inbox_at = now if wants_inbox else None
    if not wants_email:
        return Outcome(item.id, NotificationState.SENT, note, sent_at=now, inbox_at=inbox_at)
    try:
        message = build_email(
            kind,
            item,
            sender=current_app.config["MAIL_SENDER"],
            link=absolute_link(kind, item, adapter),
            preferences_link=preferences_link,
        )
    except Exception as error:
        log.exception("notification %s (%s) could not be written", item.id, item.kind)
        return Outcome(
            item.id,
            NotificationState.FAILED,
            f"The message could not be written: {type(error).__name__}: {error}",
            inbox_at=inbox_at,
        )
    try:
        mailer.send(message)
    except DeliveryError as error:
        return _retry_or_fail(item, str(error), settings, now, inbox_at)
    return Outcome(
        item.id,
        NotificationState.SENT,
        note,
        sent_at=now,
        message_id=message["Message-ID"],
        inbox_at=inbox_at,
    )


def _retry_or_fail(
    item: Item, error: str, settings: ReminderSettings, now: datetime, inbox_at
) -> Outcome:
    if item.attempts >= settings.max_attempts:
        log.error("notification %s failed after %d attempts: %s", item.id, item.attempts, error)
        return Outcome(
            item.id,
            NotificationState.FAILED,
            f"Gave up after {item.attempts} attempts. {error}",
            inbox_at=inbox_at,
        )
    delay = min(timedelta(seconds=settings.retry_seconds * 2 ** (item.attempts - 1)), MAX_BACKOFF)
    log.warning(
        "notification %s attempt %d failed, retry in %s: %s", item.id, item.attempts, delay, error
    )
    return Outcome(
        item.id,
        NotificationState.PENDING,
        f"Attempt {item.attempts} failed; retrying at {(now + delay).isoformat()}. {error}",
        next_attempt_at=now + delay,
        inbox_at=inbox_at,
    )
