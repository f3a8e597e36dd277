"""What a burst of identical requests left behind: new audit events, new notices, drift."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from html import unescape

import sqlalchemy as sa

from talent.audit.models import AuditEvent
from talent.extensions import db
from talent.reminders.models import Notification

#: What `talent check-integrity` answers when it does not exist yet, and what we say then.
MISSING_COMMAND = "No such command"
MISSING_COMMAND_TEXT = "`talent check-integrity` does not exist yet"


@dataclass(frozen=True)
class Before:
    last_audit_id: int
    last_notice_id: int


def snapshot() -> Before:
    """The newest audit event and notice now; ends the read so the server may write."""
    last_audit = db.session.scalar(sa.select(sa.func.max(AuditEvent.id))) or 0
    last_notice = db.session.scalar(sa.select(sa.func.max(Notification.id))) or 0
    db.session.rollback()
    return Before(last_audit, last_notice)


@dataclass(frozen=True)
class Measure:
    #: New audit events by action.
    actions: Counter
    #: New notices by recipient, kind, subject and lead time: the same notice when repeated (a
    #: booking rightly sends one reminder a week ahead and one a day ahead).
    notices: Counter

    @classmethod
    def since(cls, before: Before) -> Measure:
        actions = Counter(
            db.session.scalars(
                sa.select(AuditEvent.action).where(AuditEvent.id > before.last_audit_id)
            )
        )
        rows = db.session.execute(
            sa.select(
                Notification.recipient_id,
                Notification.kind,
                Notification.subject_type,
                Notification.subject_id,
                Notification.lead_minutes,
            ).where(Notification.id > before.last_notice_id)
        )
        notices = Counter(tuple(row) for row in rows)
        db.session.rollback()
        return cls(actions, notices)

    @property
    def repeated_notices(self) -> dict:
        return {key: count for key, count in self.notices.items() if count > 1}

    def notice_summary(self) -> str:
        if not self.notices:
            return "none"
        by_kind = Counter()
        for (_, kind, *_subject), count in self.notices.items():
            by_kind[kind] += count
        repeated = self.repeated_notices
        worst = f", {max(repeated.values())} times the same" if repeated else ", none repeated"
        return f"{dict(by_kind)}{worst}"


def check_integrity(runner) -> str:
    """Run `talent check-integrity`; its complaint, or "" when the data is clean.

    Through the command itself (in this process: a new interpreter per route would cost three
    seconds each). Until the command exists this says so, and the test fails.
    """
    result = runner.invoke(args=["check-integrity"])
    db.session.rollback()
    if result.exit_code == 0:
        return ""
    output = " ".join(result.output.split())
    if MISSING_COMMAND in output:
        return MISSING_COMMAND_TEXT
    if result.exception and not isinstance(result.exception, SystemExit):
        return f"check-integrity raised {result.exception!r}"
    return f"exit {result.exit_code}: {output[:500]}"


_MESSAGE = re.compile(
    r'class="(?:invalid-feedback|alert alert-(?:danger|warning|info|success))[^"]*"[^>]*>'
    r"(.*?)</div>",
    re.S,
)


def page_problems(client, answers) -> list[str]:
    """The error and info messages of the pages answered or redirected to (a refused change
    says why there)."""
    found = []
    bodies = [a.body for a in answers if not a.location]
    redirected = next((a for a in answers if a.location), None)
    if redirected:
        bodies.append(client.page_after(redirected))
    for body in bodies:
        for message in _MESSAGE.findall(body):
            text = " ".join(unescape(re.sub(r"<[^>]+>", " ", message)).split())
            if text and text not in found:
                found.append(text)
    statuses = sorted({f"{a.status} → {a.location}" for a in answers if a.location})
    return found[:4] + statuses[:3]
