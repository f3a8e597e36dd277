"""The lab-visit pages, through real forms: publishing, booking with rule messages beside the
fields, confirming, cancelling, moving, attendance and bad input."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from talent.extensions import db
from talent.reminders.models import Notification
from talent.visits.models import LabSite, LabVisit, VisitSlot, VisitState
from tests.visits.conftest import add_site, add_slot, future, give_consents


def _book_form(world, pupils=10, adults=1, **extra):
    data = {
        "pupils_count": str(pupils),
        "adults_count": str(adults),
        "pupils": [str(p.id) for p in world.pupils[:pupils]],
        "notes": "",
    }
    data.update(extra)
    return data


def test_host_describes_a_site_and_publishes_a_weekly_slot(client, login, world):
    login(world.host)
    response = client.post(
        "/visits/sites/new",
        data={
            "name": "Isotope lab",
            "capacity": "30",
            "minimum_age": "15",
            "pupils_per_adult": "8",
            "is_active": "y",
        },
    )
    assert response.status_code == 302
    site = db.session.scalar(sa.select(LabSite).where(LabSite.name == "Isotope lab"))
    assert site.organization_id == world.company.id
    first_day = (future(days=10)).date()
    response = client.post(
        f"/visits/sites/{site.id}/slots/new",
        data={
            "first_day": first_day.isoformat(),
            "start": "10:00",
            "end": "12:00",
            "capacity": "25",
            "topic": "Radiation",
            "host_contact_id": str(world.host.id),
            "weeks": "4",
            "skip_days": (first_day + timedelta(weeks=1)).isoformat(),
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    assert (
        db.session.scalar(
            sa.select(sa.func.count(VisitSlot.id)).where(VisitSlot.site_id == site.id)
        )
        == 3
    )
    page = client.get(response.location, follow_redirects=True).get_data(as_text=True)
    assert "3 slots are published" in page


def test_bad_slots_keep_what_was_typed_and_say_why(client, login, world):
    login(world.host)
    response = client.post(
        f"/visits/sites/{world.site.id}/slots/new",
        data={
            "first_day": future(days=3).date().isoformat(),
            "start": "12:00",
            "end": "10:00",
            "capacity": "0",
            "topic": "Cells",
            "weeks": "1",
            "skip_days": "not-a-date",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Give a number from 1 to 500" in page
    assert "is not a date" in page
    assert 'value="Cells"' in page
    response = client.post(
        f"/visits/sites/{world.site.id}/slots/new",
        data={
            "first_day": future(days=3).date().isoformat(),
            "start": "12:00",
            "end": "10:00",
            "capacity": "5",
            "topic": "Cells",
            "weeks": "1",
        },
    )
    assert "ends before it starts" in response.get_data(as_text=True)
    response = client.post(
        f"/visits/sites/{world.site.id}/slots/new",
        data={
            "first_day": "2020-01-07",
            "start": "10:00",
            "end": "12:00",
            "capacity": "5",
            "topic": "Cells",
            "weeks": "1",
        },
    )
    assert "lies in the past" in response.get_data(as_text=True)


def test_another_host_cannot_touch_the_site_or_slot(client, login, world):
    slot = add_slot(world.site, future())
    db.session.commit()
    login(world.other_host)
    assert client.get(f"/visits/sites/{world.site.id}/slots/new").status_code == 404
    assert (
        client.post(
            f"/visits/slots/{slot.id}/edit", data={"topic": "x", "capacity": "3"}
        ).status_code
        == 404
    )
    assert client.get(f"/visits/slots/{slot.id}").status_code == 200  # browsing is fine


def test_teacher_books_sees_the_rule_and_corrects_it(client, login, world):
    slot = add_slot(world.site, future(), capacity=30)
    db.session.commit()
    login(world.teacher)
    page = client.get(f"/visits/slots/{slot.id}/book?class_id={world.school_class.id}").get_data(
        as_text=True
    )
    assert "Pupil 01" in page
    url = f"/visits/slots/{slot.id}/book?class_id={world.school_class.id}"
    response = client.post(url, data=_book_form(world, pupils=12, adults=1))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Bring at least 2 adults for 12 pupils" in page
    assert 'id="adults_count-error"' in page
    response = client.post(url, data=_book_form(world, pupils=12, adults=2))
    assert response.status_code == 302
    visit = db.session.scalar(sa.select(LabVisit))
    assert visit.state is VisitState.REQUESTED
    assert visit.persons == 14


def test_more_pupils_than_the_class_has_is_refused(client, login, world):
    slot = add_slot(world.site, future(), capacity=40)
    db.session.commit()
    login(world.teacher)
    url = f"/visits/slots/{slot.id}/book?class_id={world.school_class.id}"
    response = client.post(url, data=_book_form(world, pupils=30, adults=3))
    assert "2STA has 24 pupils" in response.get_data(as_text=True)


def test_forged_ids_are_not_found(client, login, world, make):
    slot = add_slot(world.site, future())
    other_class = make.school_class(world.other_school, "9Z")
    stranger = make.student(other_class)
    db.session.commit()
    login(world.teacher)
    assert client.get(f"/visits/slots/{slot.id}/book?class_id={other_class.id}").status_code == 404
    assert client.get("/visits/slots/99999/book").status_code == 404
    assert client.get("/visits/99999").status_code == 404
    url = f"/visits/slots/{slot.id}/book?class_id={world.school_class.id}"
    data = _book_form(world, pupils=2, adults=1)
    data["pupils"] = [str(world.pupils[0].id), str(stranger.id)]
    response = client.post(url, data=data)
    assert response.status_code == 200
    assert db.session.scalar(sa.select(sa.func.count(LabVisit.id))) == 0


def test_confirmation_shows_blockers_then_confirms(client, login, world, book):
    slot = add_slot(world.site, future(), capacity=30)
    visit = book(slot, pupils=3, adults=1, now=future(days=0) - timedelta(days=1))
    db.session.commit()
    login(world.host)
    page = client.get(f"/visits/{visit.id}").get_data(as_text=True)
    assert 'data-testid="blockers"' in page
    response = client.post(f"/visits/{visit.id}/confirm", follow_redirects=True)
    assert "3 pupils have no valid consent" in response.get_data(as_text=True)
    assert db.session.get(LabVisit, visit.id).state is VisitState.REQUESTED
    give_consents(world.pupils[:3])
    db.session.commit()
    response = client.post(f"/visits/{visit.id}/confirm", follow_redirects=True)
    assert "The visit is confirmed" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(LabVisit, visit.id).state is VisitState.CONFIRMED


def test_a_teacher_of_another_school_cannot_see_or_change_a_visit(client, login, world, book):
    slot = add_slot(world.site, future())
    visit = book(slot, pupils=5, now=future(days=0) - timedelta(days=1))
    db.session.commit()
    login(world.other_teacher)
    assert client.get(f"/visits/{visit.id}").status_code == 404
    assert client.post(f"/visits/{visit.id}/edit", data={"pupils_count": "1"}).status_code == 404
    assert client.post(f"/visits/{visit.id}/cancel", data={"reason": "x"}).status_code == 404
    assert db.session.get(LabVisit, visit.id).state is VisitState.REQUESTED


def test_a_host_may_read_but_not_edit_the_group(client, login, world, book):
    slot = add_slot(world.site, future())
    visit = book(slot, pupils=5, now=future(days=0) - timedelta(days=1))
    db.session.commit()
    login(world.host)
    assert client.get(f"/visits/{visit.id}").status_code == 200
    assert client.get(f"/visits/{visit.id}/edit").status_code == 403
    client.post("/logout")
    login(world.other_host)
    assert client.get(f"/visits/{visit.id}").status_code == 404


def test_cancel_and_both_sides_see_the_notice(client, login, world, book):
    slot = add_slot(world.site, future())
    visit = book(slot, pupils=5, now=future(days=0) - timedelta(days=1))
    db.session.commit()
    login(world.teacher)
    response = client.post(f"/visits/{visit.id}/cancel", data={"reason": ""})
    assert "Give a reason" in response.get_data(as_text=True)
    response = client.post(
        f"/visits/{visit.id}/cancel", data={"reason": "Bus strike"}, follow_redirects=True
    )
    assert "Bus strike" in response.get_data(as_text=True)
    notice = db.session.scalar(
        sa.select(Notification).where(Notification.kind == "visits.cancelled")
    )
    assert notice.recipient_id == world.host.id
    client.post("/logout")
    login(world.host)
    assert "Bus strike" in client.get(f"/visits/{visit.id}").get_data(as_text=True)


def test_move_through_the_form(client, login, world, book):
    slot = add_slot(world.site, future(days=14))
    target = add_slot(world.site, future(days=21))
    visit = book(slot, pupils=5, now=future(days=0) - timedelta(days=1))
    db.session.commit()
    login(world.teacher)
    page = client.get(f"/visits/{visit.id}/move").get_data(as_text=True)
    assert f'value="{target.id}"' in page
    response = client.post(f"/visits/{visit.id}/move", data={"slot_id": str(target.id)})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(LabVisit, visit.id).slot_id == target.id
    response = client.post(f"/visits/{visit.id}/move", data={"slot_id": "99999"})
    assert response.status_code == 200
    assert "Choose from the list" in response.get_data(as_text=True)


def test_checklist_consents_refused_while_missing(client, login, world, book):
    slot = add_slot(world.site, future())
    visit = book(slot, pupils=2, now=future(days=0) - timedelta(days=1))
    db.session.commit()
    login(world.teacher)
    response = client.post(
        f"/visits/{visit.id}/checklist/consents", data={"done": "1"}, follow_redirects=True
    )
    assert "Consents are not complete yet" in response.get_data(as_text=True)
    client.post(f"/visits/{visit.id}/checklist/participant_list", data={"done": "1"})
    db.session.expire_all()
    items = {item.kind.value: item for item in db.session.get(LabVisit, visit.id).checklist}
    assert items["participant_list"].done_at is not None
    assert items["consents"].done_at is None
    assert (
        client.post(f"/visits/{visit.id}/checklist/nonsense", data={"done": "1"}).status_code == 404
    )


def test_attendance_after_the_visit(client, login, world, book):
    slot = add_slot(world.site, future(days=-1), hours=2)
    visit = book(slot, pupils=3, now=future(days=-3))
    give_consents(world.pupils[:3])
    from talent.visits.services import booking

    booking.confirm_visit(world.host, visit, now=future(days=-3))
    db.session.commit()
    login(world.host)
    response = client.post(
        f"/visits/{visit.id}/attendance",
        data={
            "present": [str(world.pupils[0].id), str(world.pupils[1].id)],
            "adults_attended": "1",
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    visit = db.session.get(LabVisit, visit.id)
    assert visit.state is VisitState.COMPLETED
    assert sorted(p.attended for p in visit.participants) == [False, True, True]


def test_feedback_by_signed_link(client, login, world, book, app):
    from talent.visits.links import make_feedback_token
    from talent.visits.services import booking

    slot = add_slot(world.site, future(days=-1), hours=2)
    visit = book(slot, pupils=2, now=future(days=-3))
    give_consents(world.pupils[:2])
    booking.confirm_visit(world.host, visit, now=future(days=-3))
    db.session.commit()
    token = make_feedback_token(visit.id, student_id=world.pupils[0].id)
    page = client.get(f"/visits/feedback/{token}").get_data(as_text=True)
    assert "Pupil 01" in page
    response = client.post(f"/visits/feedback/{token}", data={"rating": "7", "comment": "Wow"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Choose a rating from 1 to 5" in page
    assert "Wow" in page
    response = client.post(f"/visits/feedback/{token}", data={"rating": "5", "comment": "Wow"})
    assert "Thank you" in response.get_data(as_text=True)
    again = client.get(f"/visits/feedback/{token}").get_data(as_text=True)
    assert "already given feedback" in again
    assert client.get("/visits/feedback/forged-token").status_code == 400
    stranger = make_feedback_token(visit.id, student_id=world.pupils[5].id)
    assert client.get(f"/visits/feedback/{stranger}").status_code == 400


def test_pages_render_for_each_role(client, login, world, book, make):
    slot = add_slot(world.site, future())
    visit = book(slot, pupils=5, now=future(days=0) - timedelta(days=1))
    add_site(world.other_company, name="Hidden", is_active=False)
    db.session.commit()
    for user in (world.teacher, world.host, world.coordinator):
        login(user)
        for url in (
            "/visits/",
            "/visits/slots",
            "/visits/calendar",
            f"/visits/slots/{slot.id}",
            "/visits/sites",
            f"/visits/sites/{world.site.id}",
            "/visits/requests",
            f"/visits/{visit.id}",
        ):
            response = client.get(url)
            assert response.status_code == 200, (user, url)
        client.post("/logout")
    login(world.teacher)
    for url in (
        "/visits/blackouts",
        "/visits/requests/new",
        f"/visits/{visit.id}/edit",
        f"/visits/schools/{world.school.id}/history",
        f"/visits/{visit.id}/feedback-links",
    ):
        assert client.get(url).status_code == 200, url
    assert client.get(f"/visits/schools/{world.other_school.id}/history").status_code == 404
    assert client.get("/visits/calendar?month=garbage").status_code == 200
    assert client.get("/visits/slots?min_free=abc&start_on=xx").status_code == 200
