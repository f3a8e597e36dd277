"""Every e-mail the web process causes is a ledger row that the scheduler delivers.

The web app under test points at an SMTP "server" that listens but never answers: had a view
tried to send, it would have connected (and hung until its timeout). Each action must leave
that listener untouched and a pending ledger row behind; one scheduler tick against a real
SMTP server (aiosmtpd) then delivers the e-mail, with a link that works and was made then.
"""

from __future__ import annotations

import re
import socket
from collections.abc import Callable
from dataclasses import dataclass

import pytest
import sqlalchemy as sa

from talent.auth.links import INVITATION, PASSWORD_RESET
from talent.consents.links import GUARDIAN_LINK
from talent.courses.notices import MESSAGE as COURSE_MESSAGE
from talent.extensions import db
from talent.mentoring.models import MentoringSession, SessionMode
from talent.mentoring.services.reminders import SESSION_BY_LINK
from talent.people.models import Role, User
from talent.reminders.models import Notification, NotificationState
from tests.routes_world import ANONYMOUS, build_world
from tests.support.smtp import deliver

LINK = re.compile(r"http://localhost(/\S+)")


class SilentSMTP:
    """A TCP port that listens and never answers; counts who connected."""

    def __init__(self):
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(16)
        self.socket.setblocking(False)
        self.port = self.socket.getsockname()[1]

    def connections(self) -> int:
        count = 0
        while True:
            try:
                connection, _ = self.socket.accept()
            except BlockingIOError:
                return count
            connection.close()
            count += 1


@pytest.fixture
def silent():
    server = SilentSMTP()
    yield server
    server.socket.close()


@pytest.fixture
def app_settings(silent):
    # A long timeout: a view that tried to send would hang, not fail fast.
    return {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": silent.port, "SMTP_SECURITY": "none",
            "SMTP_TIMEOUT": 60}  # fmt: skip


def _session_pairing(w):
    """The closing pairing's mentee is a pupil without an account, reached by e-mail."""
    w.closing_pairing.mentee.contact_email = "closing.mentee@example.org"
    return w.closing_pairing


def _unconfirmed_session(w):
    session = MentoringSession(
        pairing=_session_pairing(w),
        held_on=w.now.date(),
        duration_minutes=45,
        mode=SessionMode.VIDEO,
    )
    db.session.add(session)
    db.session.flush()
    return session


def _pending_user(w):
    return User(email="pending@example.org", name="Pending Person", language="en",
                invited_at=w.now, created_at=w.now)  # fmt: skip


@dataclass(frozen=True)
class Action:
    who: str
    #: The URL posted to, and the form's values, from the world (which it may prepare).
    post: Callable
    kind: str
    recipient: str
    #: Where the e-mailed link leads, or None for a message without one.
    link_prefix: str | None


def _invite_pending(w):
    user = _pending_user(w)
    db.session.add(user)
    db.session.flush()
    return f"/admin/users/{user.id}/reinvite", {}


ACTIONS = {
    "invitation": Action(
        Role.ADMIN,
        lambda w: (
            "/admin/users/invite",
            {
                "email": "nora@example.org",
                "name": "Nora Nilsen",
                "roles": ["mentor"],
                "language": "en",
            },
        ),  # fmt: skip
        INVITATION,
        "nora@example.org",
        "/invitation/",
    ),
    "invitation again": Action(
        Role.ADMIN, _invite_pending, INVITATION, "pending@example.org", "/invitation/"
    ),
    "pupil's invitation": Action(
        Role.TEACHER,
        lambda w: (
            f"/pupils/{w.doomed_pupil.id}/invite",
            {"email": "jonas@example.org", "language": "en"},
        ),
        INVITATION,
        "jonas@example.org",
        "/invitation/",
    ),
    "password reset": Action(
        ANONYMOUS,
        lambda w: ("/password/forgot", {"email": "teacher@example.org"}),
        PASSWORD_RESET,
        "teacher@example.org",
        "/password/reset/",
    ),
    "guardian's consent link": Action(
        Role.TEACHER,
        lambda w: (f"/guardians/{w.guardian.id}/send-link", {}),
        GUARDIAN_LINK,
        "kari@example.no",
        "/consent/",
    ),
    "session to confirm": Action(
        Role.MENTOR,
        lambda w: (
            f"/mentoring/pairings/{_session_pairing(w).id}/sessions/new",
            {"held_on": w.now.date().isoformat(), "duration_minutes": "45", "mode": "video"},
        ),
        SESSION_BY_LINK,
        "closing.mentee@example.org",
        "/mentoring/confirm/",
    ),
    "session to confirm, again": Action(
        Role.MENTOR,
        lambda w: (f"/mentoring/sessions/{_unconfirmed_session(w).id}/resend", {}),
        SESSION_BY_LINK,
        "closing.mentee@example.org",
        "/mentoring/confirm/",
    ),
    "course message": Action(
        Role.COORDINATOR,
        lambda w: (
            f"/courses/{w.course.id}/message",
            {"subject": "Room change", "body": "We meet in room 2 on Monday."},
        ),
        COURSE_MESSAGE,
        "victim@example.org",
        None,
    ),
}


@pytest.mark.parametrize("name", ACTIONS)
def test_the_web_process_only_writes_the_ledger(app, client, make, login, silent, smtp_server,
                                                 name):  # fmt: skip
    action = ACTIONS[name]
    world = build_world(make)
    url, data = action.post(world)
    db.session.commit()
    if action.who != ANONYMOUS:
        login(world.users[action.who])

    response = client.post(url, data=data)

    assert response.status_code == 302, response.get_data(as_text=True)
    assert silent.connections() == 0  # the web process never talked to a mail server
    row = db.session.scalar(
        sa.select(Notification).where(
            Notification.kind == action.kind,
            sa.or_(
                Notification.recipient_address == action.recipient,
                Notification.recipient.has(User.email == action.recipient),
            ),
        )
    )
    assert row is not None and row.state is NotificationState.PENDING

    app.config["SMTP_PORT"] = smtp_server.port  # the scheduler's turn, with a real server
    deliver()
    db.session.refresh(row)
    assert row.state is NotificationState.SENT
    received = [m for m in smtp_server.mailbox.messages if m["Message-ID"] == row.message_id]
    assert [m["To"] for m in received] == [action.recipient]
    if action.link_prefix is not None:
        text = received[0].get_body(("plain",)).get_content()
        [path] = [p for p in LINK.findall(text) if p.startswith(action.link_prefix)]
        client.post("/logout")
        assert client.get(path).status_code == 200  # the link made at delivery works
        assert path.rsplit("/", 1)[1] not in str(row.context)  # and it was never stored


def test_the_ledger_lists_link_e_mails_without_their_links(app, client, make, login):
    world = build_world(make)
    db.session.commit()
    client.post("/password/forgot", data={"email": "teacher@example.org"})
    deliver()  # without SMTP the e-mail goes to the log; the row is sent all the same
    login(world.users[Role.COORDINATOR])

    page = client.get(f"/ledger/?kind={PASSWORD_RESET}").get_data(as_text=True)

    assert "teacher@example.org" in page
    assert "Carries a one-use link, signed when sent and never stored." in page
    assert "/password/reset/" not in page


def test_a_reset_costs_the_same_for_an_unknown_address(client, make, count_queries):
    """The same statements either way, so the answer's timing says nothing about accounts."""
    make.user(Role.TEACHER, email="known@example.org")
    db.session.commit()
    statements = {}
    for email in ("known@example.org", "unknown@example.org"):
        with count_queries() as counter:
            response = client.post("/password/forgot", data={"email": email})
        assert response.status_code == 302
        statements[email] = [statement.split()[0].upper() for statement in counter.statements]
    assert statements["known@example.org"] == statements["unknown@example.org"]
    assert "INSERT" in statements["unknown@example.org"]
