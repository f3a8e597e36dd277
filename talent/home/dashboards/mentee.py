"""What a mentee with an account (a researcher, or a pupil whose record is linked to it) sees of
their mentoring: their running pairings and the sessions waiting for their confirmation."""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa

from talent.home.dashboards.common import LIMIT, Shown, first
from talent.mentoring.services.dashboard import (
    PairingLine,
    running_pairings_of_account,
    sessions_to_confirm,
)
from talent.people.models import User


@dataclass(frozen=True)
class MenteeView:
    pairings: list[PairingLine] = field(default_factory=list)
    #: Rows: id, pairing_id, held_on, duration_minutes.
    to_confirm: Shown[sa.Row] = field(default_factory=Shown)


def build(user: User) -> MenteeView | None:
    """The mentee's pairings and sessions to confirm, or None without any (1–2 queries)."""
    pairings = running_pairings_of_account(user, limit=LIMIT)
    if not pairings:
        return None
    sessions = sessions_to_confirm([p.id for p in pairings], limit=LIMIT + 1)
    return MenteeView(pairings, first(sessions))
