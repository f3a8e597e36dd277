"""The same form sent ten times at once must act once: a double-click, a retry, a proxy resending.

For every state-changing POST of tests/test_routes.py's table, against a live gunicorn with
several workers: a fresh world (tests/routes_world.py), an allowed user signed in through the
login form, the form read from the page that holds it and filled as a browser would, then the
same POST from ten threads at once with the same cookie and CSRF token. Then no answer is a
5xx, each audited action happened once, nobody got a notice of one kind twice, and
`talent check-integrity` finds no drift. Routes not exercised are listed in SKIPPED with why.
"""

from __future__ import annotations

from collections import Counter

import pytest

from talent import create_app
from talent.extensions import db
from talent.people.models import Role
from tests.conftest import empty_all_tables
from tests.conftest import test_settings as settings_for
from tests.factories import PASSWORD
from tests.routes_world import ANONYMOUS, IDENTITIES
from tests.support.double_submit import (
    MISSING_COMMAND_TEXT,
    Measure,
    check_integrity,
    page_problems,
    snapshot,
)
from tests.support.double_submit_forms import FORM_ROUTES, SUBMITS, Submit, actor_of
from tests.support.live_server import live_server
from tests.support.web_client import WebClient
from tests.support.world_rounds import Worlds, named_objects, plan_rounds
from tests.test_routes import ROUTES

#: Routes not sent ten times, and why.
SKIPPED: dict[str, str] = {
    "auth.login": "a signed-in user is sent home; each anonymous login starts a session of its"
    " own and changes no record",
    "auth.logout": "ends the session the other requests carry; changes no record",
    "auth.end_all_logins": "ends the session the other requests carry, as logout does",
    "auth.accept_invitation": "the world holds no open invitation (a new user's link)",
    "auth.reset_password": "the world holds no reset link",
    "rosters.upload": "a file upload (multipart); the client sends what a form without a file"
    " sends",
    "rosters.check": "the world's imports are checked when built: the page offers no check",
    "schools.invite_student": "the world's pupil has an account already: no invitation form",
    "mentoring.match": "the world's mentee is paired already: the page offers no mentors",
    "mentoring.new_mentee": "every pupil of the world is a mentee already: no form to add one",
    "mentoring.resend_confirmation": "the world's session asks for no confirmation to resend",
    "mentoring.give_feedback": "the world's pairing is not due for feedback: no form",
    "mentoring.feedback_by_link": "the world's pairing is not due for feedback: the link says so",
    "visits.feedback": "feedback opens after the visit; the world's visit lies ahead",
    "visits.attendance": "attendance is taken for a confirmed visit once it has begun",
    "programmes.enroll": "the world's pupil has applied already: no pupil to enroll",
    "programmes.record_outcome": "a follow-up needs a pupil who left school (another world)",
    "privacy.run_retention": "nothing in the world is due for retention: the page has no button",
    "people.reinvite": "the world's users have accepted their invitations: no button",
}

#: Routes that change no audited record, and why: they must then write no audit row; their
#: notices and the data's integrity are checked all the same.
NOT_AUDITED: dict[str, str] = {
    "auth.end_other_logins": "deletes one's other login sessions, the same however often",
    "auth.forgot_password": "asks for a reset link; the notice must not repeat",
    "calendar.replace": "a new secret address for the user's own feed; the last one counts",
    "calendar.revoke": "the user's own feed address; gone once",
    "reminders.mark_read": "the user's own inbox",
    "reminders.open_item": "the user's own inbox",
    "reminders.mark_all_read": "the user's own inbox",
    "reminders.preferences": "the user's own notification settings",
    "reports.recompute": "counts the figures again; changes no record",
    "rosters.discard": "an upload never saved is dropped; no pupil record changes",
    "ledger.send_test": "queues a test message; the notice must not repeat",
    # talent/courses audits a participant's enrollment only when staff act for someone else.
    "courses.enroll": "one's own enrollment (seats and notices are checked)",
    "courses.apply": "one's own application",
    "courses.withdraw": "one's own enrollment (seats and notices are checked)",
    "courses.accept": "one's own offered seat (seats and notices are checked)",
    "courses.decline": "one's own offered seat (seats and notices are checked)",
    "courses.check_in": "one's own attendance",
    "courses.session_attendance": "attendance ticks are not audited",
}

#: Routes whose every delivery is a new event by design, and why: one audit row per answer
#: that delivered, none for the others.
PER_DELIVERY: dict[str, str] = {
    "privacy.export_json": "each download hands the pupil's data out again, so each is audited",
}

#: What a route's change reaches beyond the objects its URLs name (see plan_rounds).
REACHES: dict[str, set[str]] = {
    "privacy.erase": {"visit", "pairing", "mentee", "programme_enrollment", "activity"},
    "schools.move_student": {"visit", "school_class"},
    "timeline.left_school": {"visit", "pairing", "programme_enrollment"},
    "people.deactivate": {"enrollment", "course"},
    "people.reactivate": {"enrollment", "course"},
    "mentoring.accept": {"mentor_profile"},
    "mentoring.decline": {"mentor_profile"},
    "mentoring.complete": {"mentor_profile"},
    "mentoring.end_early": {"mentor_profile"},
    "reminders.mark_all_read": {"own_notification"},
}
#: Objects that change together: a lab visit, its slot and site (places, cancelled slots); a
#: pairing and what hangs on it (its state decides what may be done to them); a signed link
#: and what it is for.
SAME_AS = {"slot": "visit", "other_slot": "visit", "site": "visit", "feedback_token": "visit"}
SAME_AS |= dict.fromkeys(
    ["goal", "planned", "doomed_planned", "mentoring_session", "confirm_token", "concern"],
    "pairing",
)
SAME_AS |= {"mentoring_feedback_token": "pairing", "consent_token": "linked_guardian"}
#: Routes that change the acting user's own account, sessions or inbox.
OWN_ACCOUNT = {"auth.change_own_password", "auth.switch_language", "auth.profile"}
OWN_ACCOUNT |= {"calendar.replace", "calendar.revoke", "reminders.preferences"}

TIMES = 10


def _post_routes() -> list[str]:
    posting = {e for e, route in ROUTES.items() if route.method == "POST"} | set(FORM_ROUTES)
    return sorted(posting)


def _claims(endpoint: str) -> set[str]:
    route, submit = ROUTES[endpoint], SUBMITS.get(endpoint, Submit())
    named = named_objects([route.url, submit.url, submit.page]) | REACHES.get(endpoint, set())
    claimed = {SAME_AS.get(name, name) for name in named}
    who = actor_of(route, submit)
    if endpoint in OWN_ACCOUNT or who not in IDENTITIES:
        claimed.add(f"account of {who}")
    return claimed or {endpoint}


ROUNDS = plan_rounds({e: _claims(e) for e in _post_routes() if e not in SKIPPED})


def _params():
    skipped = [
        pytest.param(e, marks=pytest.mark.skip(reason=why), id=e) for e, why in SKIPPED.items()
    ]
    sent = sorted(ROUNDS, key=lambda e: (ROUNDS[e], e))
    return [pytest.param(e, id=e) for e in sent] + sorted(skipped, key=lambda p: p.id)


def test_every_posting_route_is_exercised_or_skipped_with_why(app):
    posting = {r.endpoint for r in app.url_map.iter_rules() if "POST" in r.methods}
    listed = set(_post_routes())
    assert sorted(posting - listed) == [], "POST routes this test neither sends nor skips"
    assert sorted(listed - posting) == [], "listed routes that take no POST"
    assert sorted(set(SKIPPED) - listed) == []
    assert all(why.strip() for why in [*SKIPPED.values(), *NOT_AUDITED.values()])
    assert sorted(set(SUBMITS) & set(SKIPPED)) == []
    assert sorted((set(NOT_AUDITED) | set(PER_DELIVERY)) & set(SKIPPED)) == []


@pytest.fixture(scope="module")
def server(database_url, tmp_path_factory):
    log = tmp_path_factory.mktemp("gunicorn") / "server.log"
    with live_server(database_url, log, workers=4) as base_url:
        yield base_url


@pytest.fixture(scope="module")
def worlds(database_url):
    """Worlds shared by the routes of a round, in one app context for the module."""
    app = create_app(settings_for(database_url))
    with app.app_context():
        yield Worlds(), app.test_cli_runner()
        db.session.rollback()
        empty_all_tables()
        db.session.remove()
        db.engine.dispose()


def _audit_problem(endpoint: str, audited: Counter, answers) -> bool:
    if endpoint in NOT_AUDITED:
        return bool(audited)
    if endpoint in PER_DELIVERY:
        return sum(audited.values()) != sum(1 for a in answers if a.status == 200)
    return not audited or any(count != 1 for count in audited.values())


@pytest.mark.parametrize("endpoint", _params())
def test_the_same_form_sent_ten_times_at_once_acts_once(server, worlds, endpoint):
    shared, runner = worlds
    route, submit = ROUTES[endpoint], SUBMITS.get(endpoint, Submit())
    who = actor_of(route, submit)
    world = shared.enter(ROUNDS[endpoint])
    world.own_notification = world.inbox.get(who, world.inbox[Role.ADMIN])
    if submit.prepare:
        submit.prepare(world)
    db.session.commit()
    url = submit.url(world) if submit.url else route.url(world)
    page = submit.page(world) if submit.page else url
    values = submit.values(world) if submit.values else {}
    email = None if who == ANONYMOUS else (world.users.get(who) or getattr(world, who)).email
    db.session.rollback()  # end the test's read: on SQLite it would hold the server's writes
    drift_before = check_integrity(runner)

    client = WebClient(server)
    if email:
        client.log_in(email, PASSWORD)
    form = client.form(page, url)
    pairs = form.fill(values)
    before = snapshot()
    answers = client.post_at_once(form.path, pairs, TIMES)
    measure = Measure.since(before)
    drift = check_integrity(runner)

    statuses = Counter(a.status for a in answers)
    audited = measure.actions
    new_drift = drift if drift != drift_before or MISSING_COMMAND_TEXT in drift else ""
    summary = (
        f"{endpoint} as {who}: answers {dict(statuses)}; audit {dict(audited) or 'none'}; "
        f"notices {measure.notice_summary()}; integrity {new_drift or 'clean'}"
    )
    if not audited and endpoint not in NOT_AUDITED:
        summary += f"; page says {page_problems(client, answers)}"
    assert not [s for s in statuses if s >= 500], summary
    assert not _audit_problem(endpoint, audited, answers), summary
    assert not measure.repeated_notices, summary
    assert new_drift == "", summary
