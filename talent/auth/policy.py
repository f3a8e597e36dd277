"""The one authorisation policy: which roles reach which permission, and on which objects.

Views declare a permission with ``permission_required``; when they act on one object they call
``authorize(user, permission, obj)``. Nothing else decides who may do what.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_babel import lazy_gettext as _l

from talent.errors import NotAllowed
from talent.people.models import Organization, Role, User
from talent.schools.models import SchoolClass, Student

#: Stands for "any logged-in, active user, whatever their roles".
SIGNED_IN = frozenset(Role)

STAFF = frozenset({Role.ADMIN, Role.COORDINATOR})

PERMISSIONS: dict[str, frozenset[Role]] = {
    "home": SIGNED_IN,
    "profile.edit": SIGNED_IN,
    "organizations.manage": STAFF,
    "users.manage": STAFF,
    "audit.read": STAFF,
    "classes.manage": STAFF | {Role.TEACHER},
    # Pupils (talent/consents, rosters, programmes, timeline, privacy): rules further down.
    "pupils.view": STAFF | {Role.TEACHER, Role.MENTOR, Role.STUDENT},
    "consents.manage": STAFF | {Role.TEACHER},
    "rosters.import": STAFF | {Role.TEACHER},
    "programmes.view": STAFF | {Role.TEACHER},
    "programmes.manage": STAFF,
    "enrollments.manage": STAFF | {Role.TEACHER},
    "alumni.manage": STAFF | {Role.TEACHER},
    "privacy.manage": STAFF,
    # Mentoring (talent/mentoring): object rules at the end of this module.
    "mentoring.view": STAFF | {Role.MENTOR, Role.RESEARCHER, Role.STUDENT},
    "mentoring.manage": STAFF,
    "mentoring.mentor_profile": STAFF | {Role.MENTOR},
    "mentoring.pairing.read": STAFF | {Role.MENTOR, Role.RESEARCHER, Role.STUDENT},
    "mentoring.pairing.respond": frozenset({Role.MENTOR}),
    "mentoring.pairing.pause": STAFF | {Role.MENTOR},
    "mentoring.goals.manage": STAFF | {Role.MENTOR},
    "mentoring.sessions.log": frozenset({Role.MENTOR}),
    "mentoring.sessions.confirm": frozenset({Role.RESEARCHER, Role.STUDENT}),
    "mentoring.private_notes.read": STAFF | {Role.MENTOR},
    "mentoring.feedback.give": frozenset({Role.MENTOR, Role.RESEARCHER, Role.STUDENT}),
    "mentoring.concerns.raise": STAFF | {Role.MENTOR, Role.RESEARCHER, Role.STUDENT},
    "mentoring.concerns.manage": STAFF,
    # Courses (talent/courses): object rules in the courses section below.
    "courses.manage": STAFF,
    "courses.apply": frozenset({Role.RESEARCHER, Role.MENTOR, Role.HOST, Role.TEACHER}),
    "courses.certificate": STAFF | {Role.RESEARCHER, Role.MENTOR, Role.HOST, Role.TEACHER},
    # Reminders and calendar (talent/reminders, talent/calendar).
    "notifications.read": SIGNED_IN,
    "calendar.subscribe": SIGNED_IN,
    "ledger.manage": STAFF,
    # Lab visits and activities (talent/visits, talent/activities): object rules at the end.
    "visits.browse": STAFF | {Role.TEACHER, Role.HOST},
    "visits.host": STAFF | {Role.HOST},
    "visits.book": STAFF | {Role.TEACHER},
    "visits.read": STAFF | {Role.TEACHER, Role.HOST},
    "visits.manage": STAFF | {Role.TEACHER},
    "visits.confirm": STAFF | {Role.HOST},
    "visits.cancel": STAFF | {Role.TEACHER, Role.HOST},
    "visits.requests": STAFF | {Role.TEACHER, Role.HOST},
    "visits.blackouts": STAFF | {Role.TEACHER},
    "activities.read": STAFF | {Role.TEACHER, Role.HOST},
    "activities.manage": STAFF | {Role.TEACHER},
    # Impact report (talent/reports).
    "reports.view": STAFF,
}

ObjectRule = Callable[[User, Any], bool]
_OBJECT_RULES: dict[tuple[str, type], ObjectRule] = {}


def object_rule(permission: str, model: type) -> Callable[[ObjectRule], ObjectRule]:
    """Register who may use a permission on one object of a model."""

    def register(rule: ObjectRule) -> ObjectRule:
        _OBJECT_RULES[(permission, model)] = rule
        return rule

    return register


def is_signed_in(user: User | None) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def has_permission(user: User | None, permission: str) -> bool:
    """Function level: may this user reach pages that need this permission at all?"""
    if not is_signed_in(user):
        return False
    allowed = PERMISSIONS[permission]
    if allowed is SIGNED_IN or Role.ADMIN in user.roles:
        return True
    return not user.roles.isdisjoint(allowed)


def can(user: User | None, permission: str, obj: Any = None) -> bool:
    """Object level: may this user use the permission on this object?"""
    if not has_permission(user, permission):
        return False
    if obj is None:
        return True
    rule = _OBJECT_RULES.get((permission, type(obj)))
    if rule is None:
        raise LookupError(f"no object rule for {permission} on {type(obj).__name__}")
    return Role.ADMIN in user.roles or rule(user, obj)


def authorize(user: User | None, permission: str, obj: Any = None) -> None:
    """Raise NotAllowed unless ``can(user, permission, obj)``."""
    if not can(user, permission, obj):
        raise NotAllowed(_l("You do not have access to this."))


def school_scope(user: User) -> int | None:
    """The one school whose records a user is limited to, or None when not limited."""
    if user.has_role(Role.ADMIN, Role.COORDINATOR):
        return None
    return user.organization_id if user.organization_id is not None else -1


def _same_school(user: User, school_id: int) -> bool:
    scope = school_scope(user)
    return scope is None or scope == school_id


@object_rule("classes.manage", SchoolClass)
def _manage_class(user: User, school_class: SchoolClass) -> bool:
    return _same_school(user, school_class.school_id)


@object_rule("classes.manage", Student)
def _manage_student(user: User, student: Student) -> bool:
    return _same_school(user, student.school_id)


@object_rule("classes.manage", Organization)
def _manage_school(user: User, school: Organization) -> bool:
    return _same_school(user, school.id)


@object_rule("users.manage", User)
def _manage_user(user: User, other: User) -> bool:
    # Only an admin may change an admin; the admin shortcut in can() covers admins.
    return Role.ADMIN not in other.roles


@object_rule("organizations.manage", Organization)
def _manage_organization(user: User, organization: Organization) -> bool:
    return True


# --- pupils ------------------------------------------------------------------------------------
# A teacher reaches the pupils of their own school; a mentor only their mentees (the mentoring
# feature registers how to tell, with register_mentee_check); a pupil with an account their own
# record. Coordinators reach every pupil; admins pass every rule through can().

#: Functions (mentor, pupil) → True when the user currently mentors that pupil.
_MENTEE_CHECKS: list[Callable[[User, Student], bool]] = []


def register_mentee_check(check: Callable[[User, Student], bool]) -> Callable:
    """Let the mentoring feature say which pupils a mentor may see."""
    if check not in _MENTEE_CHECKS:
        _MENTEE_CHECKS.append(check)
    return check


def mentors_pupil(user: User, student: Student) -> bool:
    return Role.MENTOR in user.roles and any(check(user, student) for check in _MENTEE_CHECKS)


def _school_staff_for(user: User, school_id: int | None) -> bool:
    """A coordinator, or a teacher at that school."""
    if Role.COORDINATOR in user.roles:
        return True
    return Role.TEACHER in user.roles and school_id is not None and _same_school(user, school_id)


@object_rule("pupils.view", Student)
def _view_pupil(user: User, student: Student) -> bool:
    return (
        _school_staff_for(user, student.school_id)
        or mentors_pupil(user, student)
        or (student.user_id is not None and student.user_id == user.id)
    )


@object_rule("consents.manage", Student)
@object_rule("enrollments.manage", Student)
@object_rule("alumni.manage", Student)
def _manage_pupil_records(user: User, student: Student) -> bool:
    return _school_staff_for(user, student.school_id)


@object_rule("privacy.manage", Student)
def _manage_pupil_privacy(user: User, student: Student) -> bool:
    return True


@object_rule("rosters.import", Organization)
def _import_roster(user: User, school: Organization) -> bool:
    return _school_staff_for(user, school.id)


from talent.consents.models import Consent, Guardian  # noqa: E402 - rules live together
from talent.programmes.models import Programme, ProgrammeEnrollment  # noqa: E402
from talent.rosters.models import RosterImport  # noqa: E402


@object_rule("consents.manage", Guardian)
@object_rule("consents.manage", Consent)
def _manage_consent_records(user: User, record: Guardian | Consent) -> bool:
    return _school_staff_for(user, record.student.school_id)


@object_rule("rosters.import", RosterImport)
def _see_roster_import(user: User, roster_import: RosterImport) -> bool:
    return _school_staff_for(user, roster_import.school_id)


@object_rule("programmes.view", Programme)
@object_rule("enrollments.manage", Programme)
def _view_programme(user: User, programme: Programme) -> bool:
    """A programme for every school, or for the teacher's own."""
    return programme.school_id is None or _same_school(user, programme.school_id)


@object_rule("programmes.manage", Programme)
def _manage_programme(user: User, programme: Programme) -> bool:
    return True


@object_rule("enrollments.manage", ProgrammeEnrollment)
def _manage_enrollment(user: User, enrollment: ProgrammeEnrollment) -> bool:
    return _school_staff_for(user, enrollment.student.school_id)


def grantable_roles(user: User) -> list[Role]:
    """Roles this user may hand out: everyone but an admin may not create admins."""
    if Role.ADMIN in user.roles:
        return list(Role)
    return [role for role in Role if role is not Role.ADMIN]


# --- courses -----------------------------------------------------------------------------------
# Coordinators manage every course; a participant acts on their own enrollment only (answer an
# offer, withdraw, download their certificate). Admins pass every rule through can().

from talent.courses.models import (  # noqa: E402 - rules live next to the others
    Course,
    CourseEnrollment,
    CourseSession,
)


@object_rule("courses.manage", Course)
def _manage_course(user: User, course: Course) -> bool:
    return Role.COORDINATOR in user.roles


@object_rule("courses.manage", CourseSession)
def _manage_course_session(user: User, session: CourseSession) -> bool:
    return Role.COORDINATOR in user.roles


@object_rule("courses.manage", CourseEnrollment)
def _manage_course_enrollment(user: User, enrollment: CourseEnrollment) -> bool:
    return Role.COORDINATOR in user.roles


@object_rule("courses.apply", CourseEnrollment)
def _own_course_enrollment(user: User, enrollment: CourseEnrollment) -> bool:
    return enrollment.user_id == user.id


@object_rule("courses.certificate", CourseEnrollment)
def _course_certificate(user: User, enrollment: CourseEnrollment) -> bool:
    return Role.COORDINATOR in user.roles or enrollment.user_id == user.id


# --- mentoring -----------------------------------------------------------------------------
# A mentor sees only their own pairings; a mentee (with an account) sees their own pairing
# once it runs; private notes are for the pairing's mentor and coordinators; concerns are for
# coordinators only. Admins pass every rule through can().

from talent.mentoring.models import (  # noqa: E402 - rules live next to the others
    Concern,
    Goal,
    MentoringSession,
    Pairing,
    PairingState,
    PlannedSession,
)


def _is_coordinator(user: User) -> bool:
    return Role.COORDINATOR in user.roles


def _is_pairing_mentor(user: User, pairing: Pairing) -> bool:
    return pairing.mentor.user_id == user.id


def _is_pairing_mentee(user: User, pairing: Pairing) -> bool:
    return pairing.mentee.account_id == user.id and pairing.state not in (
        PairingState.PROPOSED,
        PairingState.DECLINED,
        PairingState.LAPSED,
    )


@object_rule("mentoring.mentor_profile", User)
def _edit_mentor_profile(user: User, mentor: User) -> bool:
    return _is_coordinator(user) or user.id == mentor.id


@object_rule("mentoring.manage", Pairing)
def _manage_pairing(user: User, pairing: Pairing) -> bool:
    return _is_coordinator(user)


@object_rule("mentoring.pairing.read", Pairing)
def _read_pairing(user: User, pairing: Pairing) -> bool:
    return (
        _is_coordinator(user)
        or _is_pairing_mentor(user, pairing)
        or _is_pairing_mentee(user, pairing)
    )


@object_rule("mentoring.pairing.respond", Pairing)
def _respond_to_pairing(user: User, pairing: Pairing) -> bool:
    return _is_pairing_mentor(user, pairing)


@object_rule("mentoring.pairing.pause", Pairing)
def _pause_pairing(user: User, pairing: Pairing) -> bool:
    return _is_coordinator(user) or _is_pairing_mentor(user, pairing)


@object_rule("mentoring.goals.manage", Pairing)
def _manage_goals(user: User, pairing: Pairing) -> bool:
    return _is_coordinator(user) or _is_pairing_mentor(user, pairing)


@object_rule("mentoring.goals.manage", Goal)
def _manage_goal(user: User, goal: Goal) -> bool:
    return _manage_goals(user, goal.pairing)


@object_rule("mentoring.sessions.log", Pairing)
def _log_session(user: User, pairing: Pairing) -> bool:
    return _is_pairing_mentor(user, pairing)


@object_rule("mentoring.sessions.log", MentoringSession)
def _edit_session(user: User, session: MentoringSession) -> bool:
    return _is_pairing_mentor(user, session.pairing)


@object_rule("mentoring.sessions.log", PlannedSession)
def _edit_planned(user: User, planned: PlannedSession) -> bool:
    return _is_pairing_mentor(user, planned.pairing)


@object_rule("mentoring.sessions.confirm", MentoringSession)
def _confirm_session(user: User, session: MentoringSession) -> bool:
    return _is_pairing_mentee(user, session.pairing)


@object_rule("mentoring.private_notes.read", Pairing)
def _read_private_notes(user: User, pairing: Pairing) -> bool:
    return _is_coordinator(user) or _is_pairing_mentor(user, pairing)


@object_rule("mentoring.feedback.give", Pairing)
def _give_feedback(user: User, pairing: Pairing) -> bool:
    return _is_pairing_mentor(user, pairing) or _is_pairing_mentee(user, pairing)


@object_rule("mentoring.concerns.raise", Pairing)
def _raise_concern(user: User, pairing: Pairing) -> bool:
    return _read_pairing(user, pairing)


@object_rule("mentoring.concerns.manage", Concern)
def _manage_concern(user: User, concern: Concern) -> bool:
    return _is_coordinator(user)


# --- lab visits and activities -------------------------------------------------------------
# Hosts manage their own organisation's sites and slots and answer bookings on them; teachers
# book for their own school's classes and change their school's visits; coordinators do all.

from talent.activities.models import Activity  # noqa: E402 - rules live next to the others
from talent.visits.models import (  # noqa: E402
    LabSite,
    LabVisit,
    RequestState,
    SchoolBlackout,
    VisitRequest,
    VisitSlot,
)


def _runs_visits(user: User) -> bool:
    return Role.COORDINATOR in user.roles


def _hosts_at(user: User, organization_id: int) -> bool:
    return Role.HOST in user.roles and user.organization_id == organization_id


def _teaches_at(user: User, school_id: int) -> bool:
    return Role.TEACHER in user.roles and user.organization_id == school_id


@object_rule("visits.host", Organization)
def _host_for_organization(user: User, organization: Organization) -> bool:
    return _runs_visits(user) or _hosts_at(user, organization.id)


@object_rule("visits.host", LabSite)
def _host_site(user: User, site: LabSite) -> bool:
    return _runs_visits(user) or _hosts_at(user, site.organization_id)


@object_rule("visits.host", VisitSlot)
def _host_slot(user: User, slot: VisitSlot) -> bool:
    return _host_site(user, slot.site)


@object_rule("visits.book", SchoolClass)
def _book_for_class(user: User, school_class: SchoolClass) -> bool:
    return _runs_visits(user) or _teaches_at(user, school_class.school_id)


@object_rule("visits.read", LabVisit)
def _read_visit(user: User, visit: LabVisit) -> bool:
    return (
        _runs_visits(user)
        or _teaches_at(user, visit.school_id)
        or _hosts_at(user, visit.slot.site.organization_id)
    )


@object_rule("visits.manage", LabVisit)
def _manage_visit(user: User, visit: LabVisit) -> bool:
    return _runs_visits(user) or _teaches_at(user, visit.school_id)


@object_rule("visits.confirm", LabVisit)
def _confirm_visit(user: User, visit: LabVisit) -> bool:
    return _runs_visits(user) or _hosts_at(user, visit.slot.site.organization_id)


@object_rule("visits.cancel", LabVisit)
def _cancel_visit(user: User, visit: LabVisit) -> bool:
    return _manage_visit(user, visit) or _confirm_visit(user, visit)


@object_rule("visits.requests", VisitRequest)
def _read_request(user: User, request: VisitRequest) -> bool:
    return (
        _runs_visits(user)
        or _teaches_at(user, request.school_id)
        or (Role.HOST in user.roles and request.state is RequestState.OPEN)
    )


@object_rule("visits.manage", VisitRequest)
def _manage_request(user: User, request: VisitRequest) -> bool:
    return _runs_visits(user) or _teaches_at(user, request.school_id)


@object_rule("visits.blackouts", Organization)
def _blackouts_of_school(user: User, school: Organization) -> bool:
    return _runs_visits(user) or _teaches_at(user, school.id)


@object_rule("visits.blackouts", SchoolBlackout)
def _blackout(user: User, blackout: SchoolBlackout) -> bool:
    return _runs_visits(user) or _teaches_at(user, blackout.school_id)


@object_rule("activities.read", Activity)
def _read_activity(user: User, activity: Activity) -> bool:
    return (
        _runs_visits(user)
        or _teaches_at(user, activity.school_id)
        or (activity.partner_id is not None and _hosts_at(user, activity.partner_id))
    )


@object_rule("activities.manage", Activity)
def _manage_activity(user: User, activity: Activity) -> bool:
    return _runs_visits(user) or _teaches_at(user, activity.school_id)


@object_rule("activities.manage", Organization)
def _activities_of_school(user: User, school: Organization) -> bool:
    return _runs_visits(user) or _teaches_at(user, school.id)
