"""The teacher's and the host's dashboards, through real requests: each sees its own school's
or organisation's visits with what they still need, and nobody else's."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from talent.db import utcnow
from talent.extensions import db
from talent.home.dashboards import host
from talent.visits.models import ChecklistKind, RequestState, VisitRequest, VisitState
from tests.home.conftest import book, get_home, soon
from tests.visits.conftest import give_consents


def _request(world, *, school, school_class, teacher, topic):
    today = utcnow().date()
    item = VisitRequest(
        school_id=school.id,
        school_class_id=school_class.id,
        teacher_id=teacher.id,
        topic=topic,
        pupils_count=10,
        adults_count=1,
        earliest_on=today + timedelta(days=10),
        latest_on=today + timedelta(days=40),
        state=RequestState.OPEN,
    )
    db.session.add(item)
    db.session.flush()
    return item


def test_teacher_sees_own_school_visits_with_open_items_and_consent_blockers(client, login, world):
    ours = book(
        world.site,
        soon(5),
        teacher=world.teacher,
        school_class=world.school_class,
        pupils=world.pupils,
    )
    theirs = book(
        world.site,
        soon(6),
        teacher=world.other_teacher,
        school_class=world.other_class,
        pupils=world.other_pupils,
    )
    later = book(
        world.other_site,
        soon(30),
        teacher=world.teacher,
        school_class=world.school_class,
        pupils=world.pupils,
    )
    give_consents(world.pupils[:1])
    for item in ours.checklist:
        if item.kind is ChecklistKind.RISK_ASSESSMENT:
            item.done_at = utcnow()
    mine = _request(
        world,
        school=world.school,
        school_class=world.school_class,
        teacher=world.teacher,
        topic="Our wish",
    )
    other = _request(
        world,
        school=world.other_school,
        school_class=world.other_class,
        teacher=world.other_teacher,
        topic="Their wish",
    )
    db.session.commit()
    login(world.teacher)

    page, _ = get_home(client)

    assert 'data-role="teacher"' in page
    assert f'data-testid="visit-{ours.id}"' in page
    assert f"/visits/{ours.id}" in page
    assert f'data-testid="visit-{theirs.id}"' not in page  # another school's
    assert f'data-testid="visit-{later.id}"' not in page  # beyond 14 days
    assert "2 checklist items open" in page
    assert "Risk assessment" not in page.split(f'data-testid="checklist-{ours.id}"')[1][:400]
    assert "2 pupils lack a lab-visit consent" in page
    assert f"/visits/requests/{mine.id}" in page
    assert f"/visits/requests/{other.id}" not in page


def test_teacher_without_visits_is_told_how_to_find_a_slot(client, login, world):
    login(world.teacher)

    page, _ = get_home(client)

    assert "No visits in the next 14 days" in page
    assert 'href="/visits/slots"' in page


def test_teacher_whose_visits_are_ready_sees_no_blockers(client, login, world):
    visit = book(
        world.site,
        soon(4),
        teacher=world.teacher,
        school_class=world.school_class,
        pupils=world.pupils,
    )
    give_consents(world.pupils)
    for item in visit.checklist:
        item.done_at = utcnow()
    db.session.commit()
    login(world.teacher)

    page, _ = get_home(client)

    assert f'data-testid="visit-{visit.id}"' in page
    assert "Ready" in page
    assert "lack a lab-visit consent" not in page


def test_host_sees_bookings_to_answer_and_open_requests_at_own_sites_only(client, login, world):
    ahead = book(
        world.site,
        soon(20),
        teacher=world.other_teacher,
        school_class=world.other_class,
        pupils=world.other_pupils,
    )
    elsewhere = book(
        world.other_site,
        soon(9),
        teacher=world.teacher,
        school_class=world.school_class,
        pupils=world.pupils,
    )
    cancelled = book(
        world.site,
        soon(21),
        teacher=world.teacher,
        school_class=world.school_class,
        pupils=world.pupils,
    )
    cancelled.state = VisitState.CANCELLED
    wish = _request(
        world,
        school=world.school,
        school_class=world.school_class,
        teacher=world.teacher,
        topic="Radiopharmacy",
    )
    db.session.commit()
    login(world.host)

    page, _ = get_home(client)

    assert 'data-role="host"' in page
    assert f'data-testid="answer-visit-{ahead.id}"' in page
    assert f"visit-{cancelled.id}" not in page
    assert f"visit-{elsewhere.id}" not in page  # another organisation's site
    assert f"/visits/requests/{wish.id}" in page


def test_host_week_is_today_and_the_next_six_days_in_the_hosts_zone(in_request, world):
    # Wednesday 9 September 2026, noon in Oslo.
    now = datetime(2026, 9, 9, 10, 0, tzinfo=UTC)
    booked_at = now - timedelta(days=10)

    def visit_at(starts_at):
        return book(
            world.site,
            starts_at,
            teacher=world.teacher,
            school_class=world.school_class,
            pupils=world.pupils,
            now=booked_at,
        )

    this_morning = visit_at(datetime(2026, 9, 9, 6, 0, tzinfo=UTC))  # 08:00 today in Oslo
    last_day = visit_at(datetime(2026, 9, 15, 21, 0, tzinfo=UTC))  # 23:00 Tuesday in Oslo
    too_late = visit_at(datetime(2026, 9, 15, 23, 30, tzinfo=UTC))  # 01:30 Wednesday in Oslo
    yesterday = visit_at(datetime(2026, 9, 8, 21, 30, tzinfo=UTC))  # 23:30 yesterday in Oslo
    elsewhere = book(
        world.other_site,
        datetime(2026, 9, 10, 8, 0, tzinfo=UTC),
        teacher=world.other_teacher,
        school_class=world.other_class,
        pupils=world.other_pupils,
        now=booked_at,
    )
    db.session.commit()

    board = host.build(world.host, now=now)

    week = [v.id for v in board.week]
    assert week == [this_morning.id, last_day.id]
    assert too_late.id not in week
    assert yesterday.id not in week
    assert elsewhere.id not in week
    # Still ahead and not answered: the morning's visit has ended.
    assert [v.id for v in board.to_answer] == [last_day.id, too_late.id]
    line = board.week.items[0]
    assert (line.starts_at, line.site_name, line.school_name, line.class_name) == (
        this_morning.slot.starts_at,
        world.site.name,
        this_morning.school.name,
        world.school_class.name,
    )
    assert line.persons == this_morning.persons
    assert line.state is VisitState.REQUESTED


def test_other_host_sees_none_of_it(client, login, world):
    visit = book(
        world.site,
        soon(3),
        teacher=world.teacher,
        school_class=world.school_class,
        pupils=world.pupils,
    )
    db.session.commit()
    login(world.other_host)

    page, _ = get_home(client)

    assert f"visit-{visit.id}" not in page
    assert "No booking waits for your answer." in page
