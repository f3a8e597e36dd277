"""How tests/integrity/test_double_submit.py reaches each form: who sends it, the page that
holds it, the few values a user must choose, and what of the world must be in another state
for the change to apply (an offered seat to accept, a proposed pairing to decline)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from talent.people.models import Role
from tests import factories
from tests.routes_world import ANONYMOUS
from tests.support.double_submit_world import (
    active_programme_enrollment,
    another_class,
    another_slot,
    close_concern,
    consent_to_the_programme,
    consent_to_the_visit,
    course_session_now,
    day,
    deactivate_victim,
    free_seats,
    moment,
    offer_seat,
    pause_pairing,
    propose_pairing,
    selection_course,
    slot_in_the_request_window,
    teacher_feed,
)

#: The routes of tests/test_routes.py's table that are pages with a form posting to themselves
#: (listed there as GET); the POST-only routes are the table's POST routes.
FORM_ROUTES = (
    "activities.edit",
    "activities.new",
    "auth.accept_invitation",
    "auth.forgot_password",
    "auth.login",
    "auth.profile",
    "auth.reset_password",
    "consents.answer",
    "consents.edit_guardian",
    "consents.new_guardian",
    "consents.record",
    "consents.withdraw",
    "courses.apply",
    "courses.copy",
    "courses.edit",
    "courses.edit_session",
    "courses.message",
    "courses.new",
    "courses.new_session",
    "courses.session_attendance",
    "mentoring.confirm_by_link",
    "mentoring.decline",
    "mentoring.edit_programme",
    "mentoring.edit_session",
    "mentoring.end_early",
    "mentoring.feedback_by_link",
    "mentoring.give_feedback",
    "mentoring.log_session",
    "mentoring.match",
    "mentoring.mentee",
    "mentoring.mentor",
    "mentoring.plan",
    "mentoring.raise_concern",
    "people.edit_organization",
    "people.edit_user",
    "people.invite",
    "people.new_organization",
    "privacy.erase",
    "programmes.complete",
    "programmes.edit",
    "programmes.edit_enrollment",
    "programmes.enroll",
    "programmes.new",
    "programmes.record_outcome",
    "programmes.withdraw",
    "reminders.preferences",
    "rosters.upload",
    "schools.edit_class",
    "schools.edit_student",
    "schools.new_class",
    "schools.new_student",
    "visits.attendance",
    "visits.blackout_list",
    "visits.book",
    "visits.cancel",
    "visits.cancel_slot",
    "visits.decline",
    "visits.edit_site",
    "visits.edit_slot",
    "visits.edit_visit",
    "visits.feedback",
    "visits.move",
    "visits.new_request",
    "visits.new_site",
    "visits.new_slot",
    "visits.propose",
)

#: Who acts when the route's table allows several: the people a route is for come first.
ACTOR_PREFERENCE = (
    Role.TEACHER,
    Role.HOST,
    Role.MENTOR,
    Role.STUDENT,
    Role.COORDINATOR,
    Role.ADMIN,
    Role.RESEARCHER,
)


@dataclass(frozen=True)
class Submit:
    #: The page holding the form; by default the route's own URL.
    page: Callable | None = None
    #: Who sends it (an identity of the world), when not the first allowed of ACTOR_PREFERENCE.
    actor: str | None = None
    #: Values a user chooses, by field name (a function of the world).
    values: Callable | None = None
    #: Puts the world's object into the state the change applies to, before the commit.
    prepare: Callable | None = None
    #: Where the form posts, when not the URL of tests/test_routes.py's table.
    url: Callable | None = None


def actor_of(route, submit: Submit) -> str:
    if submit.actor is not None:
        return submit.actor
    return next(who for who in ACTOR_PREFERENCE if who in route.allowed)


def _pupil_page(w):
    return f"/pupils/{w.pupil.id}"


def _pairing_page(w):
    return f"/mentoring/pairings/{w.pairing.id}"


def _visit_page(w):
    return f"/visits/{w.visit.id}"


def _course_page(w):
    return f"/courses/{w.course.id}"


def _renamed(field: str):
    return lambda w: {field: "Renamed after a double-click"}


def _book_url(w):
    return f"/visits/slots/{w.slot.id}/book?class_id={w.other_class.id}"


TEACHER = Role.TEACHER

SUBMITS: dict[str, Submit] = {
    # Pages that are forms --------------------------------------------------------------------
    "activities.new": Submit(
        page=lambda w: f"/activities/new?class_id={w.school_class.id}",
        values=lambda w: {"pupils": [str(w.pupil.id)], "starts_on": day(-2), "ends_on": day(-2)},
    ),
    "auth.forgot_password": Submit(
        actor=ANONYMOUS, values=lambda w: {"email": w.users[TEACHER].email}
    ),
    "auth.profile": Submit(values=_renamed("name")),
    "auth.end_other_logins": Submit(page=lambda w: "/profile"),
    "consents.answer": Submit(
        actor=ANONYMOUS, values=lambda w: {"confirm": "y", "photo_media": "y"}
    ),
    "consents.edit_guardian": Submit(values=lambda w: {"phone": "+4791234567"}),
    "consents.new_guardian": Submit(values=lambda w: {"phone": "+4791234567"}),
    "consents.record": Submit(values=lambda w: {"given_on": day(-1), "expires_on": day(300)}),
    "courses.apply": Submit(prepare=selection_course, values=lambda w: {"send": "Send"}),
    "courses.new": Submit(
        values=lambda w: {
            "starts_on": day(40),
            "ends_on": day(41),
            "enrollment_opens_at": moment(1),
            "enrollment_closes_at": moment(20),
        }
    ),
    "courses.new_session": Submit(
        values=lambda w: {"starts_at": moment(11, 9), "ends_at": moment(11, 12)}
    ),
    "courses.session_attendance": Submit(
        prepare=course_session_now,
        url=lambda w: f"/courses/sessions/{w.course.sessions[0].id}/attendance",
    ),
    "mentoring.decline": Submit(prepare=propose_pairing),
    "mentoring.edit_programme": Submit(values=_renamed("name")),
    "mentoring.log_session": Submit(values=lambda w: {"held_on": day(-1)}),
    "mentoring.mentor": Submit(values=lambda w: {"expertise": "oncology, immunology"}),
    "mentoring.plan": Submit(values=lambda w: {"starts_at": moment(7)}),
    "people.edit_user": Submit(values=_renamed("name")),
    "privacy.erase": Submit(values=lambda w: {"confirm": "y"}),
    "programmes.complete": Submit(prepare=active_programme_enrollment),
    "schools.edit_class": Submit(values=lambda w: {"name": "2STB"}),
    "schools.edit_student": Submit(values=_renamed("name")),
    "schools.new_student": Submit(values=lambda w: {"birth_date": "2010-05-17"}),
    "visits.book": Submit(
        prepare=another_class,
        url=_book_url,
        values=lambda w: {
            "pupils": [str(w.other_pupil.id)],
            "pupils_count": "1",
            "adults_count": "1",
        },
    ),
    "visits.edit_slot": Submit(values=_renamed("topic")),
    "visits.move": Submit(prepare=another_slot),
    "visits.new_slot": Submit(
        values=lambda w: {
            "first_day": day(21),
            "start": "09:00",
            "end": "11:00",
            "weeks": "1",
            "skip_days": "",
        }
    ),
    "visits.propose": Submit(prepare=slot_in_the_request_window),
    # Buttons and small forms on another page --------------------------------------------------
    "activities.delete": Submit(page=lambda w: f"/activities/{w.doomed_activity.id}"),
    # The researcher's password and language change; nobody else of the world is affected.
    "auth.change_own_password": Submit(
        page=lambda w: "/profile",
        actor=Role.RESEARCHER,
        values=lambda w: {"current_password": factories.PASSWORD},
    ),
    "auth.switch_language": Submit(page=lambda w: "/", actor=Role.RESEARCHER),
    "calendar.replace": Submit(page=lambda w: "/profile"),
    "calendar.revoke": Submit(page=lambda w: "/profile", prepare=teacher_feed),
    "consents.delete_guardian": Submit(page=lambda w: f"/pupils/{w.pupil.id}/consents"),
    "consents.send_link": Submit(page=lambda w: f"/pupils/{w.pupil.id}/consents"),
    "courses.enroll": Submit(page=_course_page, prepare=free_seats),
    "courses.withdraw": Submit(page=_course_page, actor="victim"),
    "courses.accept": Submit(page=_course_page, actor="victim", prepare=offer_seat),
    "courses.decline": Submit(page=_course_page, actor="victim", prepare=offer_seat),
    "courses.check_in": Submit(
        page=_course_page,
        actor="victim",
        prepare=course_session_now,
        values=lambda w: {"code": w.course.sessions[0].attendance_code},
    ),
    "courses.delete_session": Submit(page=lambda w: f"/courses/{w.course.id}/overview"),
    "courses.remove": Submit(page=lambda w: f"/courses/{w.course.id}/roster"),
    "courses.review": Submit(page=lambda w: f"/courses/{w.course.id}/applications"),
    "ledger.retry": Submit(page=lambda w: "/ledger/"),
    "ledger.cancel": Submit(page=lambda w: "/ledger/"),
    "ledger.send_test": Submit(page=lambda w: "/ledger/"),
    "mentoring.accept": Submit(page=_pairing_page, prepare=propose_pairing),
    "mentoring.add_goal": Submit(page=_pairing_page),
    "mentoring.goal_status": Submit(page=_pairing_page, values=lambda w: {"status": "achieved"}),
    "mentoring.cancel_planned": Submit(page=_pairing_page),
    "mentoring.confirm": Submit(page=_pairing_page, actor=Role.STUDENT),
    "mentoring.pause": Submit(page=_pairing_page),
    "mentoring.resume": Submit(page=_pairing_page, prepare=pause_pairing),
    "mentoring.complete": Submit(page=lambda w: f"/mentoring/pairings/{w.closing_pairing.id}"),
    "mentoring.close_concern": Submit(page=lambda w: f"/mentoring/concerns/{w.concern.id}"),
    "mentoring.reopen_concern": Submit(
        page=lambda w: f"/mentoring/concerns/{w.concern.id}", prepare=close_concern
    ),
    "mentoring.concern_note": Submit(page=lambda w: f"/mentoring/concerns/{w.concern.id}"),
    "mentoring.vetting": Submit(
        page=lambda w: f"/mentoring/mentors/{w.mentor_profile.user_id}",
        values=lambda w: {"safeguarding_training_on": day(-3)},
    ),
    "people.deactivate": Submit(page=lambda w: f"/admin/users/{w.victim.id}"),
    "people.reactivate": Submit(
        page=lambda w: f"/admin/users/{w.victim.id}", prepare=deactivate_victim
    ),
    "privacy.export_json": Submit(page=lambda w: f"/privacy/pupils/{w.pupil.id}"),
    "programmes.activate": Submit(
        page=lambda w: f"/programmes/{w.programme.id}", prepare=consent_to_the_programme
    ),
    "reminders.mark_all_read": Submit(page=lambda w: "/inbox"),
    "reminders.mark_read": Submit(page=lambda w: "/inbox"),
    "reminders.open_item": Submit(page=lambda w: "/inbox"),
    "reports.recompute": Submit(page=lambda w: "/reports/"),
    "rosters.save": Submit(page=lambda w: f"/rosters/imports/{w.saved_import.id}"),
    "rosters.discard": Submit(page=lambda w: f"/rosters/imports/{w.discarded_import.id}"),
    "schools.move_student": Submit(page=_pupil_page, prepare=another_class),
    "schools.remove_student": Submit(page=lambda w: f"/pupils/{w.doomed_pupil.id}"),
    "timeline.left_school": Submit(page=lambda w: f"/pupils/{w.pupil.id}/timeline"),
    "visits.checklist": Submit(page=_visit_page),
    "visits.confirm": Submit(page=_visit_page, prepare=consent_to_the_visit),
    "visits.delete_blackout": Submit(page=lambda w: "/visits/blackouts"),
    "visits.withdraw_request": Submit(page=lambda w: f"/visits/requests/{w.doomed_request.id}"),
    "mentoring.confirm_by_link": Submit(actor=ANONYMOUS),
}
