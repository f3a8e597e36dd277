"""A researcher's dashboard: their current course enrollments, where they stand on waitlists,
and seats offered to them with the deadline to answer."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from talent.clock import today_for
from talent.courses.models import CourseEnrollment, EnrollmentState
from talent.courses.services.dashboard import current_enrollments
from talent.courses.services.waitlist import waitlist_positions
from talent.home.dashboards.common import LIMIT, Shown, first
from talent.home.dashboards.mentee import MenteeView
from talent.home.dashboards.mentee import build as build_mentee
from talent.people.models import User


@dataclass(frozen=True)
class ResearcherBoard:
    enrollments: Shown[CourseEnrollment] = field(default_factory=Shown)
    #: Waitlist position by enrollment id (1 is next in line).
    positions: dict[int, int] = field(default_factory=dict)
    mentee: MenteeView | None = None

    @property
    def offers(self) -> list[CourseEnrollment]:
        return [e for e in self.enrollments if e.state is EnrollmentState.OFFERED]


def build(user: User, *, now: datetime) -> ResearcherBoard:
    """Read the researcher's courses and, if they are a mentee, their mentor (2–4 queries)."""
    rows = current_enrollments(user, today=today_for(user, now), limit=LIMIT + 1)
    shown = first(rows)
    return ResearcherBoard(
        enrollments=shown,
        positions=waitlist_positions(shown.items),
        mentee=build_mentee(user),
    )
