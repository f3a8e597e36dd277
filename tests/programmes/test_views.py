"""The programme pages: list, create, the programme page, enrolling, states, alumni, CSV."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from talent.consents.models import ConsentKind
from talent.extensions import db
from talent.people.models import Role
from talent.programmes.models import EnrollmentState, FieldOfStudy, Programme, ProgrammeEnrollment
from tests.programmes import factories as pf
from tests.support.csv_files import HOSTILE_NAME, LANGUAGES, raw_lines, read_csv


@pytest.fixture
def world(make):
    school = make.school("Ullern videregående skole")
    teacher = make.user(Role.TEACHER, organization=school, language="en")
    coordinator = make.user(Role.COORDINATOR, language="en")
    group = make.school_class(school, "2STA")
    programme = pf.programme("Ullern talent programme", school=school, capacity=2)
    db.session.commit()
    return school, teacher, coordinator, group, programme


def test_a_coordinator_creates_a_programme_with_tracks(client, login, world):
    school, _, coordinator, *_ = world
    login(coordinator)
    response = client.post(
        "/programmes/new",
        data={
            "name": "Cluster talent programme",
            "school_year": "2026",
            "school_id": "",
            "capacity": "30",
            "tracks": "Natural science\nMedia\nEntrepreneurship",
            "description": "",
        },
    )
    assert response.status_code == 302
    programme = db.session.scalars(
        sa.select(Programme).where(Programme.name == "Cluster talent programme")
    ).one()
    assert programme.school_id is None and len(programme.tracks) == 3
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "0 of 30 places taken" in page


def test_bad_programme_input_is_shown_next_to_the_field(client, login, world):
    *_, coordinator, _, _ = world
    login(coordinator)
    response = client.post(
        "/programmes/new",
        data={"name": "X", "school_year": "2026", "capacity": "-4", "tracks": "kept"},
    )
    page = response.get_data(as_text=True)
    assert "The capacity is a number from 0 to" in page and "kept" in page


def test_teachers_may_not_create_programmes(client, login, world):
    _, teacher, *_ = world
    login(teacher)
    assert client.get("/programmes/new").status_code == 403


def test_enrolling_and_activating_says_exactly_what_is_missing(client, login, world, make):
    _, teacher, _, group, programme = world
    emma = make.student(group, "Emma Hansen", birth_date=date(2010, 5, 17))
    make.student(group, "Jonas Berg", birth_date=date(2010, 1, 2))
    db.session.commit()
    login(teacher)
    page = client.get(f"/programmes/{programme.id}/enroll?school_class={group.id}")
    assert "Emma Hansen" in page.get_data(as_text=True)
    response = client.post(
        f"/programmes/{programme.id}/enroll?school_class={group.id}",
        data={"student_ids": [str(emma.id)], "track_id": "", "intended_field": "medicine"},
    )
    assert response.status_code == 302
    enrollment = db.session.scalars(sa.select(ProgrammeEnrollment)).one()
    assert enrollment.intended_field_at_start is FieldOfStudy.MEDICINE

    page = client.get(f"/programmes/{programme.id}").get_data(as_text=True)
    assert "Emma Hansen (16): no consent for programme participation" in page
    response = client.post(f"/programmes/enrollments/{enrollment.id}/activate")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "A pupil under 18 needs a valid programme consent" in page
    db.session.refresh(enrollment)
    assert enrollment.state is EnrollmentState.APPLIED

    pf.consent(emma, ConsentKind.PROGRAMME)
    db.session.commit()
    client.post(f"/programmes/enrollments/{enrollment.id}/activate")
    db.session.refresh(enrollment)
    assert enrollment.state is EnrollmentState.ACTIVE


def test_completing_and_withdrawing_through_forms(client, login, world, make):
    _, teacher, _, group, programme = world
    first = pf.enrollment(programme, make.student(group), EnrollmentState.ACTIVE)
    second = pf.enrollment(programme, make.student(group), EnrollmentState.ACTIVE)
    db.session.commit()
    login(teacher)
    response = client.post(f"/programmes/enrollments/{first.id}/complete", data={})
    assert "Choose what the pupil now intends to study." in response.get_data(as_text=True)
    client.post(
        f"/programmes/enrollments/{first.id}/complete", data={"intended_field": "natural_sciences"}
    )
    response = client.post(f"/programmes/enrollments/{second.id}/withdraw", data={"reason": ""})
    assert "Write why the pupil withdraws." in response.get_data(as_text=True)
    client.post(f"/programmes/enrollments/{second.id}/withdraw", data={"reason": "Changed school"})
    again = client.post(  # a double-click
        f"/programmes/enrollments/{second.id}/withdraw",
        data={"reason": "Changed school"},
        follow_redirects=True,
    )
    assert "was already withdrawn" in again.get_data(as_text=True)
    db.session.expire_all()
    assert first.state is EnrollmentState.COMPLETED
    assert (
        second.state is EnrollmentState.WITHDRAWN and second.withdrawal_reason == "Changed school"
    )
    assert db.session.get(Programme, programme.id).places_taken == 1


def test_another_schools_teacher_cannot_reach_the_programme_or_enrollments(
    client, login, world, make
):
    *_, group, programme = world
    enrollment = pf.enrollment(programme, make.student(group))
    stranger = make.user(Role.TEACHER, organization=make.school(), language="en")
    db.session.commit()
    login(stranger)
    assert client.get(f"/programmes/{programme.id}").status_code == 403
    assert client.post(f"/programmes/enrollments/{enrollment.id}/activate").status_code == 403


def _add_enrollments(make, group, programme, count):
    for _ in range(count):
        pupil = make.student(group, birth_date=date(2010, 1, 1))
        pf.enrollment(
            programme, pupil, EnrollmentState.APPLIED, intended_field_at_start=FieldOfStudy.OTHER
        )
        pf.consent(pupil, ConsentKind.PROGRAMME)
    db.session.commit()


def test_the_programme_page_runs_as_many_queries_for_40_pupils_as_for_4(
    client, login, world, make, count_queries
):
    *_, coordinator, group, programme = world
    programme.capacity = 100
    login(coordinator)
    counts = []
    for count in (4, 36):
        _add_enrollments(make, group, programme, count)
        client.get(f"/programmes/{programme.id}")
        with count_queries() as counter:
            response = client.get(f"/programmes/{programme.id}")
        assert response.status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1]
    assert response.get_data(as_text=True).count('data-testid="enrollment-') == 40


def test_the_participants_csv_neutralises_formulas(client, login, world, make):
    *_, coordinator, group, programme = world
    pf.enrollment(programme, make.student(group, "=2+5+cmd|' /C calc'!A0"))
    db.session.commit()
    login(coordinator)
    response = client.get(f"/programmes/{programme.id}/participants.csv")
    text = response.get_data(as_text=True)
    assert response.mimetype == "text/csv"
    assert "'=2+5+cmd" in text


def test_alumni_follow_up(client, login, world, make):
    _, teacher, _, group, programme = world
    pupil = make.student(group, "Emma Hansen")
    pf.enrollment(programme, pupil, EnrollmentState.COMPLETED)
    pupil.left_school_on = date(2026, 6, 20)
    db.session.commit()
    login(teacher)
    assert "Emma Hansen" in client.get("/programmes/alumni").get_data(as_text=True)
    response = client.post(
        f"/programmes/alumni/{pupil.id}",
        data={
            "field": "medicine",
            "study": "Medicine",
            "institution": "University of Oslo",
            "reported_on": "2026-09-15",
        },
    )
    assert response.status_code == 302
    page = client.get("/programmes/alumni").get_data(as_text=True)
    assert "Medicine, University of Oslo" in page


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_participants_csv_keeps_a_hostile_name_in_one_cell(
    client, login, world, make, language
):
    *_, coordinator, group, programme = world
    pf.enrollment(programme, make.student(group, HOSTILE_NAME))
    coordinator.language = language
    db.session.commit()
    login(coordinator)
    response = client.get(f"/programmes/{programme.id}/participants.csv")
    header, row = read_csv(response, language)
    assert len(row) == len(header) == 7
    assert row[0] == HOSTILE_NAME
    # quoted, so a spreadsheet splitting on the other delimiter keeps it in one cell too
    assert raw_lines(response)[1].startswith(f'"{HOSTILE_NAME}"')
