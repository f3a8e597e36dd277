"""Recording guest lectures, placements and projects: rules, access, bad input, queries."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from talent.activities import services
from talent.activities.models import Activity, ActivityKind
from talent.audit.models import AuditEvent
from talent.errors import AlreadyDone, ValidationFailed
from talent.extensions import db

NOW = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def _save(scene, **fields):
    values = {
        "kind": ActivityKind.GUEST_LECTURE,
        "title": "Immunotherapy today",
        "school": scene.school,
        "partner": scene.partner,
        "contact_name": "Dr. Lecturer",
        "starts_on": date(2026, 10, 20),
        "ends_on": date(2026, 10, 20),
        "hours": 1.5,
        "report": "Good questions.",
        "pupils": scene.pupils,
    }
    values.update(fields)
    return services.save_activity(scene.teacher, None, now=NOW, **values)


def _form(scene, **fields):
    data = {
        "kind": "science_project",
        "title": "Bacteria in the canteen",
        "partner_id": str(scene.partner.id),
        "contact_name": "",
        "starts_on": "2026-09-01",
        "ends_on": "2026-10-15",
        "hours": "12,5",
        "pupils": [str(p.id) for p in scene.pupils[:3]],
        "report": "They found a lot.",
    }
    data.update(fields)
    return data


@pytest.fixture
def in_request(app):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        yield


@pytest.mark.usefixtures("in_request")
def test_a_work_placement_is_for_one_pupil_with_a_supervisor(scene):
    with pytest.raises(ValidationFailed) as error:
        _save(scene, kind=ActivityKind.WORK_PLACEMENT)
    assert error.value.field == "pupils"
    with pytest.raises(ValidationFailed) as error:
        _save(scene, kind=ActivityKind.WORK_PLACEMENT, pupils=scene.pupils[:1], contact_name="")
    assert error.value.field == "contact_name"
    placement = _save(
        scene,
        kind=ActivityKind.WORK_PLACEMENT,
        pupils=scene.pupils[:1],
        ends_on=date(2026, 10, 24),
        hours=30,
    )
    assert len(placement.participants) == 1


@pytest.mark.usefixtures("in_request")
@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"title": " "}, "title"),
        ({"partner": None}, "partner_id"),
        ({"ends_on": date(2026, 10, 1)}, "ends_on"),
        ({"hours": 0}, "hours"),
        ({"hours": 5000}, "hours"),
        ({"pupils": []}, "pupils"),
        ({"starts_on": date(1990, 1, 1)}, "starts_on"),
    ],
)
def test_bad_activities_are_refused(scene, fields, field):
    with pytest.raises(ValidationFailed) as error:
        _save(scene, **fields)
    assert error.value.field == field


@pytest.mark.usefixtures("in_request")
def test_pupils_of_another_school_are_refused(scene, make):
    stranger = make.student(make.school_class(scene.other_school, "1A"))
    with pytest.raises(ValidationFailed):
        services.load_pupils(scene.school, [scene.pupils[0].id, stranger.id])


def test_teacher_records_a_project_through_the_form(client, login, scene):
    login(scene.teacher)
    page = client.get(f"/activities/new?class_id={scene.school_class.id}").get_data(as_text=True)
    assert "Pupil 3" in page
    response = client.post(
        f"/activities/new?class_id={scene.school_class.id}", data=_form(scene, hours="abc")
    )
    assert "Type the hours as a number" in response.get_data(as_text=True)
    response = client.post(f"/activities/new?class_id={scene.school_class.id}", data=_form(scene))
    assert response.status_code == 302, response.get_data(as_text=True)
    activity = db.session.scalar(sa.select(Activity))
    assert activity.school_id == scene.school.id
    assert activity.hours == 12.5
    assert len(activity.participants) == 3
    response = client.post(
        f"/activities/{activity.id}/edit",
        data=_form(scene, pupils=[str(scene.pupils[0].id)], title="Bacteria, again"),
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert [p.student_id for p in db.session.get(Activity, activity.id).participants] == [
        scene.pupils[0].id
    ]


def test_access_by_school_and_partner(client, login, scene):
    with client.application.test_request_context():
        activity = _save(scene)
    db.session.commit()
    login(scene.other_teacher)
    assert client.get(f"/activities/{activity.id}").status_code == 404
    assert client.post(f"/activities/{activity.id}/delete").status_code == 404
    assert client.get(f"/activities/new?class_id={scene.school_class.id}").status_code == 404
    client.post("/logout")
    login(scene.host)
    assert client.get(f"/activities/{activity.id}").status_code == 200
    assert client.get(f"/activities/{activity.id}/edit").status_code == 403
    assert "Immunotherapy" in client.get("/activities/").get_data(as_text=True)
    client.post("/logout")
    login(scene.other_host)
    assert client.get(f"/activities/{activity.id}").status_code == 404
    assert "Immunotherapy" not in client.get("/activities/").get_data(as_text=True)
    client.post("/logout")
    login(scene.coordinator)
    assert client.post(f"/activities/{activity.id}/delete").status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(Activity.id))) == 0


def test_deleting_twice_deletes_once(scene):
    with scene.app.test_request_context(headers={"Accept-Language": "en"}):
        activity = _save(scene)
        services.delete_activity(scene.coordinator, activity, now=NOW)
        with pytest.raises(AlreadyDone, match="already deleted"):
            services.delete_activity(scene.coordinator, activity, now=NOW)
    deletions = sa.select(sa.func.count()).where(AuditEvent.action == "activity.delete")
    assert db.session.scalar(deletions) == 1


def test_list_queries_do_not_grow(client, login, scene, count_queries):
    login(scene.teacher)

    def count() -> int:
        db.session.expire_all()
        with count_queries() as counter:
            assert client.get("/activities/").status_code == 200
        return counter.count

    with client.application.test_request_context():
        _save(scene)
    db.session.commit()
    small = count()
    with client.application.test_request_context():
        for number in range(8):
            _save(scene, title=f"Lecture {number}")
    db.session.commit()
    assert count() == small
