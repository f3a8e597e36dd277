"""A mentor's dashboard: their open pairings (proposals to answer, overdue ones first) and the
sessions they logged that the mentee has not confirmed yet. Only the mentor's own pairings;
private notes are never read."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from talent.home.dashboards.common import LIMIT, Shown, first, today_of
from talent.mentoring.models import MAX_CAPACITY, MentoringSession, Pairing, PairingState
from talent.mentoring.services.dashboard import (
    open_pairings_of_mentor,
    unconfirmed_sessions_of_mentor,
)
from talent.mentoring.services.profiles import mentor_profile_of
from talent.people.models import User


@dataclass(frozen=True)
class MentorBoard:
    has_profile: bool
    today: date
    pairings: list[Pairing] = field(default_factory=list)
    unconfirmed: Shown[MentoringSession] = field(default_factory=Shown)

    @property
    def proposals(self) -> list[Pairing]:
        return [p for p in self.pairings if p.state is PairingState.PROPOSED]

    @property
    def overdue(self) -> list[Pairing]:
        return [p for p in self.pairings if p.is_overdue(self.today)]

    @property
    def running(self) -> list[Pairing]:
        return [p for p in self.pairings if p.state is not PairingState.PROPOSED]


def build(user: User, *, now: datetime) -> MentorBoard:
    """Read the mentor's profile, open pairings and unconfirmed sessions (three queries)."""
    today = today_of(user, now)
    profile = mentor_profile_of(user)
    if profile is None:
        return MentorBoard(has_profile=False, today=today)
    # A mentor holds at most MAX_CAPACITY open pairings, so all of them fit on the page.
    pairings = open_pairings_of_mentor(profile, limit=MAX_CAPACITY + LIMIT)
    sessions = unconfirmed_sessions_of_mentor(profile, limit=LIMIT + 1)
    return MentorBoard(True, today, pairings, first(sessions))
