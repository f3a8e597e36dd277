"""Fixtures of the reminder tests: the database, a real SMTP server, fixed times."""

from __future__ import annotations

import pytest

from tests.conftest import POSTGRES_URL
from tests.reminders.support import MailBox, SMTPServer, migrate_to_heads


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = POSTGRES_URL or f"sqlite:///{tmp_path_factory.mktemp('db') / 'talent.db'}"
    migrate_to_heads(url)
    return url


@pytest.fixture
def mailbox():
    return MailBox()


@pytest.fixture
def smtp(mailbox):
    """A real SMTP server on 127.0.0.1 for the test; ``smtp.settings()`` points the app at it."""
    with SMTPServer(mailbox) as server:
        yield server
