"""Logged-in staff for the audit log tests."""

from __future__ import annotations

import pytest
from flask import g

from talent.extensions import db
from talent.people.models import Role


@pytest.fixture(autouse=True)
def load_user_per_request(app):
    """Make every request load its user from its own session cookie, as in production.

    The app fixture holds one app context for the whole test, so flask.g, where Flask-Login
    caches the current user, would otherwise carry one request's user into the next.
    """

    @app.before_request
    def forget_cached_user() -> None:
        g.pop("_login_user", None)


@pytest.fixture
def admin(make, login):
    user = make.user(Role.ADMIN, name="Ada Admin", email="ada@example.org")
    db.session.commit()
    return login(user)


@pytest.fixture
def coordinator(make, login):
    user = make.user(Role.COORDINATOR, name="Cora Coordinator", email="cora@example.org")
    db.session.commit()
    return login(user)
