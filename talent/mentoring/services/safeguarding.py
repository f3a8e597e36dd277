"""Safeguarding concerns: raised by anyone involved, sent to the programme's safeguarding
lead at once, seen by coordinators only, followed up in their own log."""

from __future__ import annotations

import logging
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from talent.audit.services import record_event
from talent.errors import AlreadyDone, ValidationFailed
from talent.extensions import db
from talent.locking import lock
from talent.mentoring.models import Concern, ConcernNote, ConcernStatus, Pairing
from talent.mentoring.services import reminders
from talent.mentoring.services.pairings import pairing_options
from talent.people.models import User
from talent.text import require_single_line

log = logging.getLogger(__name__)


def _text(value: str, *, field: str, limit: int, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationFailed(_l("This field is required."), field=field)
    if len(value) > limit:
        raise ValidationFailed(
            _l("Keep this under %(count)d characters.", count=limit), field=field
        )
    return value


def raise_concern(
    actor: User | None, pairing: Pairing, *, summary: str, details: str = "", now: datetime
) -> Concern:
    """Record a concern about a pairing and alert the programme's safeguarding lead."""
    require_single_line(summary=summary)
    summary = _text(summary, field="summary", limit=200)
    details = _text(details, field="details", limit=10_000, required=False)
    lock(pairing)
    raised_by = actor.id if actor is not None else None
    same = sa.select(Concern.id).where(
        Concern.pairing_id == pairing.id,
        Concern.status == ConcernStatus.OPEN,
        Concern.summary == summary,
        Concern.details == details,
        Concern.raised_by_id == raised_by if raised_by is not None else sa.true(),
    )
    if db.session.scalar(same.limit(1)) is not None:
        raise AlreadyDone(_l("This concern is already recorded; the lead has been told."))
    concern = Concern(
        pairing=pairing,
        raised_by_id=raised_by,
        raised_at=now,
        lead_id=pairing.programme.safeguarding_lead_id,
        summary=summary,
        details=details,
        status=ConcernStatus.OPEN,
    )
    db.session.add(concern)
    db.session.flush()
    # The audit trail names the pairing, never the concern's words.
    record_event(actor, "concern.raise", concern, now=now, label=f"pairing {pairing.id}")
    reminders.concern_raised(concern, now=now)
    log.warning("safeguarding concern %s raised on pairing %s", concern.id, pairing.id)
    return concern


def add_concern_note(actor: User, concern: Concern, *, body: str, now: datetime) -> ConcernNote:
    """Add an entry to the concern's follow-up log."""
    body = _text(body, field="body", limit=10_000)
    lock(concern)
    if any((n.body, n.author_id) == (body, actor.id) for n in concern.notes):
        raise AlreadyDone(_l("This note is already in the log."))
    note = ConcernNote(concern=concern, author_id=actor.id, written_at=now, body=body)
    db.session.add(note)
    db.session.flush()
    record_event(actor, "concern.note", concern, now=now, label=f"pairing {concern.pairing_id}")
    return note


def close_concern(actor: User, concern: Concern, *, outcome: str, now: datetime) -> None:
    """Close a concern, recording what came of it."""
    lock(concern)
    if concern.status is ConcernStatus.CLOSED:
        raise AlreadyDone(_l("This concern is already closed."))
    concern.outcome = _text(outcome, field="outcome", limit=1000)
    concern.status = ConcernStatus.CLOSED
    concern.closed_at = now
    concern.closed_by_id = actor.id
    db.session.flush()
    record_event(actor, "concern.close", concern, now=now, label=f"pairing {concern.pairing_id}")


def reopen_concern(actor: User, concern: Concern, *, now: datetime) -> None:
    lock(concern)
    if concern.status is ConcernStatus.OPEN:
        raise AlreadyDone(_l("This concern is already open."))
    concern.status = ConcernStatus.OPEN
    concern.closed_at = None
    concern.closed_by_id = None
    db.session.flush()
    record_event(actor, "concern.reopen", concern, now=now, label=f"pairing {concern.pairing_id}")


def concern_list(*, page: int, per_page: int = 25, status: ConcernStatus | None = None):
    """Concerns, open ones first, newest first."""
    select = sa.select(Concern).options(
        selectinload(Concern.pairing).options(*pairing_options()),
        selectinload(Concern.raised_by),
        selectinload(Concern.lead),
    )
    if status is not None:
        select = select.where(Concern.status == status)
    open_first = sa.case((Concern.status == ConcernStatus.OPEN, 0), else_=1)
    select = select.order_by(open_first, Concern.raised_at.desc(), Concern.id.desc())
    return db.paginate(select, page=page, per_page=per_page, error_out=False)


def load_concern(concern_id: int) -> Concern | None:
    return db.session.scalar(
        sa.select(Concern)
        .where(Concern.id == concern_id)
        .options(
            selectinload(Concern.pairing).options(*pairing_options()),
            selectinload(Concern.raised_by),
            selectinload(Concern.lead),
            selectinload(Concern.notes).selectinload(ConcernNote.author),
        )
    )


def open_concern_counts(pairing_ids: list[int]) -> dict[int, int]:
    if not pairing_ids:
        return {}
    rows = db.session.execute(
        sa.select(Concern.pairing_id, sa.func.count())
        .where(Concern.pairing_id.in_(pairing_ids), Concern.status == ConcernStatus.OPEN)
        .group_by(Concern.pairing_id)
    )
    return dict(rows.all())
