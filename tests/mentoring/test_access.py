"""Every mentoring route, for every role and for anonymous visitors, against one table.

The mentor of the world is the pairing's mentor and the student is its mentee's account; the
researcher has nothing to do with the pairing. (The same expectations, with URLs built from
ROUTE_WORLD, belong in tests/test_routes.py.)
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest

from talent.extensions import db
from talent.mentoring.models import Concern, Goal, PlannedSession, SessionMode
from talent.people.models import Role

ANONYMOUS = "anonymous"
EVERYONE = frozenset({ANONYMOUS, *Role})
STAFF = frozenset({Role.ADMIN, Role.COORDINATOR})
MENTOR = frozenset({Role.ADMIN, Role.MENTOR})

#: endpoint: (who gets through, method, url from the world)
ROUTES = {
    "mentoring.index": (STAFF | {Role.MENTOR, Role.RESEARCHER, Role.STUDENT}, "GET", "/mentoring/"),
    "mentoring.programmes": (STAFF, "GET", "/mentoring/programmes"),
    "mentoring.edit_programme": (STAFF, "GET", "/mentoring/programmes/{programme}/edit"),
    "mentoring.mentors": (STAFF, "GET", "/mentoring/mentors"),
    "mentoring.mentor": (STAFF | {Role.MENTOR}, "GET", "/mentoring/mentors/{mentor_user}"),
    "mentoring.vetting": (STAFF, "POST", "/mentoring/mentors/{mentor_user}/vetting"),
    "mentoring.mentees": (STAFF, "GET", "/mentoring/mentees"),
    "mentoring.new_mentee": (STAFF, "POST", "/mentoring/mentees/new"),
    "mentoring.mentee": (STAFF, "GET", "/mentoring/mentees/{mentee}"),
    "mentoring.match": (STAFF, "GET", "/mentoring/mentees/{mentee}/match"),
    "mentoring.pairing": (STAFF | {Role.MENTOR, Role.STUDENT}, "GET", "/mentoring/pairings/{p}"),
    "mentoring.accept": (MENTOR, "POST", "/mentoring/pairings/{p}/accept"),
    "mentoring.decline": (MENTOR, "GET", "/mentoring/pairings/{p}/decline"),
    "mentoring.pause": (STAFF | {Role.MENTOR}, "POST", "/mentoring/pairings/{p}/pause"),
    "mentoring.resume": (STAFF | {Role.MENTOR}, "POST", "/mentoring/pairings/{p}/resume"),
    "mentoring.complete": (STAFF, "POST", "/mentoring/pairings/{p}/complete"),
    "mentoring.end_early": (STAFF, "GET", "/mentoring/pairings/{p}/end"),
    "mentoring.add_goal": (STAFF | {Role.MENTOR}, "POST", "/mentoring/pairings/{p}/goals"),
    "mentoring.goal_status": (STAFF | {Role.MENTOR}, "POST", "/mentoring/goals/{goal}"),
    "mentoring.log_session": (MENTOR, "GET", "/mentoring/pairings/{p}/sessions/new"),
    "mentoring.edit_session": (MENTOR, "GET", "/mentoring/sessions/{session}/edit"),
    "mentoring.confirm": (
        frozenset({Role.ADMIN, Role.STUDENT}),
        "POST",
        "/mentoring/sessions/{session}/confirm",
    ),
    "mentoring.resend_confirmation": (MENTOR, "POST", "/mentoring/sessions/{session}/resend"),
    "mentoring.confirm_by_link": (EVERYONE, "GET", "/mentoring/confirm/not-a-token"),
    "mentoring.plan": (MENTOR, "GET", "/mentoring/pairings/{p}/plan"),
    "mentoring.cancel_planned": (MENTOR, "POST", "/mentoring/planned/{planned}/cancel"),
    "mentoring.planned_ics": (
        STAFF | {Role.MENTOR, Role.STUDENT},
        "GET",
        "/mentoring/planned/{planned}.ics",
    ),
    "mentoring.give_feedback": (
        frozenset({Role.ADMIN, Role.MENTOR, Role.STUDENT}),
        "GET",
        "/mentoring/pairings/{p}/feedback",
    ),
    "mentoring.feedback_by_link": (EVERYONE, "GET", "/mentoring/feedback/not-a-token"),
    "mentoring.raise_concern": (
        STAFF | {Role.MENTOR, Role.STUDENT},
        "GET",
        "/mentoring/pairings/{p}/concern",
    ),
    "mentoring.concerns": (STAFF, "GET", "/mentoring/concerns"),
    "mentoring.concern": (STAFF, "GET", "/mentoring/concerns/{concern}"),
    "mentoring.concern_note": (STAFF, "POST", "/mentoring/concerns/{concern}/notes"),
    "mentoring.close_concern": (STAFF, "POST", "/mentoring/concerns/{concern}/close"),
    "mentoring.reopen_concern": (STAFF, "POST", "/mentoring/concerns/{concern}/reopen"),
}


def build(mk):
    users = {role: mk.user(role, email=f"{role}@example.org") for role in Role}
    programme = mk.programme(lead=users[Role.COORDINATOR])
    mentor = mk.mentor(user=users[Role.MENTOR])
    mentee = mk.pupil()
    mentee.student.user = users[Role.STUDENT]
    pairing = mk.pairing(mentor, mentee, programme)
    goal = Goal(pairing=pairing, title="Goal")
    planned = PlannedSession(
        pairing=pairing,
        starts_at=datetime.now(UTC) + timedelta(days=3),
        mode=SessionMode.VIDEO,
    )
    concern = Concern(pairing=pairing, summary="Worry", lead_id=users[Role.COORDINATOR].id)
    db.session.add_all([goal, planned, concern])
    session = mk.session(pairing)
    db.session.commit()
    ids = {
        "programme": programme.id,
        "mentor_user": mentor.user_id,
        "mentee": mentee.id,
        "p": pairing.id,
        "goal": goal.id,
        "session": session.id,
        "planned": planned.id,
        "concern": concern.id,
    }
    return SimpleNamespace(users=users, ids=ids)


def test_every_mentoring_route_is_in_the_table(app):
    endpoints = {
        r.endpoint for r in app.url_map.iter_rules() if r.endpoint.startswith("mentoring.")
    }
    assert endpoints == set(ROUTES)


@pytest.mark.parametrize("who", [ANONYMOUS, *Role], ids=str)
def test_access_matches_the_table(client, login, mk, who):
    world = build(mk)
    if who != ANONYMOUS:
        login(world.users[who])
    wrong = []
    for endpoint, (allowed, method, pattern) in ROUTES.items():
        url = pattern.format(**world.ids)
        response = client.open(url, method=method)
        refused = response.status_code == 403 or (
            response.status_code == 302 and "/login" in response.headers["Location"]
        )
        if response.status_code >= 500:
            wrong.append(f"{endpoint} {url}: {response.status_code}")
        elif refused == (who in allowed):
            wrong.append(f"{endpoint} {url}: {response.status_code} for {who}")
    assert wrong == []
