"""Every list shows exactly the rows the object rule lets the user open, for every identity
of the route world (tests/routes_world.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from talent.activities import services as activities
from talent.activities.models import Activity
from talent.auth import policy
from talent.db import utcnow
from talent.extensions import db
from talent.visits.models import LabVisit, VisitRequest
from talent.visits.services import queries
from talent.visits.services import requests as visit_requests
from tests.routes_world import ANONYMOUS, IDENTITIES, build_world

#: (permission, model, the query its list page shows) for every list scope.
LISTS = (
    ("visits.read", LabVisit, lambda user: queries.visits_query(user, now=utcnow())),
    ("visits.requests", VisitRequest, visit_requests.visible_requests_query),
    ("activities.read", Activity, activities.activities_query),
)


@pytest.fixture
def world(make):
    world = build_world(make)
    # A request whose window has passed, still open: no host may see it on the list or open it.
    stale = world.doomed_request
    stale.earliest_on = utcnow().date() - timedelta(days=30)
    stale.latest_on = utcnow().date() - timedelta(days=10)
    db.session.commit()
    return world


def test_every_list_scope_has_its_list_here():
    from talent import create_app  # noqa: F401 - the app fixture registered the features

    assert {(permission, model) for permission, model, _ in LISTS} == set(
        policy.registered_scopes()
    )


@pytest.mark.parametrize("who", IDENTITIES, ids=str)
def test_lists_show_what_the_object_rule_allows(app, world, who):
    user = None if who == ANONYMOUS else world.users[who]
    for permission, model, listed in LISTS:
        shown = {row.id for row in db.session.scalars(listed(user)).unique()}
        scoped = db.session.scalars(
            sa.select(model.id).where(policy.scope(user, permission, model))
        )
        allowed = {
            obj.id
            for obj in db.session.scalars(sa.select(model))
            if policy.can(user, permission, obj)
        }
        assert shown == allowed, (who, permission)
        assert set(scoped) == allowed, (who, permission)
        db.session.expire_all()


def test_a_host_neither_lists_nor_opens_a_request_whose_window_has_passed(app, world):
    from talent.people.models import Role

    host, stale = world.users[Role.HOST], world.doomed_request
    listed = {row.id for row in db.session.scalars(visit_requests.visible_requests_query(host))}
    assert world.visit_request.id in listed and stale.id not in listed
    assert policy.can(host, "visits.requests", world.visit_request)
    assert not policy.can(host, "visits.requests", stale)
    assert policy.can(world.users[Role.TEACHER], "visits.requests", stale)
