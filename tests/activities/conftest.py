"""A school with a class, a teacher and a partner company with a host."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from talent.extensions import db
from talent.people.models import Role


@pytest.fixture(autouse=True)
def english(client):
    """The tests read English messages, also where nobody is logged in."""
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def scene(app, make):
    school = make.school("Ullern videregående skole")
    other_school = make.school("Oslo katedralskole")
    school_class = make.school_class(school, "2STA")
    pupils = [make.student(school_class, f"Pupil {n}") for n in range(1, 6)]
    partner = make.organization("Nordic Nanovector")
    other_partner = make.organization("Oncoinvent")
    teacher = make.user(Role.TEACHER, organization=school, language="en")
    other_teacher = make.user(Role.TEACHER, organization=other_school, language="en")
    host = make.user(Role.HOST, organization=partner, language="en")
    other_host = make.user(Role.HOST, organization=other_partner, language="en")
    coordinator = make.user(Role.COORDINATOR, language="en")
    db.session.commit()
    return SimpleNamespace(**locals())
