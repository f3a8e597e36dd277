"""The class list and the class form: scope by school, filters, validation, duplicates, audit."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from talent.audit.models import AuditEvent
from talent.db import utcnow
from talent.errors import Conflict
from talent.extensions import db
from talent.people.models import Role
from talent.schools import services
from talent.schools.models import SchoolClass

NEW = "/classes/new"


def _classes() -> list[SchoolClass]:
    return list(db.session.scalars(sa.select(SchoolClass).order_by(SchoolClass.id)))


def _events(action: str) -> list[AuditEvent]:
    query = sa.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
    return list(db.session.scalars(query))


# The list --------------------------------------------------------------------------------------


def test_teacher_sees_only_their_own_schools_classes(client, schools, teacher):
    page = client.get("/classes").get_data(as_text=True)

    assert "2STA" in page
    assert "1STB" not in page
    assert f"/classes/{schools.nydalen_class.id}" not in page
    assert "Nydalen" not in page
    assert 'name="school"' not in page  # no school filter for a teacher


def test_coordinator_sees_every_school_and_can_filter_by_school(client, schools, coordinator):
    page = client.get("/classes").get_data(as_text=True)
    assert "2STA" in page and "1STB" in page
    assert 'name="school"' in page

    page = client.get(f"/classes?school={schools.nydalen.id}").get_data(as_text=True)
    assert "1STB" in page and "2STA" not in page


def test_list_groups_by_school_year_and_filters_by_year(client, make, schools, teacher):
    make.school_class(schools.ullern, "3STA", school_year=2025)
    db.session.commit()

    page = client.get("/classes").get_data(as_text=True)
    assert page.index("2026/27") < page.index("2025/26")
    assert 'data-testid="classes-2026"' in page and 'data-testid="classes-2025"' in page

    page = client.get("/classes?year=2025").get_data(as_text=True)
    assert "3STA" in page and "2STA" not in page


def test_list_shows_pupil_counts(client, make, schools, teacher):
    make.student(schools.ullern_class)
    empty = make.school_class(schools.ullern, "1STA")
    db.session.commit()

    page = client.get("/classes").get_data(as_text=True)

    assert f'data-testid="count-{schools.ullern_class.id}">2<' in page
    assert f'data-testid="count-{empty.id}">0<' in page


def test_nonsense_filters_and_pages_are_ignored(client, schools, coordinator):
    for query in ("year=abc", "school=zz", "year=1800", "page=-4", "page=99999999999"):
        assert client.get(f"/classes?{query}").status_code == 200


def test_teacher_without_a_school_is_told_so(client, make, login):
    login(make.user(Role.TEACHER, name="Ingen Skole", language="en"))
    db.session.commit()

    assert "not linked to a school" in client.get("/classes").get_data(as_text=True)
    assert "not linked to a school" in client.get(NEW).get_data(as_text=True)
    response = client.post(NEW, data={"name": "2STA", "school_year": "2026"})
    assert response.status_code == 200
    assert "not linked to a school" in response.get_data(as_text=True)
    assert _classes() == []


def _add_classes(make, school, how_many: int) -> None:
    for number in range(how_many):
        name = f"K{how_many}-{number}"
        school_class = make.school_class(school, name, school_year=2020 + number % 5)
        make.student(school_class)
        make.student(school_class)
    db.session.commit()


@pytest.mark.parametrize("who", ["teacher", "coordinator"])
def test_list_query_count_does_not_grow_with_classes(
    client, make, schools, login, count_queries, who
):
    user = schools.teacher if who == "teacher" else make.user(Role.COORDINATOR)
    db.session.commit()
    login(user)
    counts = []
    for more in (2, 20):
        _add_classes(make, schools.ullern, more)
        with count_queries() as counter:
            response = client.get("/classes")
        assert response.status_code == 200
        assert f"K{more}-1<" in response.get_data(as_text=True)
        counts.append(counter.count)

    assert counts[0] == counts[1], counts
    assert counts[1] <= 8


# Creating and editing --------------------------------------------------------------------------


def test_teacher_creates_a_class_at_their_own_school(client, schools, teacher):
    page = client.get(NEW).get_data(as_text=True)
    assert '<option selected value="2026">2026/27</option>' in page
    assert 'name="school_id"' not in page

    response = client.post(NEW, data={"name": "  3STA ", "school_year": "2026"})

    assert response.status_code == 302
    created = _classes()[-1]
    assert (created.name, created.school_year, created.school_id) == (
        "3STA",
        2026,
        schools.ullern.id,
    )
    assert response.headers["Location"].endswith(f"/classes/{created.id}")
    [event] = _events("class.create")
    assert event.actor_id == teacher.id
    assert event.object_id == created.id
    assert event.after == {"name": "3STA", "school_id": schools.ullern.id, "school_year": 2026}


def test_a_teacher_cannot_pick_another_school(client, schools, teacher):
    client.post(NEW, data={"name": "9X", "school_year": "2026", "school_id": schools.nydalen.id})

    assert _classes()[-1].school_id == schools.ullern.id


def test_coordinator_chooses_the_school(client, schools, coordinator, make):
    company = make.organization("Nordic Nanovector")
    db.session.commit()
    page = client.get(NEW).get_data(as_text=True)
    assert "Nydalen videregående skole" in page and "Nordic Nanovector" not in page

    response = client.post(NEW, data={"name": "1STB", "school_year": "2025", "school_id": ""})
    assert response.status_code == 200
    assert 'id="school_id-error"' in response.get_data(as_text=True)

    response = client.post(
        NEW, data={"name": "1STB", "school_year": "2025", "school_id": str(company.id)}
    )
    assert 'id="school_id-error"' in response.get_data(as_text=True)

    response = client.post(
        NEW, data={"name": "1STB", "school_year": "2025", "school_id": str(schools.nydalen.id)}
    )
    assert response.status_code == 302
    assert _classes()[-1].school_id == schools.nydalen.id


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "Give the class a name"),
        ("   ", "Give the class a name"),
        ("A" * 41, "Use at most 40 characters."),
        ("2STA; DROP", "Use only letters, digits, spaces and hyphens"),
        ("<script>", "Use only letters, digits, spaces and hyphens"),
    ],
)
def test_bad_class_names_are_refused_by_the_field(client, schools, teacher, name, message):
    response = client.post(NEW, data={"name": name, "school_year": "2026"})

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'id="name-error"' in page
    assert message in page
    assert len(_classes()) == 2


def test_class_names_in_other_alphabets_and_with_hyphens_are_fine(client, schools, teacher):
    response = client.post(NEW, data={"name": "3 MK-Å", "school_year": "2026"})

    assert response.status_code == 302
    assert _classes()[-1].name == "3 MK-Å"


def test_school_year_outside_the_list_is_refused(client, schools, teacher):
    response = client.post(NEW, data={"name": "3STA", "school_year": "1999"})

    assert 'id="school_year-error"' in response.get_data(as_text=True)
    assert len(_classes()) == 2


def test_duplicate_class_in_any_letter_case_is_refused_by_the_field(client, schools, teacher):
    typed = "2sta"
    response = client.post(NEW, data={"name": typed, "school_year": "2026"})

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'id="name-error"' in page
    assert "already has a class with this name in that school year" in page
    assert 'value="2sta"' in page  # what was typed is kept
    assert len(_classes()) == 2


def test_same_name_is_fine_in_another_year_or_school(client, schools, teacher, coordinator):
    assert client.post(NEW, data={"name": "2STA", "school_year": "2025"}).status_code == 302


def test_the_unique_constraint_becomes_a_conflict(app, schools, make, monkeypatch):
    coordinator = make.user(Role.COORDINATOR)
    # As if another request added the same class between the check and the insert.
    monkeypatch.setattr(services, "_class_name_taken", lambda *args, **kwargs: False)

    with pytest.raises(Conflict) as refused:
        services.save_class(
            coordinator,
            None,
            name="2STA",
            school_year=2026,
            school=schools.ullern,
            now=utcnow(),
        )

    assert refused.value.field == "name"
    db.session.rollback()


def test_edit_a_class_and_the_change_is_audited(client, schools, teacher):
    url = f"/classes/{schools.ullern_class.id}/edit"
    assert 'value="2STA"' in client.get(url).get_data(as_text=True)

    response = client.post(url, data={"name": "2STB", "school_year": "2025"})

    assert response.status_code == 302
    db.session.refresh(schools.ullern_class)
    assert (schools.ullern_class.name, schools.ullern_class.school_year) == ("2STB", 2025)
    [event] = _events("class.update")
    assert event.before == {"name": "2STA", "school_year": 2026}
    assert event.after == {"name": "2STB", "school_year": 2025}


def test_editing_into_a_duplicate_is_refused(client, make, schools, teacher):
    make.school_class(schools.ullern, "2STB")
    db.session.commit()

    response = client.post(
        f"/classes/{schools.ullern_class.id}/edit", data={"name": "2stb", "school_year": "2026"}
    )

    assert 'id="name-error"' in response.get_data(as_text=True)
    db.session.refresh(schools.ullern_class)
    assert schools.ullern_class.name == "2STA"


def test_a_class_with_pupils_keeps_its_school(client, schools, coordinator):
    response = client.post(
        f"/classes/{schools.ullern_class.id}/edit",
        data={"name": "2STA", "school_year": "2026", "school_id": str(schools.nydalen.id)},
    )

    assert 'id="school_id-error"' in response.get_data(as_text=True)
    db.session.refresh(schools.ullern_class)
    assert schools.ullern_class.school_id == schools.ullern.id


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/classes/{id}"),
        ("GET", "/classes/{id}/edit"),
        ("POST", "/classes/{id}/edit"),
        ("GET", "/classes/{id}/pupils/new"),
        ("POST", "/classes/{id}/pupils/new"),
    ],
)
def test_another_schools_class_is_not_found_for_a_teacher(client, schools, teacher, method, path):
    url = path.format(id=schools.nydalen_class.id)

    response = client.open(url, method=method, data={"name": "Hacked", "school_year": "2026"})

    assert response.status_code == 404
    db.session.refresh(schools.nydalen_class)
    assert schools.nydalen_class.name == "1STB"
    assert client.get(path.format(id=999999)).status_code == 404


def test_school_year_of_turns_in_august():
    from datetime import date

    assert services.school_year_of(date(2026, 7, 31)) == 2025
    assert services.school_year_of(date(2026, 8, 1)) == 2026
    assert services.school_year_label(2099) == "2099/00"
