"""The reminder engine's own kind: a test message staff send themselves to check delivery."""

from __future__ import annotations

import logging
from datetime import datetime

from flask_babel import lazy_gettext as _l

from talent.people.models import User
from talent.reminders.kinds import Kind
from talent.reminders.models import Category, Notification
from talent.reminders.services import notify

log = logging.getLogger(__name__)

TEST_MESSAGE = Kind(
    "reminders.test",
    Category.ACCOUNT,
    label=_l("Test message"),
    subject=_l("Talent test message"),
    body=_l(
        "This is a test message you asked for at %(requested_at)s.\n\n"
        "If it reached you, the scheduler and e-mail work."
    ),
    link=lambda notification: ("reminders.index", {}),
)

#: The notification kinds this module defines; its feature registers them (feature.py).
KINDS: list[Kind] = [TEST_MESSAGE]


def send_test_message(actor: User, *, now: datetime) -> Notification:
    """Queue a test message to oneself, delivered at the scheduler's next tick."""
    log.info("user %s asked for a test message", actor.id)
    return notify(
        actor,
        TEST_MESSAGE.name,
        None,
        now=now,
        context={"requested_at": now},
        discriminator=now.isoformat(),
    )
