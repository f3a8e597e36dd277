"""Who may see and manage schools, classes and pupils (registered with talent.auth.policy).

A teacher reaches the pupils of their own school; a pupil with an account their own record;
coordinators every pupil (admins pass every rule). Mentoring adds its own grant: a mentor sees
the pupils they mentor (talent/mentoring/policy.py).
"""

from __future__ import annotations

from talent.auth.policy import Rules, same_school, school_staff_for
from talent.people.models import Organization, User
from talent.schools.models import SchoolClass, Student

rules = Rules()


@rules.object("classes.manage", SchoolClass)
def manage_class(user: User, school_class: SchoolClass) -> bool:
    return same_school(user, school_class.school_id)


@rules.object("classes.manage", Student)
def manage_student(user: User, student: Student) -> bool:
    return same_school(user, student.school_id)


@rules.object("classes.manage", Organization)
def manage_school(user: User, school: Organization) -> bool:
    return same_school(user, school.id)


@rules.object("pupils.view", Student)
def view_pupil(user: User, student: Student) -> bool:
    return school_staff_for(user, student.school_id) or (
        student.user_id is not None and student.user_id == user.id
    )
