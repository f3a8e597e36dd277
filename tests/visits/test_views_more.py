"""More pages: a coordinator books for a teacher and describes a site for any organisation;
requests through the forms; blackout dates; changing and cancelling a slot."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from talent.extensions import db
from talent.reminders.models import Notification
from talent.visits.models import (
    LabSite,
    LabVisit,
    RequestState,
    SchoolBlackout,
    VisitRequest,
    VisitState,
)
from tests.visits.conftest import add_slot, future


def test_coordinator_books_on_behalf_of_a_teacher(client, login, world):
    slot = add_slot(world.site, future(), capacity=30)
    db.session.commit()
    login(world.coordinator)
    url = f"/visits/slots/{slot.id}/book?class_id={world.school_class.id}"
    page = client.get(url).get_data(as_text=True)
    assert "Tina Teacher" in page
    data = {
        "pupils_count": "5",
        "adults_count": "1",
        "pupils": [str(p.id) for p in world.pupils[:5]],
        "teacher_id": str(world.other_teacher.id),
    }
    response = client.post(url, data=data)
    assert response.status_code == 200  # a teacher of another school is not offered
    data["teacher_id"] = str(world.teacher.id)
    assert client.post(url, data=data).status_code == 302
    visit = db.session.scalar(sa.select(LabVisit))
    assert visit.teacher_id == world.teacher.id
    assert visit.booked_by_id == world.coordinator.id


def test_coordinator_describes_a_site_for_an_organisation(client, login, world):
    login(world.coordinator)
    response = client.post(
        "/visits/sites/new",
        data={
            "organization_id": str(world.other_company.id),
            "name": "Cyclotron",
            "capacity": "12",
            "minimum_age": "16",
            "pupils_per_adult": "6",
        },
    )
    assert response.status_code == 302
    site = db.session.scalar(sa.select(LabSite).where(LabSite.name == "Cyclotron"))
    assert site.organization_id == world.other_company.id
    assert not site.is_active  # the box was not ticked
    response = client.post(
        "/visits/sites/new",
        data={
            "organization_id": str(world.school.id),
            "name": "Gym",
            "capacity": "12",
            "minimum_age": "0",
            "pupils_per_adult": "10",
        },
    )
    assert "Choose from the list" in response.get_data(as_text=True)  # schools are not offered


def test_site_names_are_unique_per_organisation(client, login, world):
    login(world.host)
    response = client.post(
        "/visits/sites/new",
        data={"name": "cell LAB", "capacity": "12", "minimum_age": "0", "pupils_per_adult": "10"},
    )
    assert "already has a site called" in response.get_data(as_text=True)


def test_request_propose_accept_through_the_forms(client, login, world):
    slot = add_slot(world.site, future(days=12), capacity=30)
    db.session.commit()
    login(world.teacher)
    day = future(days=10).date()
    data = {
        "class_id": str(world.school_class.id),
        "topic": "Gene editing",
        "pupils_count": "10",
        "adults_count": "1",
        "earliest_on": day.isoformat(),
        "latest_on": (day + timedelta(days=1)).isoformat(),
    }
    response = client.post("/visits/requests/new", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    visit_request = db.session.scalar(sa.select(VisitRequest))
    client.post("/logout")

    login(world.host)
    assert "Gene editing" in client.get("/visits/requests").get_data(as_text=True)
    page = client.get(f"/visits/requests/{visit_request.id}/propose").get_data(as_text=True)
    assert "None of your slots fits" in page  # the slot lies outside the window
    db.session.execute(
        sa.update(VisitRequest)
        .where(VisitRequest.id == visit_request.id)
        .values(latest_on=day + timedelta(days=5))
    )
    db.session.commit()
    response = client.post(
        f"/visits/requests/{visit_request.id}/propose",
        data={"slot_id": str(slot.id), "message": "Welcome!"},
    )
    assert response.status_code == 302
    client.post("/logout")

    login(world.teacher)
    page = client.get(f"/visits/requests/{visit_request.id}").get_data(as_text=True)
    assert "Accept and book" in page
    url = f"/visits/slots/{slot.id}/book?request_id={visit_request.id}"
    page = client.get(url).get_data(as_text=True)
    assert 'value="10"' in page
    response = client.post(
        url,
        data={
            "pupils_count": "10",
            "adults_count": "1",
            "pupils": [str(p.id) for p in world.pupils[:10]],
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(VisitRequest, visit_request.id).state is RequestState.BOOKED
    assert client.get(url).status_code == 404  # the request is closed now


def test_other_schools_requests_are_hidden(client, login, world):
    login(world.teacher)
    day = future(days=10).date()
    client.post(
        "/visits/requests/new",
        data={
            "class_id": str(world.school_class.id),
            "topic": "Gene editing",
            "pupils_count": "10",
            "adults_count": "1",
            "earliest_on": day.isoformat(),
            "latest_on": day.isoformat(),
        },
    )
    visit_request = db.session.scalar(sa.select(VisitRequest))
    client.post("/logout")
    login(world.other_teacher)
    assert client.get(f"/visits/requests/{visit_request.id}").status_code == 404
    assert client.post(f"/visits/requests/{visit_request.id}/withdraw").status_code == 404
    assert "Gene editing" not in client.get("/visits/requests").get_data(as_text=True)


def test_blackout_dates_through_the_form(client, login, world):
    login(world.teacher)
    day = future(days=20).date()
    response = client.post(
        "/visits/blackouts",
        data={
            "reason": "Exam week",
            "starts_on": day.isoformat(),
            "ends_on": (day - timedelta(days=1)).isoformat(),
        },
    )
    assert "The last day comes before the first" in response.get_data(as_text=True)
    response = client.post(
        "/visits/blackouts",
        data={"reason": "Exam week", "starts_on": day.isoformat(), "ends_on": day.isoformat()},
        follow_redirects=True,
    )
    assert "Exam week" in response.get_data(as_text=True)
    blackout = db.session.scalar(sa.select(SchoolBlackout))
    assert blackout.school_id == world.school.id
    client.post("/logout")
    login(world.other_teacher)
    assert client.post(f"/visits/blackouts/{blackout.id}/delete").status_code == 404
    assert "Exam week" not in client.get("/visits/blackouts").get_data(as_text=True)
    client.post("/logout")
    login(world.teacher)
    client.post(f"/visits/blackouts/{blackout.id}/delete")
    assert db.session.scalar(sa.select(sa.func.count(SchoolBlackout.id))) == 0


def test_host_changes_and_cancels_a_slot(client, login, world, book):
    slot = add_slot(world.site, future(), capacity=30)
    visit = book(slot, pupils=10, now=future(days=0) - timedelta(days=1))
    db.session.commit()
    login(world.host)
    response = client.post(
        f"/visits/slots/{slot.id}/edit", data={"topic": "Cells", "capacity": "5"}
    )
    assert "11 persons are already booked" in response.get_data(as_text=True)
    assert 'value="Cells"' in response.get_data(as_text=True)
    response = client.post(f"/visits/slots/{slot.id}/cancel", data={"reason": "Power cut"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(LabVisit, visit.id).state is VisitState.CANCELLED
    notice = db.session.scalar(
        sa.select(Notification).where(Notification.kind == "visits.cancelled")
    )
    assert notice.recipient_id == world.teacher.id
    assert notice.context["reason"] == "Power cut"
