"""The pupil's timeline: providers, who sees what, bounded queries, leaving school."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from talent.auth import policy
from talent.consents.models import ConsentKind
from talent.extensions import db
from talent.people.models import Role
from talent.programmes.models import EnrollmentState, FieldOfStudy
from talent.rosters import services as rosters
from talent.schools.models import Student
from talent.timeline.registry import (
    TimelineEntry,
    register_timeline_provider,
    timeline_for,
    unregister_timeline_provider,
)
from tests.programmes import factories as pf
from tests.programmes.factories import NOW


@pytest.fixture
def world(make):
    school = make.school("Ullern videregående skole")
    teacher = make.user(Role.TEACHER, organization=school, language="en")
    group = make.school_class(school, "2STA")
    pupil = make.student(group, "Emma Hansen", birth_date=date(2010, 5, 17))
    programme = pf.programme("Ullern talent programme", school=school)
    pf.enrollment(
        programme,
        pupil,
        EnrollmentState.WITHDRAWN,
        withdrawn_at=NOW,
        withdrawal_reason="Private family matter",
        intended_field_at_start=FieldOfStudy.MEDICINE,
    )
    pf.consent(pupil, ConsentKind.PHOTO_MEDIA)
    db.session.commit()
    return school, teacher, group, pupil, programme


@pytest.fixture
def mentee_check():
    """Stand in for the mentoring feature's rule: the mentor named 'Mentor of Emma' mentors Emma."""

    def mentors(user, student):
        return user.name == "Mentor of Emma" and student.name == "Emma Hansen"

    policy.object_rule("pupils.view", Student)(mentors)
    yield
    policy.unregister_rule("pupils.view", Student, mentors)


def test_a_teacher_sees_programmes_consents_and_classes(client, login, world):
    _, teacher, _, pupil, _ = world
    login(teacher)
    page = client.get(f"/pupils/{pupil.id}/timeline").get_data(as_text=True)
    assert "Registered at Ullern videregående skole" in page
    assert "In class 2STA (2026/27)" in page
    assert "Applied to Ullern talent programme 2026/27" in page
    assert "Intends to study: medicine." in page
    assert "Consent for photos and media given" in page
    assert "Private family matter" in page


def test_programmes_are_linked_where_the_policy_lets_the_viewer_view_them(app, world, make):
    _, teacher, _, pupil, own = world
    elsewhere = pf.programme("Oslo talent programme", school=make.school())
    everywhere = pf.programme("National talent programme")
    for programme in (elsewhere, everywhere):
        pf.enrollment(programme, pupil)
    mentor = make.user(Role.MENTOR)
    db.session.commit()
    for viewer in (teacher, make.user(Role.COORDINATOR), mentor):
        with app.test_request_context(headers={"Accept-Language": "en"}):
            entries = timeline_for(pupil, viewer)
        for programme in (own, elsewhere, everywhere):
            (applied,) = [e for e in entries if e.title.startswith(f"Applied to {programme.name}")]
            may_view = policy.can(viewer, "programmes.view", programme)
            assert applied.url == (f"/programmes/{programme.id}" if may_view else None)
    assert not policy.can(teacher, "programmes.view", elsewhere)
    assert policy.can(teacher, "programmes.view", everywhere)


def test_a_teacher_of_another_school_is_refused(client, login, world, make):
    *_, pupil, _ = world
    stranger = make.user(Role.TEACHER, organization=make.school())
    db.session.commit()
    login(stranger)
    assert client.get(f"/pupils/{pupil.id}/timeline").status_code == 403


def test_a_mentor_sees_only_mentees_and_not_their_consents(
    client, login, world, make, mentee_check
):
    _, _, group, pupil, _ = world
    other = make.student(group, "Jonas Berg")
    mentor = make.user(Role.MENTOR, name="Mentor of Emma", language="en")
    db.session.commit()
    login(mentor)
    assert client.get(f"/pupils/{other.id}/timeline").status_code == 403
    page = client.get(f"/pupils/{pupil.id}/timeline").get_data(as_text=True)
    assert "Applied to Ullern talent programme" in page
    assert "Consent for photos and media" not in page
    assert "Private family matter" not in page
    assert "Leaving school" not in page


def test_a_mentor_without_mentees_sees_nothing(client, login, world, make):
    *_, pupil, _ = world
    mentor = make.user(Role.MENTOR, name="Mentor of Emma")
    db.session.commit()
    login(mentor)
    assert client.get(f"/pupils/{pupil.id}/timeline").status_code == 403


def test_a_pupil_sees_their_own_timeline(client, login, world, make):
    *_, group, pupil, _ = world
    account = make.user(Role.STUDENT, organization=pupil.school, language="en")
    pupil.user = account
    other = make.student(group, "Jonas Berg")
    db.session.commit()
    login(account)
    assert client.get(f"/pupils/{pupil.id}/timeline").status_code == 200
    assert client.get(f"/pupils/{other.id}/timeline").status_code == 403


def test_other_features_register_providers(app, world):
    _, teacher, _, pupil, _ = world

    def visits(student, viewer):
        return [
            TimelineEntry(
                when=datetime(2026, 9, 3, 8, 0, tzinfo=UTC), kind="visit", title="Lab visit"
            ),
            TimelineEntry(
                when=date(2026, 9, 4), kind="visit", title="Secret", permission="privacy.manage"
            ),
        ]

    register_timeline_provider(visits)
    register_timeline_provider(visits)  # registering again does not double it
    try:
        with app.test_request_context(headers={"Accept-Language": "en"}):
            entries = timeline_for(pupil, teacher)
    finally:
        unregister_timeline_provider(visits)
    titles = [entry.title for entry in entries]
    assert titles.count("Lab visit") == 1 and "Secret" not in titles
    assert [e.sort_key for e in entries] == sorted((e.sort_key for e in entries), reverse=True)


def _grow(make, group, pupil, programme_count: int, bystanders: int):
    for n in range(programme_count):
        programme = pf.programme(f"Programme {n} {pupil.id}-{programme_count}")
        pf.enrollment(programme, pupil, EnrollmentState.COMPLETED, completed_at=NOW)
        pf.consent(pupil, ConsentKind.LAB_VISITS, superseded_at=NOW)
    for _ in range(bystanders):
        make.student(group)
    db.session.commit()


def test_the_timeline_runs_as_many_queries_with_much_as_with_little(
    client, login, world, make, count_queries
):
    _, teacher, group, pupil, _ = world
    login(teacher)
    counts = []
    for programmes, bystanders in ((1, 2), (12, 40)):
        _grow(make, group, pupil, programmes, bystanders)
        client.get(f"/pupils/{pupil.id}/timeline")
        with count_queries() as counter:
            response = client.get(f"/pupils/{pupil.id}/timeline")
        assert response.status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1] <= 15  # the budget of a main page
    assert response.get_data(as_text=True).count("Completed Programme") == 13


def test_roster_imports_show_class_history(app, world):
    school, teacher, _, _, _ = world
    text = "navn;fødselsdato;klasse\nEmma Hansen;17.05.2010;3STA\n"
    roster_import = rosters.start_import(
        teacher,
        school,
        school_year=2026,
        filename="x.csv",
        data=text.encode(),
        max_bytes=10**6,
        now=NOW,
    )
    rosters.check_all(roster_import, now=NOW)
    rosters.save_import(teacher, roster_import, now=NOW)
    db.session.commit()
    pupil = world[3]
    with app.test_request_context(headers={"Accept-Language": "en"}):
        titles = [e.title for e in timeline_for(pupil, teacher)]
    assert "In class 3STA (2026/27)" in titles


def test_recording_the_day_a_pupil_left(client, login, world):
    _, teacher, _, pupil, _ = world
    login(teacher)
    response = client.post(f"/pupils/{pupil.id}/left-school", data={"left_school_on": "2009-01-01"})
    assert response.status_code == 400
    assert "cannot leave before being born" in response.get_data(as_text=True)
    client.post(f"/pupils/{pupil.id}/left-school", data={"left_school_on": "2026-06-20"})
    db.session.refresh(pupil)
    assert pupil.left_school_on == date(2026, 6, 20)
    page = client.get(f"/pupils/{pupil.id}/timeline").get_data(as_text=True)
    assert "Left school" in page
