"""A real SMTP server (aiosmtpd) on 127.0.0.1 that keeps every message it receives."""

from __future__ import annotations

import socket
import threading
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from flask import g

from talent.extensions import db
from talent.people.models import Role


class MailBox:
    """Collects what the SMTP server receives, parsed as e-mail messages."""

    def __init__(self):
        self.messages: list[EmailMessage] = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self._lock:
            self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server():
    """Start an SMTP server on a free local port; ``.port`` and ``.mailbox.messages``."""
    mailbox = MailBox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    controller.mailbox = mailbox
    try:
        yield controller
    finally:
        controller.stop()


@pytest.fixture
def mail_settings(smtp_server) -> dict:
    """Settings that make the app send its e-mail to ``smtp_server``."""
    return {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": smtp_server.port, "SMTP_SECURITY": "none"}


@pytest.fixture(autouse=True)
def load_user_per_request(app):
    """Make every request load its user from its own session cookie, as in production.

    The app fixture holds one app context for the whole test, so flask.g, where Flask-Login
    caches the current user, would otherwise carry one client's user into the next request,
    even into another client's.
    """

    @app.before_request
    def forget_cached_user() -> None:
        g.pop("_login_user", None)


@pytest.fixture
def admin(make, login):
    """A logged-in administrator."""
    user = make.user(Role.ADMIN, name="Ada Admin", email="ada@example.org")
    db.session.commit()
    return login(user)


@pytest.fixture
def coordinator(make, login):
    """A logged-in coordinator."""
    user = make.user(Role.COORDINATOR, name="Cora Coordinator", email="cora@example.org")
    db.session.commit()
    return login(user)
