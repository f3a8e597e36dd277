"""Logged-in administrators and coordinators for the admin-screen tests."""

from __future__ import annotations

import pytest

from talent.extensions import db
from talent.people.models import Role


@pytest.fixture
def admin(make, login):
    """A logged-in administrator."""
    user = make.user(Role.ADMIN, name="Ada Admin", email="ada@example.org")
    db.session.commit()
    return login(user)


@pytest.fixture
def coordinator(make, login):
    """A logged-in coordinator."""
    user = make.user(Role.COORDINATOR, name="Cora Coordinator", email="cora@example.org")
    db.session.commit()
    return login(user)
