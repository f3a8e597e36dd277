"""Schools, teachers and coordinators for the school tests.

The users read English, so that the tests can look for the English messages.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from talent.extensions import db
from talent.people.models import Role


@pytest.fixture
def schools(make):
    """Two schools, a teacher at each, and a class at each with one pupil."""
    ullern = make.school("Ullern videregående skole")
    nydalen = make.school("Nydalen videregående skole")
    world = SimpleNamespace(
        ullern=ullern,
        nydalen=nydalen,
        teacher=make.user(Role.TEACHER, name="Tore Lærer", organization=ullern, language="en"),
        other_teacher=make.user(
            Role.TEACHER, name="Nina Lærer", organization=nydalen, language="en"
        ),
        ullern_class=make.school_class(ullern, "2STA"),
        nydalen_class=make.school_class(nydalen, "1STB"),
    )
    world.ullern_pupil = make.student(world.ullern_class, "Emma Hansen")
    world.nydalen_pupil = make.student(world.nydalen_class, "Jakob Olsen")
    db.session.commit()
    return world


@pytest.fixture
def teacher(schools, login):
    """The logged-in teacher at Ullern."""
    return login(schools.teacher)


@pytest.fixture
def coordinator(make, login):
    """A logged-in coordinator."""
    user = make.user(
        Role.COORDINATOR, name="Cora Coordinator", email="cora@example.org", language="en"
    )
    db.session.commit()
    return login(user)
