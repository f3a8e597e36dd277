"""A pupil's dashboard (a pupil whose record is linked to their account): their programme
enrollment, their next lab visit and their mentor."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from talent.home.dashboards.mentee import MenteeView
from talent.home.dashboards.mentee import build as build_mentee
from talent.people.models import User
from talent.programmes.models import EnrollmentState, ProgrammeEnrollment
from talent.programmes.services import enrollments_of_pupil
from talent.schools.models import Student
from talent.schools.services import pupil_record_of
from talent.visits.models import LabVisit
from talent.visits.services.dashboard import next_visit_of_account

#: Enrollments a pupil is in now, or waiting to start.
CURRENT = (EnrollmentState.ACTIVE, EnrollmentState.APPLIED)


@dataclass(frozen=True)
class StudentBoard:
    pupil: Student | None
    enrollments: list[ProgrammeEnrollment] = field(default_factory=list)
    next_visit: LabVisit | None = None
    mentee: MenteeView | None = None

    @property
    def current(self) -> list[ProgrammeEnrollment]:
        return [e for e in self.enrollments if e.state in CURRENT]


def build(user: User, *, now: datetime) -> StudentBoard:
    """Read the pupil's record, programmes, next visit and mentor (four or five queries)."""
    pupil = pupil_record_of(user)
    if pupil is None:
        return StudentBoard(pupil=None)
    return StudentBoard(
        pupil=pupil,
        enrollments=enrollments_of_pupil(pupil),
        next_visit=next_visit_of_account(user, now=now),
        mentee=build_mentee(user),
    )
