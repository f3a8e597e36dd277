"""A mentor's dashboard: their open pairings (proposals to answer, overdue ones first) and the
sessions they logged that the mentee has not confirmed yet. Only the mentor's own pairings;
private notes are never read."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from talent.clock import today_for
from talent.home.dashboards.common import LIMIT, Shown, first
from talent.mentoring.models import MAX_CAPACITY, PairingState
from talent.mentoring.services.dashboard import (
    PairingLine,
    SessionLine,
    mentor_profile_id,
    open_pairings_of_mentor,
    unconfirmed_sessions_of_mentor,
)
from talent.people.models import User


@dataclass(frozen=True)
class MentorBoard:
    has_profile: bool
    today: date
    pairings: list[PairingLine] = field(default_factory=list)
    unconfirmed: Shown[SessionLine] = field(default_factory=Shown)

    @property
    def proposals(self) -> list[PairingLine]:
        return [p for p in self.pairings if p.state is PairingState.PROPOSED]

    @property
    def overdue(self) -> list[PairingLine]:
        return [p for p in self.pairings if p.is_overdue(self.today)]

    @property
    def running(self) -> list[PairingLine]:
        return [p for p in self.pairings if p.state is not PairingState.PROPOSED]


def build(user: User, *, now: datetime) -> MentorBoard:
    """Read the mentor's profile, open pairings and unconfirmed sessions (three queries)."""
    today = today_for(user, now)
    profile_id = mentor_profile_id(user)
    if profile_id is None:
        return MentorBoard(has_profile=False, today=today)
    # A mentor holds at most MAX_CAPACITY open pairings, so all of them fit on the page.
    pairings = open_pairings_of_mentor(profile_id, limit=MAX_CAPACITY + LIMIT)
    sessions = unconfirmed_sessions_of_mentor(profile_id, limit=LIMIT + 1)
    return MentorBoard(True, today, pairings, first(sessions))
