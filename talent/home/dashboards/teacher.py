"""A teacher's dashboard: their school's visits in the next two weeks with what is still to
do before each (checklist items, missing consents), and their school's open visit requests."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from talent.clock import today_for
from talent.home.dashboards.common import LIMIT, Shown, first
from talent.people.models import User
from talent.visits.models import ChecklistItem, LabVisit, VisitRequest
from talent.visits.services.dashboard import (
    consent_blocker_counts,
    open_requests,
    visits_to_prepare,
)

#: How far ahead the dashboard looks for visits.
UPCOMING_DAYS = 14


@dataclass(frozen=True)
class VisitToPrepare:
    visit: LabVisit
    #: Checklist items not ticked yet, the earliest due first.
    open_items: list[ChecklistItem]
    #: Listed pupils under 18 without a valid lab-visit consent on the day.
    missing_consents: int
    today: date

    @property
    def overdue_items(self) -> list[ChecklistItem]:
        return [item for item in self.open_items if item.due_on < self.today]

    @property
    def is_ready(self) -> bool:
        return not self.open_items and not self.missing_consents


@dataclass(frozen=True)
class TeacherBoard:
    has_school: bool
    visits: Shown[VisitToPrepare] = field(default_factory=Shown)
    requests: Shown[VisitRequest] = field(default_factory=Shown)
    days: int = UPCOMING_DAYS


def build(user: User, *, now: datetime) -> TeacherBoard:
    """Read the teacher's school's coming visits and open requests (six queries)."""
    school_id = user.organization_id
    if school_id is None:
        return TeacherBoard(has_school=False)
    today = today_for(user, now)
    visits = visits_to_prepare(
        user,
        now=now,
        until=now + timedelta(days=UPCOMING_DAYS),
        school_id=school_id,
        limit=LIMIT + 1,
    )
    blockers = consent_blocker_counts(visits[:LIMIT])
    rows = [
        VisitToPrepare(
            visit,
            [item for item in visit.checklist if item.done_at is None],
            blockers.get(visit.id, 0),
            today,
        )
        for visit in visits
    ]
    requests = open_requests(today=today, school_id=school_id, limit=LIMIT + 1)
    return TeacherBoard(has_school=True, visits=first(rows), requests=first(requests))
