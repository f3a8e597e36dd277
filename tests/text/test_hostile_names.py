"""A line break typed into any one-line field is refused beside the field, with what was
typed kept; the services refuse it too when called directly (command line, roster import)."""

from __future__ import annotations

import inspect
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from werkzeug.datastructures import MultiDict

from talent.activities import services as activities
from talent.auth import services as auth
from talent.consents import services as consents
from talent.courses.services import management as courses
from talent.courses.services import messages as course_messages
from talent.errors import ValidationFailed
from talent.mentoring.services import profiles, safeguarding, sessions
from talent.people import services as people
from talent.people.models import Role
from talent.programmes import services as programmes
from talent.schools import services as schools
from talent.text import ONE_LINE
from talent.visits.services import blackouts, requests, sites, slots
from tests.routes_world import ANONYMOUS, build_world
from tests.support.double_submit_forms import FORM_ROUTES, SUBMITS, Submit, actor_of
from tests.support.forms import error_beside, shown_value
from tests.support.html_forms import find_form, parse_forms
from tests.test_routes import ROUTES

HOSTILE = "x\r\nBcc: evil@example.com\r\n\r\nbody"
#: Inputs a browser shows on one line.
ONE_LINE_INPUTS = {"text", "email", "search", "url", "tel"}
NOW = datetime(2026, 9, 1, 12, 0, tzinfo=UTC)


#: Small forms that send their errors to the top of the page they return to, and why.
FLASHED = {
    "mentoring.add_goal": "the goal form is one line on the pairing page, which it returns to",
}


def _form_pages() -> list[str]:
    posting = {e for e, route in ROUTES.items() if route.method == "POST"}
    return sorted(set(FORM_ROUTES) | (posting & set(SUBMITS)))


@pytest.mark.parametrize("endpoint", _form_pages())
def test_a_line_break_in_any_one_line_field_is_refused_beside_it(client, make, login, endpoint):
    route, submit = ROUTES[endpoint], SUBMITS.get(endpoint, Submit())
    who = actor_of(route, submit)
    world = build_world(make)
    world.own_notification = world.inbox.get(who, world.inbox[Role.ADMIN])
    if submit.prepare:
        submit.prepare(world)
    if who != ANONYMOUS:
        login(world.users.get(who) or getattr(world, who))
    url = submit.url(world) if submit.url else route.url(world)
    page = submit.page(world) if submit.page else url
    values = submit.values(world) if submit.values else {}
    answer = client.get(page)
    if answer.status_code != 200:
        pytest.skip(f"the page answers {answer.status_code} in this world")
    form = find_form(parse_forms(answer.get_data(as_text=True), f"http://localhost{page}"), url)
    if form is None:
        pytest.skip("the world offers no form here")
    fields = [c.name for c in form.controls if c.tag == "input" and c.kind in ONE_LINE_INPUTS]
    if not fields:
        pytest.skip("no one-line field")
    wrong = []
    for field in fields:
        response = client.post(form.path, data=MultiDict(form.fill(values | {field: HOSTILE})))
        body = response.get_data(as_text=True)
        if endpoint in FLASHED and response.status_code == 302:
            if str(ONE_LINE) not in client.get(response.headers["Location"]).get_data(True):
                wrong.append(f"{field}: the page it returns to does not say why")
        elif response.status_code not in (200, 400):
            wrong.append(f"{field}: {response.status_code} {response.headers.get('Location')}")
        elif error_beside(body, field) != str(ONE_LINE):
            wrong.append(f"{field}: beside it {error_beside(body, field)!r}")
        elif shown_value(body, field) != HOSTILE:
            wrong.append(f"{field}: shows {shown_value(body, field)!r}, not what was typed")
    assert wrong == []


#: Each service that stores one-line text, and the fields it must refuse.
SERVICES = [
    (auth.update_profile, ["name"]),
    (people.save_organization, ["name", "city", "website"]),
    (people.invite_user, ["email", "name"]),
    (people.update_user, ["name", "email"]),
    (schools.save_class, ["name"]),
    (schools.add_student, ["name"]),
    (schools.update_student, ["name"]),
    (schools.invite_student, ["email"]),
    (consents.save_guardian, ["name", "email", "phone"]),
    (consents.give_consent, ["given_by"]),
    (consents.withdraw_consent, ["withdrawn_by"]),
    (programmes.save_programme, ["name"]),
    (programmes.record_alumni_outcome, ["institution", "study"]),
    (sites.save_site, ["name", "address"]),
    (slots.update_slot, ["topic"]),
    (requests.post_request, ["topic"]),
    (blackouts.add_blackout, ["reason"]),
    (activities.save_activity, ["title", "contact_name"]),
    (courses.save_session, ["title", "location"]),
    (course_messages.message_participants, ["subject"]),
    (profiles.save_programme, ["name"]),
    (profiles.save_mentor_profile, ["expertise", "availability"]),
    (profiles.save_mentee_profile, ["interests", "contact_email"]),
    (sessions.add_goal, ["title"]),
    (sessions.plan_session, ["place"]),
    (safeguarding.raise_concern, ["summary"]),
]


def _call(service, **given):
    """Call the service with ``given``; every other parameter is None (the check comes first)."""
    arguments = {
        name: None
        for name, parameter in inspect.signature(service).parameters.items()
        if parameter.default is inspect.Parameter.empty
    }
    arguments |= {"now": NOW, **given}
    positional = [
        arguments.pop(name)
        for name, p in inspect.signature(service).parameters.items()
        if p.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD and name in arguments
    ]
    return service(*positional, **arguments)


@pytest.mark.parametrize(
    ("service", "field"),
    [(service, field) for service, fields in SERVICES for field in fields],
    ids=lambda value: getattr(value, "__qualname__", value),
)
def test_a_service_refuses_a_line_break_in_a_one_line_field(app, service, field):
    with pytest.raises(ValidationFailed) as refused:
        _call(service, **{field: HOSTILE})
    assert (refused.value.field, refused.value.message) == (field, ONE_LINE)


@pytest.mark.parametrize("field", ["title", "location"])
def test_saving_a_course_refuses_a_line_break(app, field):
    details = SimpleNamespace(**({"title": "Immunology", "location": ""} | {field: HOSTILE}))
    with pytest.raises(ValidationFailed) as refused:
        courses.save_course(None, None, details, now=NOW)
    assert refused.value.field == field


def test_publishing_slots_refuses_a_line_break_in_the_topic(app):
    plan = slots.SlotPlan(first_day=None, start=None, end=None, capacity=None, topic=HOSTILE)
    with pytest.raises(ValidationFailed) as refused:
        _call(slots.publish_slots, site=SimpleNamespace(is_active=True), plan=plan)
    assert refused.value.field == "topic"
