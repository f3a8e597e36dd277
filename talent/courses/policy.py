"""Who may manage courses and act on an enrollment (registered with talent.auth.policy).

Coordinators manage every course; a participant acts on their own enrollment only (answer an
offer, withdraw, download their certificate). Admins pass every rule.
"""

from __future__ import annotations

from talent.auth.policy import Rules, is_coordinator
from talent.courses.models import Course, CourseEnrollment, CourseSession
from talent.people.models import User

rules = Rules()


@rules.object("courses.manage", Course)
@rules.object("courses.manage", CourseSession)
@rules.object("courses.manage", CourseEnrollment)
def manage_course(user: User, record: Course | CourseSession | CourseEnrollment) -> bool:
    return is_coordinator(user)


@rules.object("courses.apply", CourseEnrollment)
def own_course_enrollment(user: User, enrollment: CourseEnrollment) -> bool:
    return enrollment.user_id == user.id


@rules.object("courses.certificate", CourseEnrollment)
def course_certificate(user: User, enrollment: CourseEnrollment) -> bool:
    return is_coordinator(user) or enrollment.user_id == user.id
