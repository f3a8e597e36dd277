"""Every route, for every role, for outsiders and for anonymous visitors, against one table.

A route missing from ROUTES fails the test: a new page must say who may reach it. The world
the URLs point into is built in tests/routes_world.py.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from talent.people.models import Role
from tests.routes_world import (
    ANONYMOUS,
    IDENTITIES,
    OTHER_HOST,
    OTHER_MENTOR,
    OTHER_STUDENT,
    OTHER_TEACHER,
    OUTSIDERS,
    build_world,
)

EVERYONE = frozenset(IDENTITIES)
SIGNED_IN = EVERYONE - {ANONYMOUS}
STAFF = frozenset({Role.ADMIN, Role.COORDINATOR})
ADMIN = frozenset({Role.ADMIN})
#: Teachers of any school, and those of the world's school only.
TEACHERS = STAFF | {Role.TEACHER, OTHER_TEACHER}
OWN_TEACHER = STAFF | {Role.TEACHER}
#: Hosts of any organisation, and those of the company owning the world's site.
HOSTS = STAFF | {Role.HOST, OTHER_HOST}
OWN_HOST = STAFF | {Role.HOST}
#: Who browses and reads lab visits at all.
VISITORS = TEACHERS | HOSTS
#: Who may take a course (anyone of these roles, in whichever organisation).
APPLICANTS = ADMIN | {
    Role.RESEARCHER,
    Role.MENTOR,
    Role.HOST,
    Role.TEACHER,
    OTHER_TEACHER,
    OTHER_HOST,
    OTHER_MENTOR,
}
#: The world's pairing: its mentor, and the student whose pupil record is its mentee.
PAIRING_MENTOR = ADMIN | {Role.MENTOR}
PAIRING_PEOPLE = STAFF | {Role.MENTOR, Role.STUDENT}
MENTORING = STAFF | {Role.MENTOR, Role.RESEARCHER, Role.STUDENT, OTHER_MENTOR, OTHER_STUDENT}


@dataclass(frozen=True)
class Route:
    #: Who gets the page (anything but 403 or a redirect to the login page).
    allowed: frozenset
    #: Builds the URL from the world of test objects.
    url: Callable
    method: str = "GET"
    #: The feature answers 404 for objects outside the user's scope, so that ids reveal
    #: nothing: a 404 counts as refused. Elsewhere a 404 is a failure (the URL should exist).
    scoped: bool = False


def const(path):
    return lambda world: path


def _post(allowed, url, **options) -> Route:
    return Route(allowed, url, "POST", **options)


ROUTES: dict[str, Route] = {
    "static": Route(EVERYONE, const("/static/css/app.css")),
    # Impact report ----------------------------------------------------------------------------
    "reports.index": Route(STAFF, const("/reports/")),
    "reports.export": Route(STAFF, const("/reports/visits.csv")),
    "reports.recompute": _post(STAFF, const("/reports/recompute")),
    "home.index": Route(SIGNED_IN, const("/")),
    "home.health": Route(EVERYONE, const("/health")),
    # Auth -----------------------------------------------------------------------------------
    "auth.login": Route(EVERYONE, const("/login")),
    "auth.logout": _post(EVERYONE, const("/logout")),
    "auth.forgot_password": Route(EVERYONE, const("/password/forgot")),
    "auth.reset_password": Route(EVERYONE, const("/password/reset/not-a-token")),
    "auth.accept_invitation": Route(EVERYONE, const("/invitation/not-a-token")),
    "auth.profile": Route(SIGNED_IN, const("/profile")),
    "auth.change_own_password": _post(SIGNED_IN, const("/profile/password")),
    "auth.end_other_logins": _post(SIGNED_IN, const("/profile/sessions/others")),
    "auth.end_all_logins": _post(SIGNED_IN, const("/profile/sessions/all")),
    "auth.switch_language": _post(EVERYONE, const("/language")),
    # People and audit -----------------------------------------------------------------------
    "people.organizations": Route(STAFF, const("/admin/organisations")),
    "people.new_organization": Route(STAFF, const("/admin/organisations/new")),
    "people.edit_organization": Route(STAFF, lambda w: f"/admin/organisations/{w.company.id}"),
    "people.users": Route(STAFF, const("/admin/users")),
    "people.invite": Route(STAFF, const("/admin/users/invite")),
    "people.edit_user": Route(STAFF, lambda w: f"/admin/users/{w.victim.id}"),
    "people.reinvite": _post(STAFF, lambda w: f"/admin/users/{w.victim.id}/reinvite"),
    "people.deactivate": _post(STAFF, lambda w: f"/admin/users/{w.victim.id}/deactivate"),
    "people.reactivate": _post(STAFF, lambda w: f"/admin/users/{w.victim.id}/reactivate"),
    "audit.events": Route(STAFF, const("/audit/")),
    # Classes and pupils ---------------------------------------------------------------------
    "schools.classes": Route(TEACHERS, const("/classes")),
    "schools.new_class": Route(TEACHERS, const("/classes/new")),
    "schools.show_class": Route(
        OWN_TEACHER, lambda w: f"/classes/{w.school_class.id}", scoped=True
    ),
    "schools.edit_class": Route(
        OWN_TEACHER, lambda w: f"/classes/{w.school_class.id}/edit", scoped=True
    ),
    "schools.new_student": Route(
        OWN_TEACHER, lambda w: f"/classes/{w.school_class.id}/pupils/new", scoped=True
    ),
    "schools.edit_student": Route(OWN_TEACHER, lambda w: f"/pupils/{w.pupil.id}", scoped=True),
    "schools.move_student": _post(OWN_TEACHER, lambda w: f"/pupils/{w.pupil.id}/move", scoped=True),
    "schools.remove_student": _post(
        OWN_TEACHER, lambda w: f"/pupils/{w.doomed_pupil.id}/remove", scoped=True
    ),
    "schools.invite_student": _post(
        OWN_TEACHER, lambda w: f"/pupils/{w.pupil.id}/invite", scoped=True
    ),
    "schools.unplaced_students": Route(TEACHERS, const("/pupils/without-class")),
    # Guardians and consents -------------------------------------------------------------------
    "consents.pupil": Route(OWN_TEACHER, lambda w: f"/pupils/{w.pupil.id}/consents"),
    "consents.new_guardian": Route(OWN_TEACHER, lambda w: f"/pupils/{w.pupil.id}/guardians/new"),
    "consents.edit_guardian": Route(OWN_TEACHER, lambda w: f"/guardians/{w.guardian.id}"),
    "consents.delete_guardian": _post(
        OWN_TEACHER, lambda w: f"/guardians/{w.doomed_guardian.id}/delete"
    ),
    "consents.send_link": _post(OWN_TEACHER, lambda w: f"/guardians/{w.guardian.id}/send-link"),
    "consents.record": Route(OWN_TEACHER, lambda w: f"/pupils/{w.pupil.id}/consents/new"),
    "consents.withdraw": Route(OWN_TEACHER, lambda w: f"/consents/{w.consent.id}/withdraw"),
    "consents.answer": Route(EVERYONE, lambda w: f"/consent/{w.consent_token}"),
    # Pupil timeline and privacy ---------------------------------------------------------------
    "timeline.pupil": Route(
        PAIRING_PEOPLE | {Role.TEACHER}, lambda w: f"/pupils/{w.pupil.id}/timeline"
    ),
    "timeline.left_school": _post(OWN_TEACHER, lambda w: f"/pupils/{w.pupil.id}/left-school"),
    "privacy.index": Route(STAFF, const("/privacy/")),
    "privacy.run_retention": _post(STAFF, const("/privacy/retention/run")),
    "privacy.pupil": Route(STAFF, lambda w: f"/privacy/pupils/{w.pupil.id}"),
    "privacy.export_json": _post(STAFF, lambda w: f"/privacy/pupils/{w.pupil.id}/export.json"),
    "privacy.erase": Route(STAFF, lambda w: f"/privacy/pupils/{w.pupil.id}/erase"),
    # Talent programmes --------------------------------------------------------------------------
    "programmes.index": Route(TEACHERS, const("/programmes/")),
    "programmes.new": Route(STAFF, const("/programmes/new")),
    "programmes.edit": Route(STAFF, lambda w: f"/programmes/{w.programme.id}/edit"),
    "programmes.show": Route(OWN_TEACHER, lambda w: f"/programmes/{w.programme.id}"),
    "programmes.participants": Route(
        OWN_TEACHER, lambda w: f"/programmes/{w.programme.id}/participants.csv"
    ),
    "programmes.enroll": Route(OWN_TEACHER, lambda w: f"/programmes/{w.programme.id}/enroll"),
    "programmes.activate": _post(
        OWN_TEACHER, lambda w: f"/programmes/enrollments/{w.programme_enrollment.id}/activate"
    ),
    "programmes.edit_enrollment": Route(
        OWN_TEACHER, lambda w: f"/programmes/enrollments/{w.programme_enrollment.id}"
    ),
    "programmes.complete": Route(
        OWN_TEACHER, lambda w: f"/programmes/enrollments/{w.programme_enrollment.id}/complete"
    ),
    "programmes.withdraw": Route(
        OWN_TEACHER, lambda w: f"/programmes/enrollments/{w.programme_enrollment.id}/withdraw"
    ),
    "programmes.alumni": Route(TEACHERS, const("/programmes/alumni")),
    "programmes.record_outcome": Route(OWN_TEACHER, lambda w: f"/programmes/alumni/{w.pupil.id}"),
    # Rosters: a teacher's own school; coordinators choose one -----------------------------------
    "rosters.index": Route(TEACHERS, lambda w: f"/rosters/?school={w.school.id}"),
    "rosters.export": Route(TEACHERS, lambda w: f"/rosters/export.csv?school={w.school.id}"),
    "rosters.upload": Route(TEACHERS, const("/rosters/import")),
    "rosters.preview": Route(OWN_TEACHER, lambda w: f"/rosters/imports/{w.roster_import.id}"),
    "rosters.check": _post(OWN_TEACHER, lambda w: f"/rosters/imports/{w.roster_import.id}/check"),
    "rosters.problems": Route(
        OWN_TEACHER, lambda w: f"/rosters/imports/{w.roster_import.id}/problems.csv"
    ),
    "rosters.save": _post(OWN_TEACHER, lambda w: f"/rosters/imports/{w.saved_import.id}/save"),
    "rosters.discard": _post(
        OWN_TEACHER, lambda w: f"/rosters/imports/{w.discarded_import.id}/discard"
    ),
    # Inbox, preferences, the delivery ledger and the calendar feed ----------------------------
    "reminders.index": Route(SIGNED_IN, const("/inbox")),
    "reminders.open_item": _post(SIGNED_IN, lambda w: f"/inbox/{w.own_notification.id}/open"),
    "reminders.mark_read": _post(SIGNED_IN, lambda w: f"/inbox/{w.own_notification.id}/read"),
    "reminders.mark_all_read": _post(SIGNED_IN, const("/inbox/read-all")),
    "reminders.preferences": Route(SIGNED_IN, const("/notifications/preferences")),
    "ledger.index": Route(STAFF, const("/ledger/")),
    "ledger.retry": _post(STAFF, lambda w: f"/ledger/{w.failed_delivery.id}/retry"),
    "ledger.cancel": _post(STAFF, lambda w: f"/ledger/{w.doomed_delivery.id}/cancel"),
    "ledger.send_test": _post(STAFF, const("/ledger/test-message")),
    "calendar.feed": Route(EVERYONE, lambda w: f"/calendar/{w.feed_token}.ics"),
    "calendar.replace": _post(SIGNED_IN, const("/calendar/feed")),
    "calendar.revoke": _post(SIGNED_IN, const("/calendar/feed/revoke")),
    # Courses: participants act on their own enrollment (the world's is the victim's) ----------
    "courses.index": Route(EVERYONE, const("/courses")),
    "courses.catalogue_json": Route(EVERYONE, const("/courses.json")),
    "courses.catalogue_ics": Route(EVERYONE, const("/courses.ics")),
    "courses.course": Route(EVERYONE, lambda w: f"/courses/{w.course.id}"),
    "courses.verify": Route(EVERYONE, lambda w: f"/certificates/verify?code={w.certificate_code}"),
    "courses.mine": Route(APPLICANTS, const("/courses/mine")),
    "courses.enroll": _post(APPLICANTS, lambda w: f"/courses/{w.course.id}/enroll"),
    "courses.apply": Route(APPLICANTS, lambda w: f"/courses/{w.course.id}/apply"),
    "courses.withdraw": _post(ADMIN, lambda w: f"/courses/enrollments/{w.enrollment.id}/withdraw"),
    "courses.accept": _post(ADMIN, lambda w: f"/courses/enrollments/{w.enrollment.id}/accept"),
    "courses.decline": _post(ADMIN, lambda w: f"/courses/enrollments/{w.enrollment.id}/decline"),
    "courses.check_in": _post(APPLICANTS, const("/courses/check-in")),
    "courses.certificate": Route(
        STAFF, lambda w: f"/courses/enrollments/{w.certified_enrollment.id}/certificate.pdf"
    ),
    "courses.manage": Route(STAFF, const("/courses/manage")),
    "courses.new": Route(STAFF, const("/courses/new")),
    "courses.edit": Route(STAFF, lambda w: f"/courses/{w.course.id}/edit"),
    "courses.copy": Route(STAFF, lambda w: f"/courses/{w.course.id}/copy"),
    "courses.overview": Route(STAFF, lambda w: f"/courses/{w.course.id}/overview"),
    "courses.new_session": Route(STAFF, lambda w: f"/courses/{w.course.id}/sessions/new"),
    "courses.edit_session": Route(
        STAFF, lambda w: f"/courses/sessions/{w.course.sessions[0].id}/edit"
    ),
    "courses.delete_session": _post(
        STAFF, lambda w: f"/courses/sessions/{w.course.sessions[-1].id}/delete"
    ),
    "courses.roster": Route(STAFF, lambda w: f"/courses/{w.course.id}/roster"),
    "courses.waitlist": Route(STAFF, lambda w: f"/courses/{w.course.id}/waitlist"),
    "courses.applications": Route(STAFF, lambda w: f"/courses/{w.course.id}/applications"),
    "courses.review": _post(STAFF, lambda w: f"/courses/enrollments/{w.enrollment.id}/review"),
    "courses.remove": _post(STAFF, lambda w: f"/courses/enrollments/{w.enrollment.id}/remove"),
    "courses.session_attendance": Route(
        STAFF, lambda w: f"/courses/sessions/{w.course.sessions[0].id}/attendance"
    ),
    "courses.export": Route(STAFF, lambda w: f"/courses/{w.course.id}/export/roster.csv"),
    "courses.message": Route(STAFF, lambda w: f"/courses/{w.course.id}/message"),
    # Lab visits: hosts run their organisation's sites, teachers their school's visits --------
    "visits.index": Route(VISITORS, const("/visits/")),
    "visits.calendar": Route(VISITORS, const("/visits/calendar")),
    "visits.calendar_day": Route(VISITORS, const("/visits/calendar/2026-12-01")),
    "visits.slot_list": Route(VISITORS, const("/visits/slots")),
    "visits.slot": Route(VISITORS, lambda w: f"/visits/slots/{w.slot.id}"),
    "visits.site_list": Route(VISITORS, const("/visits/sites")),
    "visits.site": Route(VISITORS, lambda w: f"/visits/sites/{w.site.id}"),
    "visits.new_site": Route(HOSTS, const("/visits/sites/new")),
    "visits.edit_site": Route(OWN_HOST, lambda w: f"/visits/sites/{w.site.id}/edit", scoped=True),
    "visits.new_slot": Route(
        OWN_HOST, lambda w: f"/visits/sites/{w.site.id}/slots/new", scoped=True
    ),
    "visits.edit_slot": Route(OWN_HOST, lambda w: f"/visits/slots/{w.slot.id}/edit", scoped=True),
    "visits.cancel_slot": Route(
        OWN_HOST, lambda w: f"/visits/slots/{w.slot.id}/cancel", scoped=True
    ),
    "visits.book": Route(
        OWN_TEACHER,
        lambda w: f"/visits/slots/{w.slot.id}/book?class_id={w.school_class.id}",
        scoped=True,
    ),
    "visits.visit": Route(OWN_TEACHER | OWN_HOST, lambda w: f"/visits/{w.visit.id}", scoped=True),
    "visits.edit_visit": Route(OWN_TEACHER, lambda w: f"/visits/{w.visit.id}/edit", scoped=True),
    "visits.move": Route(OWN_TEACHER, lambda w: f"/visits/{w.visit.id}/move", scoped=True),
    "visits.cancel": Route(
        OWN_TEACHER | OWN_HOST, lambda w: f"/visits/{w.visit.id}/cancel", scoped=True
    ),
    "visits.confirm": _post(OWN_HOST, lambda w: f"/visits/{w.visit.id}/confirm", scoped=True),
    "visits.decline": Route(OWN_HOST, lambda w: f"/visits/{w.visit.id}/decline", scoped=True),
    "visits.checklist": _post(
        OWN_TEACHER,
        lambda w: f"/visits/{w.visit.id}/checklist/{w.checklist_kind}",
        scoped=True,
    ),
    "visits.attendance": Route(OWN_HOST, lambda w: f"/visits/{w.visit.id}/attendance", scoped=True),
    "visits.feedback_links": Route(
        OWN_TEACHER, lambda w: f"/visits/{w.visit.id}/feedback-links", scoped=True
    ),
    # A signed link is the key; a broken one answers 400, which is not a refusal.
    "visits.feedback": Route(EVERYONE, lambda w: f"/visits/feedback/{w.feedback_token}"),
    "visits.history": Route(
        OWN_TEACHER, lambda w: f"/visits/schools/{w.school.id}/history", scoped=True
    ),
    "visits.request_list": Route(VISITORS, const("/visits/requests")),
    "visits.new_request": Route(TEACHERS, const("/visits/requests/new")),
    # Every host sees open requests and may propose a slot.
    "visits.visit_request": Route(
        OWN_TEACHER | HOSTS, lambda w: f"/visits/requests/{w.visit_request.id}", scoped=True
    ),
    "visits.propose": Route(
        HOSTS, lambda w: f"/visits/requests/{w.visit_request.id}/propose", scoped=True
    ),
    "visits.withdraw_request": _post(
        OWN_TEACHER, lambda w: f"/visits/requests/{w.doomed_request.id}/withdraw", scoped=True
    ),
    "visits.blackout_list": Route(TEACHERS, const("/visits/blackouts")),
    "visits.delete_blackout": _post(
        OWN_TEACHER, lambda w: f"/visits/blackouts/{w.doomed_blackout.id}/delete", scoped=True
    ),
    # Activities: the school's teachers manage them; the partner's hosts read them -------------
    "activities.index": Route(VISITORS, const("/activities/")),
    "activities.new": Route(TEACHERS, const("/activities/new")),
    "activities.show": Route(
        OWN_TEACHER | OWN_HOST, lambda w: f"/activities/{w.activity.id}", scoped=True
    ),
    "activities.edit": Route(
        OWN_TEACHER, lambda w: f"/activities/{w.activity.id}/edit", scoped=True
    ),
    "activities.delete": _post(
        OWN_TEACHER, lambda w: f"/activities/{w.doomed_activity.id}/delete", scoped=True
    ),
    # Mentoring: coordinators run it; the pairing's mentor and mentee see their pairing -------
    "mentoring.index": Route(MENTORING, const("/mentoring/")),
    "mentoring.programmes": Route(STAFF, const("/mentoring/programmes")),
    "mentoring.edit_programme": Route(
        STAFF, lambda w: f"/mentoring/programmes/{w.mentoring_programme.id}/edit"
    ),
    "mentoring.mentors": Route(STAFF, const("/mentoring/mentors")),
    "mentoring.mentor": Route(
        STAFF | {Role.MENTOR}, lambda w: f"/mentoring/mentors/{w.mentor_profile.user_id}"
    ),
    "mentoring.vetting": _post(
        STAFF, lambda w: f"/mentoring/mentors/{w.mentor_profile.user_id}/vetting"
    ),
    "mentoring.mentees": Route(STAFF, const("/mentoring/mentees")),
    "mentoring.new_mentee": _post(STAFF, const("/mentoring/mentees/new")),
    "mentoring.mentee": Route(STAFF, lambda w: f"/mentoring/mentees/{w.mentee.id}"),
    "mentoring.match": Route(STAFF, lambda w: f"/mentoring/mentees/{w.mentee.id}/match"),
    "mentoring.pairing": Route(PAIRING_PEOPLE, lambda w: f"/mentoring/pairings/{w.pairing.id}"),
    "mentoring.accept": _post(
        PAIRING_MENTOR, lambda w: f"/mentoring/pairings/{w.pairing.id}/accept"
    ),
    "mentoring.decline": Route(
        PAIRING_MENTOR, lambda w: f"/mentoring/pairings/{w.pairing.id}/decline"
    ),
    "mentoring.pause": _post(
        STAFF | {Role.MENTOR}, lambda w: f"/mentoring/pairings/{w.pairing.id}/pause"
    ),
    "mentoring.resume": _post(
        STAFF | {Role.MENTOR}, lambda w: f"/mentoring/pairings/{w.pairing.id}/resume"
    ),
    "mentoring.complete": _post(
        STAFF, lambda w: f"/mentoring/pairings/{w.closing_pairing.id}/complete"
    ),
    "mentoring.end_early": Route(STAFF, lambda w: f"/mentoring/pairings/{w.pairing.id}/end"),
    "mentoring.add_goal": _post(
        STAFF | {Role.MENTOR}, lambda w: f"/mentoring/pairings/{w.pairing.id}/goals"
    ),
    "mentoring.goal_status": _post(
        STAFF | {Role.MENTOR}, lambda w: f"/mentoring/goals/{w.goal.id}"
    ),
    "mentoring.log_session": Route(
        PAIRING_MENTOR, lambda w: f"/mentoring/pairings/{w.pairing.id}/sessions/new"
    ),
    "mentoring.edit_session": Route(
        PAIRING_MENTOR, lambda w: f"/mentoring/sessions/{w.mentoring_session.id}/edit"
    ),
    "mentoring.confirm": _post(
        ADMIN | {Role.STUDENT}, lambda w: f"/mentoring/sessions/{w.mentoring_session.id}/confirm"
    ),
    "mentoring.resend_confirmation": _post(
        PAIRING_MENTOR, lambda w: f"/mentoring/sessions/{w.mentoring_session.id}/resend"
    ),
    "mentoring.confirm_by_link": Route(EVERYONE, lambda w: f"/mentoring/confirm/{w.confirm_token}"),
    "mentoring.plan": Route(PAIRING_MENTOR, lambda w: f"/mentoring/pairings/{w.pairing.id}/plan"),
    "mentoring.cancel_planned": _post(
        PAIRING_MENTOR, lambda w: f"/mentoring/planned/{w.doomed_planned.id}/cancel"
    ),
    "mentoring.planned_ics": Route(
        PAIRING_PEOPLE, lambda w: f"/mentoring/planned/{w.planned.id}.ics"
    ),
    "mentoring.give_feedback": Route(
        ADMIN | {Role.MENTOR, Role.STUDENT},
        lambda w: f"/mentoring/pairings/{w.pairing.id}/feedback",
    ),
    "mentoring.feedback_by_link": Route(
        EVERYONE, lambda w: f"/mentoring/feedback/{w.mentoring_feedback_token}"
    ),
    "mentoring.raise_concern": Route(
        PAIRING_PEOPLE, lambda w: f"/mentoring/pairings/{w.pairing.id}/concern"
    ),
    "mentoring.concerns": Route(STAFF, const("/mentoring/concerns")),
    "mentoring.concern": Route(STAFF, lambda w: f"/mentoring/concerns/{w.concern.id}"),
    "mentoring.concern_note": _post(STAFF, lambda w: f"/mentoring/concerns/{w.concern.id}/notes"),
    "mentoring.close_concern": _post(STAFF, lambda w: f"/mentoring/concerns/{w.concern.id}/close"),
    "mentoring.reopen_concern": _post(
        STAFF, lambda w: f"/mentoring/concerns/{w.concern.id}/reopen"
    ),
}


def test_every_route_is_in_the_table(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    unknown = endpoints - set(ROUTES)
    assert not unknown, f"routes without an access expectation: {sorted(unknown)}"
    stale = set(ROUTES) - endpoints
    assert not stale, f"expectations for routes that no longer exist: {sorted(stale)}"


def test_the_table_uses_each_routes_methods(app):
    methods = {}
    for rule in app.url_map.iter_rules():
        methods.setdefault(rule.endpoint, set()).update(rule.methods)
    wrong = [e for e, route in ROUTES.items() if route.method not in methods.get(e, set())]
    assert wrong == []


def test_every_view_declares_a_permission(app):
    from talent.auth.guards import VIEW_PERMISSION_ATTRIBUTE

    undeclared = [
        endpoint
        for endpoint, view in app.view_functions.items()
        if endpoint != "static" and not hasattr(view, VIEW_PERMISSION_ATTRIBUTE)
    ]
    assert undeclared == []


def _is_refused(response, route: Route) -> bool:
    if response.status_code == 403:
        return True
    if response.status_code == 404 and route.scoped:
        return True
    return response.status_code == 302 and "/login" in response.headers["Location"]


def _walk(client, world, who, routes, method=None) -> list[str]:
    wrong = []
    for endpoint, route in routes:
        url = route.url(world)
        response = client.open(url, method=method or route.method)
        status = response.status_code
        refused = _is_refused(response, route)
        response.close()
        if status >= 500:
            wrong.append(f"{endpoint} {url}: {status}")
        elif status == 404 and not route.scoped:
            wrong.append(f"{endpoint} {url}: 404 for {who}, but the URL should exist")
        elif refused == (who in route.allowed):
            wrong.append(f"{endpoint} {url}: {status} for {who}")
    return wrong


def _enter(make, login, who):
    world = build_world(make)
    world.own_notification = world.inbox.get(who, world.inbox[Role.ADMIN])
    if who != ANONYMOUS:
        login(world.users[who])
    return world


@pytest.mark.parametrize("who", IDENTITIES, ids=str)
def test_access_matches_the_table(client, make, login, who):
    world = _enter(make, login, who)
    routes = [
        (endpoint, route)
        for endpoint, route in sorted(ROUTES.items())
        # Logging out would end the session the walk runs in; covered in tests/auth.
        if endpoint not in ("auth.logout", "auth.end_all_logins")
    ]
    assert _walk(client, world, who, routes) == []


@pytest.mark.parametrize("who", [r for r in IDENTITIES if r != ANONYMOUS and r not in OUTSIDERS])
def test_forms_posted_empty_never_fail(client, make, login, who):
    """Every form the user reaches, sent back with nothing in it: a 4xx or a page, never a 500."""
    world = _enter(make, login, who)
    methods = {}
    for rule in client.application.url_map.iter_rules():
        methods.setdefault(rule.endpoint, set()).update(rule.methods)
    routes = [
        (endpoint, route)
        for endpoint, route in sorted(ROUTES.items())
        if route.method == "GET" and "POST" in methods[endpoint] and who in route.allowed
    ]
    assert routes
    wrong = [line for line in _walk(client, world, who, routes, "POST") if ": 5" in line]
    assert wrong == []


def _urls_with_ids(app, world, number: int) -> list[tuple[str, str, str]]:
    """(endpoint, method, URL) of every route with an id, the ids all set to ``number``."""
    urls = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.endpoint, r.rule)):
        ids = re.findall(r"<int(?:\([^)]*\))?:(\w+)>", rule.rule)
        if not ids:
            continue
        values = dict.fromkeys(ids, number)
        if "kind" in rule.arguments:
            values["kind"] = (
                world.checklist_kind if rule.endpoint == "visits.checklist" else "roster"
            )
        urls.append((rule.endpoint, ROUTES[rule.endpoint].method, rule.build(values)[1]))
    return urls


def test_ids_of_nothing_are_not_found(app, client, make, login):
    world = _enter(make, login, Role.ADMIN)
    answers = {}
    for endpoint, method, url in _urls_with_ids(app, world, 2_000_000_000):
        response = client.open(url, method=method)
        answers[f"{endpoint} {url}"] = response.status_code
        response.close()
    assert len(answers) > 100
    assert {url: status for url, status in answers.items() if status != 404} == {}


def test_ids_beyond_the_databases_range_are_not_found(app, client, make, login):
    world = _enter(make, login, Role.ADMIN)
    failing = []
    for endpoint, method, url in _urls_with_ids(app, world, 2**63):
        response = client.open(url, method=method)
        if response.status_code != 404:
            failing.append(f"{endpoint} {url}: {response.status_code}")
        response.close()
    assert failing == []
