"""A host's dashboard: this week's visits at their organisation's sites (today and the next
six days), bookings waiting for their answer, and teachers' open visit requests they could
answer with a slot."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa

from talent.clock import today_for
from talent.home.dashboards.common import LIMIT, Shown, first, week_of
from talent.people.models import User
from talent.visits.models import VisitRequest
from talent.visits.services.dashboard import (
    open_requests,
    visit_lines_awaiting_answer,
    visit_lines_between,
)

#: A week of visits is shown whole, up to this many.
WEEK_LIMIT = 25


@dataclass(frozen=True)
class HostBoard:
    has_organization: bool
    #: Lines of visits (rows: id, state, persons, starts_at, site, host, school, class names).
    week: Shown[sa.Row] = field(default_factory=Shown)
    to_answer: Shown[sa.Row] = field(default_factory=Shown)
    requests: Shown[VisitRequest] = field(default_factory=Shown)
    week_start: datetime | None = None


def build(user: User, *, now: datetime) -> HostBoard:
    """Read the host's week, the bookings to confirm and the open requests (four queries)."""
    organization_id = user.organization_id
    if organization_id is None:
        return HostBoard(has_organization=False)
    start, end = week_of(user, now)
    week = visit_lines_between(
        user, organization_id=organization_id, start=start, end=end, limit=WEEK_LIMIT + 1
    )
    to_answer = visit_lines_awaiting_answer(
        user, now=now, organization_id=organization_id, limit=LIMIT + 1
    )
    # Hosts may see every open request (talent.auth.policy): any host may propose a slot.
    requests = open_requests(today=today_for(user, now), limit=LIMIT + 1)
    return HostBoard(
        has_organization=True,
        week=first(week, WEEK_LIMIT),
        to_answer=first(to_answer),
        requests=first(requests),
        week_start=start,
    )
