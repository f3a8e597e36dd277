"""Pupils in a class: the class page, adding, correcting, moving and removing, with audit."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from talent.audit.models import AuditEvent
from talent.extensions import db
from talent.people.models import Role
from talent.schools.models import Student
from tests.support.clock import platform_today


def _events(action: str) -> list[AuditEvent]:
    query = sa.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
    return list(db.session.scalars(query))


def _students() -> list[Student]:
    return list(db.session.scalars(sa.select(Student).order_by(Student.id)))


def _years_ago(years: int, days: int = 0) -> date:
    today = platform_today()
    return today.replace(year=today.year - years, day=min(today.day, 28)) - timedelta(days=days)


# The class page --------------------------------------------------------------------------------


def test_class_page_lists_pupils_with_age_and_account(client, make, schools, teacher):
    invited = make.user(Role.STUDENT, organization=schools.ullern)
    make.student(schools.ullern_class, "Åse Berg", birth_date=_years_ago(16), user=invited)
    db.session.commit()

    page = client.get(f"/classes/{schools.ullern_class.id}").get_data(as_text=True)

    assert "Emma Hansen" in page and "Åse Berg" in page
    assert '<th scope="col">Age today</th>' in page.replace(' class="text-end"', "")
    assert '<td class="text-end">16</td>' in page
    assert "<td>Yes</td>" in page and "<td>No</td>" in page
    assert "2 pupils" in page


@pytest.mark.parametrize("who", ["teacher", "coordinator"])
def test_class_page_query_count_does_not_grow_with_pupils(
    client, make, schools, login, count_queries, who
):
    user = schools.teacher if who == "teacher" else make.user(Role.COORDINATOR)
    db.session.commit()
    login(user)
    url = f"/classes/{schools.ullern_class.id}"
    counts = []
    for more in (2, 30):
        for _ in range(more):
            pupil = make.student(schools.ullern_class)
        pupil.user = make.user(Role.STUDENT, organization=schools.ullern)
        db.session.commit()
        with count_queries() as counter:
            response = client.get(url)
        assert response.status_code == 200
        counts.append(counter.count)

    assert counts[0] == counts[1], counts
    assert counts[1] <= 8


def test_long_classes_are_paginated(client, make, schools, teacher):
    for number in range(60):
        make.student(schools.ullern_class, f"Pupil {number:02d}")
    db.session.commit()
    url = f"/classes/{schools.ullern_class.id}"

    first = client.get(url).get_data(as_text=True)
    second = client.get(f"{url}?page=2").get_data(as_text=True)

    assert "Page 1 of 2" in first
    assert "Pupil 00" in first and "Pupil 59" not in first
    assert "Pupil 59" in second


# Adding and correcting -------------------------------------------------------------------------


def test_teacher_adds_a_pupil_and_it_is_audited(client, schools, teacher):
    url = f"/classes/{schools.ullern_class.id}/pupils/new"
    assert client.get(url).status_code == 200
    birth = _years_ago(17)

    response = client.post(url, data={"name": "  Nora   Olsen ", "birth_date": birth.isoformat()})

    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/classes/{schools.ullern_class.id}")
    pupil = _students()[-1]
    assert (pupil.name, pupil.birth_date, pupil.school_id, pupil.school_class_id) == (
        "Nora Olsen",
        birth,
        schools.ullern.id,
        schools.ullern_class.id,
    )
    assert pupil.user_id is None
    [event] = _events("student.create")
    assert event.actor_id == teacher.id and event.object_id == pupil.id
    assert event.before is None
    assert event.after == {
        "name": "Nora Olsen",
        "birth_date": birth.isoformat(),
        "school_class_id": schools.ullern_class.id,
    }


def test_add_and_add_another_returns_to_the_form(client, schools, teacher):
    url = f"/classes/{schools.ullern_class.id}/pupils/new"
    data = {"name": "Ida", "birth_date": _years_ago(16).isoformat(), "another": "1"}

    response = client.post(url, data=data)

    assert response.headers["Location"].endswith(url)


@pytest.mark.parametrize(
    ("name", "birth_date", "field", "message"),
    [
        ("", _years_ago(16), "name", "Type the pupil"),
        ("   ", _years_ago(16), "name", "Type the pupil"),
        ("N" * 201, _years_ago(16), "name", "Use at most 200 characters."),
        # Two days ahead: the machine's tomorrow can still be today in Oslo (after 23:00 UTC).
        ("Ida", platform_today() + timedelta(days=2), "birth_date", "cannot be in the future"),
        ("Ida", _years_ago(4), "birth_date", "pupils are 5 to 30"),
        ("Ida", _years_ago(31), "birth_date", "pupils are 5 to 30"),
        ("Ida", date(1066, 10, 14), "birth_date", "pupils are 5 to 30"),
        ("Ida", None, "birth_date", "Type the birth date."),
        ("Ida", "17.05.2010", "birth_date", "Type the date as a year, month and day"),
    ],
)
def test_bad_pupils_are_refused_by_the_field(
    client, schools, teacher, name, birth_date, field, message
):
    data = {"name": name}
    if birth_date is not None:
        data["birth_date"] = str(birth_date)

    response = client.post(f"/classes/{schools.ullern_class.id}/pupils/new", data=data)

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert f'id="{field}-error"' in page
    assert message in page
    assert len(_students()) == 2
    assert _events("student.create") == []


def test_names_with_markup_are_stored_as_typed_and_shown_escaped(client, schools, teacher):
    name = '<script>alert("x")</script> Ola'
    client.post(
        f"/classes/{schools.ullern_class.id}/pupils/new",
        data={"name": name, "birth_date": _years_ago(15).isoformat()},
    )
    pupil = _students()[-1]
    assert pupil.name == name

    for url in (f"/classes/{schools.ullern_class.id}", f"/pupils/{pupil.id}"):
        page = client.get(url).get_data(as_text=True)
        assert "<script>alert" not in page
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; Ola" in page


def test_edit_a_pupil_and_it_is_audited(client, schools, teacher):
    pupil = schools.ullern_pupil
    url = f"/pupils/{pupil.id}"
    page = client.get(url).get_data(as_text=True)
    assert 'value="Emma Hansen"' in page and 'value="2010-05-17"' in page

    response = client.post(url, data={"name": "Emma Hansen Berg", "birth_date": "2010-05-18"})

    assert response.status_code == 302
    db.session.refresh(pupil)
    assert (pupil.name, pupil.birth_date) == ("Emma Hansen Berg", date(2010, 5, 18))
    [event] = _events("student.update")
    assert event.before == {"name": "Emma Hansen", "birth_date": "2010-05-17"}
    assert event.after == {"name": "Emma Hansen Berg", "birth_date": "2010-05-18"}


def test_bad_edit_keeps_what_was_typed(client, schools, teacher):
    url = f"/pupils/{schools.ullern_pupil.id}"

    response = client.post(url, data={"name": "Emma Typed", "birth_date": "2999-01-01"})

    page = response.get_data(as_text=True)
    assert 'value="Emma Typed"' in page and 'value="2999-01-01"' in page
    assert 'id="birth_date-error"' in page
    db.session.refresh(schools.ullern_pupil)
    assert schools.ullern_pupil.name == "Emma Hansen"


# Moving and removing ---------------------------------------------------------------------------


def test_move_a_pupil_to_another_class_of_the_school(client, make, schools, teacher):
    target = make.school_class(schools.ullern, "3STA", school_year=2027)
    db.session.commit()
    pupil = schools.ullern_pupil
    page = client.get(f"/pupils/{pupil.id}").get_data(as_text=True)
    assert "3STA (2027/28)" in page
    assert "1STB" not in page  # other schools' classes are not offered

    response = client.post(f"/pupils/{pupil.id}/move", data={"school_class_id": str(target.id)})
    again = client.post(  # a double-click
        f"/pupils/{pupil.id}/move", data={"school_class_id": str(target.id)}, follow_redirects=True
    )

    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/classes/{target.id}")
    assert "Emma Hansen is already in 3STA" in again.get_data(as_text=True)
    db.session.refresh(pupil)
    assert pupil.school_class_id == target.id
    [event] = _events("student.move")
    assert event.before == {"school_class_id": schools.ullern_class.id}
    assert event.after == {"school_class_id": target.id}


def test_a_pupil_cannot_be_moved_to_another_schools_class(client, schools, teacher):
    pupil = schools.ullern_pupil

    response = client.post(
        f"/pupils/{pupil.id}/move", data={"school_class_id": str(schools.nydalen_class.id)}
    )

    assert response.status_code == 400
    assert 'id="school_class_id-error"' in response.get_data(as_text=True)
    db.session.refresh(pupil)
    assert pupil.school_class_id == schools.ullern_class.id
    assert _events("student.move") == []


def test_remove_a_pupil_keeps_the_record(client, schools, teacher):
    pupil = schools.ullern_pupil

    response = client.post(f"/pupils/{pupil.id}/remove")
    again = client.post(f"/pupils/{pupil.id}/remove", follow_redirects=True)  # a double-click

    assert "Emma Hansen is not in any class." in again.get_data(as_text=True)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/classes/{schools.ullern_class.id}")
    db.session.refresh(pupil)
    assert pupil.school_class_id is None and pupil.school_id == schools.ullern.id
    class_page = client.get(f"/classes/{schools.ullern_class.id}").get_data(as_text=True)
    assert ">Emma Hansen</a>" not in class_page
    unplaced = client.get("/pupils/without-class").get_data(as_text=True)
    assert "Emma Hansen" in unplaced
    [event] = _events("student.remove")
    assert event.after == {"school_class_id": None}

    # ... and the pupil can be put back into a class.
    response = client.post(
        f"/pupils/{pupil.id}/move", data={"school_class_id": str(schools.ullern_class.id)}
    )
    assert response.status_code == 302
    db.session.refresh(pupil)
    assert pupil.school_class_id == schools.ullern_class.id


def test_pupils_without_a_class_are_scoped_to_the_school(client, schools, teacher):
    schools.nydalen_pupil.school_class = None
    db.session.commit()

    page = client.get("/pupils/without-class").get_data(as_text=True)

    assert "Jakob Olsen" not in page


def test_coordinator_sees_every_schools_pupils_without_a_class(client, schools, coordinator):
    schools.nydalen_pupil.school_class = None
    db.session.commit()

    page = client.get("/pupils/without-class").get_data(as_text=True)
    assert "Jakob Olsen" in page and "Nydalen videregående skole" in page
    page = client.get(f"/pupils/without-class?school={schools.ullern.id}").get_data(as_text=True)
    assert "Jakob Olsen" not in page


# Other schools ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/pupils/{id}"),
        ("POST", "/pupils/{id}"),
        ("POST", "/pupils/{id}/move"),
        ("POST", "/pupils/{id}/remove"),
        ("POST", "/pupils/{id}/invite"),
    ],
)
def test_another_schools_pupil_is_not_found_for_a_teacher(client, schools, teacher, method, path):
    pupil = schools.nydalen_pupil
    data = {
        "name": "Hacked",
        "birth_date": "2010-01-01",
        "school_class_id": str(schools.ullern_class.id),
        "email": "hacker@example.org",
    }

    response = client.open(path.format(id=pupil.id), method=method, data=data)

    assert response.status_code == 404
    db.session.refresh(pupil)
    assert (pupil.name, pupil.school_class_id, pupil.user_id) == (
        "Jakob Olsen",
        schools.nydalen_class.id,
        None,
    )
    assert client.open(path.format(id=999999), method=method, data=data).status_code == 404


def test_coordinator_manages_any_schools_pupils(client, schools, coordinator):
    pupil = schools.nydalen_pupil

    response = client.post(
        f"/pupils/{pupil.id}", data={"name": "Jakob O.", "birth_date": "2011-02-03"}
    )

    assert response.status_code == 302
    db.session.refresh(pupil)
    assert pupil.name == "Jakob O."
    assert _events("student.update")[0].actor_id == coordinator.id


def test_roles_without_the_permission_are_refused(client, make, schools, login):
    login(make.user(Role.MENTOR, organization=schools.ullern, language="en"))

    assert client.get(f"/classes/{schools.ullern_class.id}").status_code == 403
    assert client.get(f"/pupils/{schools.ullern_pupil.id}").status_code == 403
