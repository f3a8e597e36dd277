"""One scheduler tick: claim due rows in batches, deliver each in-app and by e-mail, record.

Guarantee: at least once. A row is marked sent only after its e-mail was handed to SMTP; a
scheduler that dies in between leaves the row claimed, and after the lease another scheduler
sends it again. Outcomes are written every ``record_every`` e-mails, so a crash can resend at
most that many, each with the Message-ID of the first copy.

A scheduler that stalls past its lease (paused, swapped out) finds out before its next chunk:
the write that records a chunk also confirms that the next chunk's rows are still its claim's
(and extends their lease), so rows another scheduler took meanwhile are not sent again.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import force_locale

from talent.db import utcnow
from talent.extensions import db
from talent.reminders.ledger import Outcome, Recorder, claim_batch
from talent.reminders.mailer import DeliveryError, Mailer
from talent.reminders.models import NotificationState
from talent.reminders.planning import (
    Delivery,
    Item,
    load_batch,
    load_subjects,
    plan,
    switched_off,
)
from talent.reminders.rendering import absolute_link, build_email, phrases, url_adapter
from talent.reminders.settings import ReminderSettings, reminder_settings

log = logging.getLogger(__name__)

MAX_BACKOFF = timedelta(days=1)

__all__ = ["Item", "TickReport", "deliver_due", "worker_name"]


def worker_name() -> str:
    """Who holds a claim: host, process and a random part (pids are reused)."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


@dataclass
class TickReport:
    claimed: int = 0
    sent: int = 0
    retried: int = 0
    failed: int = 0
    skipped: int = 0
    emails: int = 0
    #: Rows another scheduler took over after this one's lease ran out: not sent again.
    lost: int = 0

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
            "tick by %s: %d claimed, %d sent, %d to retry, %d failed, %d skipped, %d lost",
            worker, report.claimed, report.sent, report.retried, report.failed, report.skipped,
            report.lost,
        )  # fmt: skip
    return report


def _decide(ids: list[int], now: datetime, language: str) -> list[Outcome | Delivery]:
    """Read the batch and decide about every row, in one short transaction."""
    try:
        items = load_batch(ids, language)
        off = switched_off(items)
        subjects = load_subjects(items)
        decisions = []
        for item in items:
            try:
                decisions.append(plan(item, off, subjects, now))
            except Exception as error:  # a kind's is_relevant() that breaks
                log.exception("notification %s could not be planned", item.id)
                decisions.append(
                    Outcome(item.id, NotificationState.FAILED, f"Could not be planned: {error}")
                )
        return decisions
    finally:
        # End the read before talking to SMTP: on SQLite it holds the write lock.
        db.session.rollback()
        db.session.expunge_all()


def _deliver_batch(
    ids: list[int],
    worker: str,
    settings: ReminderSettings,
    mailer: Mailer,
    clock,
    report: TickReport,
) -> None:
    config = current_app.config
    decisions = _decide(ids, clock(), config["BABEL_DEFAULT_LOCALE"])
    adapter = url_adapter(current_app.url_map, config["BASE_URL"])
    preferences_link = adapter.build("reminders.preferences", {}, force_external=True)
    recorder = Recorder(worker, timedelta(seconds=settings.lease_seconds))
    try:
        # Rows come grouped by language: one locale switch per group, not per e-mail.
        for language, group in _by_language(decisions):
            with force_locale(language):
                words = phrases(language)
                for chunk in _chunks(group, settings.record_every):
                    emails = [d.item.id for d in chunk if isinstance(d, Delivery) and d.email]
                    if emails:
                        mailer.ready()  # connect first: the confirmation is then the last step
                    held = recorder.flush(clock(), confirm=emails)
                    for decision in chunk:
                        if isinstance(decision, Outcome):
                            outcome = decision
                        elif decision.email and decision.item.id not in held:
                            continue  # another scheduler holds it now: not sent again
                        else:
                            outcome = _deliver(
                                decision, words, mailer, adapter, preferences_link, settings,
                                clock(),
                            )  # fmt: skip
                            report.emails += decision.email
                        recorder.add(outcome)
                        report.count(outcome)
    finally:
        recorder.flush(clock())
        report.lost += recorder.lost


def _by_language(decisions: list[Outcome | Delivery]):
    group: list[Outcome | Delivery] = []
    language = None
    for decision in decisions:
        current = decision.item.recipient_language if isinstance(decision, Delivery) else language
        if current != language and group:
            yield language or "en", group
            group = []
        language = current
        group.append(decision)
    if group:
        yield language or "en", group


def _chunks(group: list[Outcome | Delivery], emails_per_chunk: int):
    """The group in chunks of at most ``emails_per_chunk`` e-mails each."""
    chunk: list[Outcome | Delivery] = []
    emails = 0
    for decision in group:
        is_email = isinstance(decision, Delivery) and decision.email
        if is_email and emails == emails_per_chunk:
            yield chunk
            chunk, emails = [], 0
        chunk.append(decision)
        emails += is_email
    if chunk:
        yield chunk


def _deliver(
    delivery: Delivery,
    words,
    mailer: Mailer,
    adapter,
    preferences_link: str,
    settings: ReminderSettings,
    now: datetime,
) -> Outcome:
    item, kind = delivery.item, delivery.kind
    inbox_at = now if delivery.inbox else None
    if not delivery.email:
        return Outcome(
            item.id, NotificationState.SENT, delivery.note, sent_at=now, inbox_at=inbox_at
        )
    try:
        message = build_email(
            kind,
            item,
            words,
            sender=current_app.config["MAIL_SENDER"],
            link=absolute_link(delivery.link, adapter),
            # Someone without an account has no preferences to choose.
            preferences_link=preferences_link if item.recipient_id is not None else None,
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
        delivery.note,
        sent_at=now,
        message_id=message.message_id,
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
