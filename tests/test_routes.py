"""Every route, for every role and for anonymous visitors, against one expectation table.

A route missing from ROUTES fails the test: a new page must say who may reach it.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace

import pytest

from talent.extensions import db
from talent.people.models import Role

ANONYMOUS = "anonymous"
EVERYONE = frozenset({ANONYMOUS, *Role})
SIGNED_IN = frozenset(Role)
STAFF = frozenset({Role.ADMIN, Role.COORDINATOR})
TEACHING = STAFF | {Role.TEACHER}


@dataclass(frozen=True)
class Route:
    #: Who gets the page (anything but 403 or a redirect to the login page).
    allowed: frozenset
    #: Builds the URL from the world of test objects.
    url: callable
    method: str = "GET"


def const(path):
    return lambda world: path


ROUTES: dict[str, Route] = {
    "static": Route(EVERYONE, const("/static/css/app.css")),
    "home.index": Route(SIGNED_IN, const("/")),
    "home.health": Route(EVERYONE, const("/health")),
    "auth.login": Route(EVERYONE, const("/login")),
    "auth.logout": Route(EVERYONE, const("/logout"), "POST"),
    "auth.forgot_password": Route(EVERYONE, const("/password/forgot")),
    "auth.reset_password": Route(EVERYONE, const("/password/reset/not-a-token")),
    "auth.accept_invitation": Route(EVERYONE, const("/invitation/not-a-token")),
    "auth.profile": Route(SIGNED_IN, const("/profile")),
    "auth.change_own_password": Route(SIGNED_IN, const("/profile/password"), "POST"),
    "auth.switch_language": Route(EVERYONE, const("/language"), "POST"),
    "people.organizations": Route(STAFF, const("/admin/organisations")),
    "people.new_organization": Route(STAFF, const("/admin/organisations/new")),
    "people.edit_organization": Route(STAFF, lambda w: f"/admin/organisations/{w.company.id}"),
    "people.users": Route(STAFF, const("/admin/users")),
    "people.invite": Route(STAFF, const("/admin/users/invite")),
    "people.edit_user": Route(STAFF, lambda w: f"/admin/users/{w.victim.id}"),
    "people.reinvite": Route(STAFF, lambda w: f"/admin/users/{w.victim.id}/reinvite", "POST"),
    "people.deactivate": Route(STAFF, lambda w: f"/admin/users/{w.victim.id}/deactivate", "POST"),
    "people.reactivate": Route(STAFF, lambda w: f"/admin/users/{w.victim.id}/reactivate", "POST"),
    "audit.events": Route(STAFF, const("/audit/")),
    "schools.classes": Route(TEACHING, const("/classes")),
    "schools.new_class": Route(TEACHING, const("/classes/new")),
    "schools.show_class": Route(TEACHING, lambda w: f"/classes/{w.school_class.id}"),
    "schools.edit_class": Route(TEACHING, lambda w: f"/classes/{w.school_class.id}/edit"),
    "schools.new_student": Route(TEACHING, lambda w: f"/classes/{w.school_class.id}/pupils/new"),
    "schools.edit_student": Route(TEACHING, lambda w: f"/pupils/{w.pupil.id}"),
    "schools.move_student": Route(TEACHING, lambda w: f"/pupils/{w.pupil.id}/move", "POST"),
    "schools.remove_student": Route(TEACHING, lambda w: f"/pupils/{w.pupil.id}/remove", "POST"),
    "schools.invite_student": Route(TEACHING, lambda w: f"/pupils/{w.pupil.id}/invite", "POST"),
    "schools.unplaced_students": Route(TEACHING, const("/pupils/without-class")),
}


def build_world(make):
    """One school with a class and a pupil, and one user per role at that school."""
    school = make.school("Ullern videregående skole")
    company = make.organization("Nordic Nanovector")
    school_class = make.school_class(school, "2STA")
    users = {}
    for role in Role:
        organization = school if role in (Role.TEACHER, Role.STUDENT) else company
        users[role] = make.user(role, organization=organization, email=f"{role}@example.org")
    victim = make.user(Role.RESEARCHER, organization=company, email="victim@example.org")
    pupil = make.student(school_class, "Emma Hansen")
    db.session.commit()
    return SimpleNamespace(
        school=school, company=company, school_class=school_class, pupil=pupil,
        users=users, victim=victim,
    )


def test_every_route_is_in_the_table(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    unknown = endpoints - set(ROUTES)
    assert not unknown, f"routes without an access expectation: {sorted(unknown)}"
    stale = set(ROUTES) - endpoints
    assert not stale, f"expectations for routes that no longer exist: {sorted(stale)}"


def test_every_view_declares_a_permission(app):
    from talent.auth.guards import VIEW_PERMISSION_ATTRIBUTE

    undeclared = [
        endpoint
        for endpoint, view in app.view_functions.items()
        if endpoint != "static" and not hasattr(view, VIEW_PERMISSION_ATTRIBUTE)
    ]
    assert undeclared == []


def _is_refused(response) -> bool:
    if response.status_code == 403:
        return True
    return response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("who", [ANONYMOUS, *Role], ids=str)
def test_access_matches_the_table(app, client, make, login, who):
    world = build_world(make)
    if who != ANONYMOUS:
        login(world.users[who])
    wrong = []
    for endpoint, route in sorted(ROUTES.items()):
        if endpoint in ("auth.logout",):
            continue  # would end the session the walk runs in; covered in tests/auth
        url = route.url(world)
        response = client.open(url, method=route.method)
        refused = _is_refused(response)
        response.close()
        if response.status_code >= 500:
            wrong.append(f"{endpoint} {url}: {response.status_code}")
        elif refused == (who in route.allowed):
            wrong.append(f"{endpoint} {url}: {response.status_code} for {who}")
    assert wrong == []
