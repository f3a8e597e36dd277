"""Schools, teachers and coordinators, and a real SMTP server (aiosmtpd) on 127.0.0.1.

The users read English, so that the tests can look for the English messages.
"""

from __future__ import annotations

import socket
import threading
from email import message_from_bytes, policy
from email.message import EmailMessage
from types import SimpleNamespace

import pytest
from aiosmtpd.controller import Controller

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
    """An SMTP server on a free local port; ``.port`` and ``.mailbox.messages``."""
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


@pytest.fixture
def schools(make):
    """Two schools, a teacher at each, and a class at each with one pupil."""
    ullern = make.school("Ullern videregående skole")
    nydalen = make.school("Nydalen videregående skole")
    world = SimpleNamespace(
        ullern=ullern,
        nydalen=nydalen,
        teacher=make.user(Role.TEACHER, name="Tore Lærer", organization=ullern, language="en"),
        other_teacher=make.user(
            Role.TEACHER, name="Nina Lærer", organization=nydalen, language="en"
        ),
        ullern_class=make.school_class(ullern, "2STA"),
        nydalen_class=make.school_class(nydalen, "1STB"),
    )
    world.ullern_pupil = make.student(world.ullern_class, "Emma Hansen")
    world.nydalen_pupil = make.student(world.nydalen_class, "Jakob Olsen")
    db.session.commit()
    return world


@pytest.fixture
def teacher(schools, login):
    """The logged-in teacher at Ullern."""
    return login(schools.teacher)


@pytest.fixture
def coordinator(make, login):
    """A logged-in coordinator."""
    user = make.user(
        Role.COORDINATOR, name="Cora Coordinator", email="cora@example.org", language="en"
    )
    db.session.commit()
    return login(user)
