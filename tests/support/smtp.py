"""A real SMTP server (aiosmtpd) on 127.0.0.1 that keeps every message it receives."""

from __future__ import annotations

import socket
import threading
from email import message_from_bytes, policy
from email.message import EmailMessage


class MailBox:
    """Collects what the SMTP server receives, parsed as e-mail messages."""

    def __init__(self):
        self.messages: list[EmailMessage] = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self._lock:
            self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def deliver(now=None):
    """Run one scheduler tick in its own app context, as the separate scheduler process does
    after the web request committed: the test's own session and objects stay as they were."""
    from flask import current_app

    from talent.extensions import db
    from talent.reminders.delivery import deliver_due

    db.session.commit()  # end the test's own transaction: on SQLite it holds the write lock
    with current_app.app_context():
        return deliver_due(now=now)
