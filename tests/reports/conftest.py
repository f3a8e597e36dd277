"""What the report tests share: the hand-counted world (tests/reports/world.py), committed as
the app would find it, and a logged-in coordinator."""

import pytest

from talent.extensions import db
from talent.people.models import Role
from tests.reports import world as world_module


@pytest.fixture
def world(app):
    built = world_module.build()
    db.session.commit()
    return built


@pytest.fixture
def coordinator(make, login):
    user = make.user(Role.COORDINATOR)
    db.session.commit()
    return login(user)
