"""Who may see programmes and manage enrollments and alumni (registered with talent.auth.policy)."""

from __future__ import annotations

from talent.auth.policy import Rules, same_school, school_staff_for
from talent.people.models import User
from talent.programmes.models import Programme, ProgrammeEnrollment
from talent.schools.models import Student

rules = Rules()


@rules.object("enrollments.manage", Student)
@rules.object("alumni.manage", Student)
def manage_pupil_records(user: User, student: Student) -> bool:
    return school_staff_for(user, student.school_id)


@rules.object("programmes.view", Programme)
@rules.object("enrollments.manage", Programme)
def view_programme(user: User, programme: Programme) -> bool:
    """A programme for every school, or for the teacher's own."""
    return programme.school_id is None or same_school(user, programme.school_id)


@rules.object("programmes.manage", Programme)
def manage_programme(user: User, programme: Programme) -> bool:
    return True


@rules.object("enrollments.manage", ProgrammeEnrollment)
def manage_enrollment(user: User, enrollment: ProgrammeEnrollment) -> bool:
    return school_staff_for(user, enrollment.student.school_id)
