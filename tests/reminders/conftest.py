"""Fixtures of the reminder tests: a real SMTP server on 127.0.0.1."""

from __future__ import annotations

import pytest

from tests.reminders.support import MailBox, SMTPServer


@pytest.fixture
def mailbox():
    return MailBox()


@pytest.fixture
def smtp(mailbox):
    """A real SMTP server on 127.0.0.1 for the test; ``smtp.settings()`` points the app at it."""
    with SMTPServer(mailbox) as server:
        yield server
