"""Test support shared by the reminder, calendar and scheduler tests: a real SMTP server
(aiosmtpd on 127.0.0.1) and test-only notification kinds."""

from __future__ import annotations

import asyncio
import re
import socket
import threading
import time
from collections import Counter
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller
from flask_babel import lazy_gettext as _l

from talent.people.models import Organization
from talent.reminders.kinds import Kind, register_kind
from talent.reminders.models import Category

#: A meeting "about" an organisation: deleted organisation → skipped, inactive → not relevant.
MEETING = register_kind(
    Kind(
        "test.meeting",
        Category.VISITS,
        label=_l("Test meeting"),
        subject=_l("Meeting at %(place)s %(starts_at)s"),
        body=_l("You meet at %(place)s, %(starts_at)s.\n\nBring your lab coat."),
        link=lambda n: ("people.organizations", {}),
        subject_model=Organization,
        is_relevant=lambda organization: organization.is_active,
    )
)
ACCOUNT_NOTICE = register_kind(
    Kind(
        "test.account_notice",
        Category.ACCOUNT,
        label=_l("Test account notice"),
        subject=_l("Your account changed"),
        body=_l("Something about your account changed."),
    )
)


_MESSAGE_ID = re.compile(rb"^Message-ID: *(\S+)\r?$", re.MULTILINE | re.IGNORECASE)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class MailBox:
    """An aiosmtpd handler that keeps what arrives; it can refuse recipients or go slowly."""

    def __init__(self, *, keep: bool = True):
        self.keep = keep
        self.messages: list[EmailMessage] = []
        self.message_ids: Counter[str] = Counter()
        self.refuse: set[str] = set()
        self.delay = 0.0
        self._lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.keep:
            message = message_from_bytes(envelope.content, policy=policy.default)
            message_id = message["Message-ID"]
        else:  # thousands of messages: read just the one header
            message_id = _MESSAGE_ID.search(envelope.content).group(1).decode()
        with self._lock:
            self.message_ids[message_id] += 1
            if self.keep:
                self.messages.append(message)
        return "250 Message accepted for delivery"

    @property
    def count(self) -> int:
        return sum(self.message_ids.values())

    def wait_for(self, count: int, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while self.count < count and time.monotonic() < deadline:
            time.sleep(0.01)


class SMTPServer:
    def __init__(self, mailbox: MailBox):
        self.mailbox = mailbox
        self.port = free_port()
        self.controller = Controller(mailbox, hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> SMTPServer:
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()

    def settings(self) -> dict:
        return {
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": self.port,
            "SMTP_SECURITY": "none",
            "SMTP_USER": None,
            "SMTP_TIMEOUT": 5,
        }

    def environment(self) -> dict[str, str]:
        return {
            "TALENT_SMTP_HOST": "127.0.0.1",
            "TALENT_SMTP_PORT": str(self.port),
            "TALENT_SMTP_SECURITY": "none",
            "TALENT_SMTP_TIMEOUT": "5",
        }


class SilentServer:
    """Accepts TCP connections and never says a word: an SMTP server that times out."""

    def __init__(self):
        self.port = free_port()
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", self.port))
        self.socket.listen(50)

    def __enter__(self) -> SilentServer:
        return self

    def __exit__(self, *exc) -> None:
        self.socket.close()
