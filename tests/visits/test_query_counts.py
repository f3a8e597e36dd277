"""The slot list, the calendar, a visit's page and a school's history issue as many queries
with much data as with little."""

from __future__ import annotations

from datetime import timedelta

import pytest

from talent.extensions import db
from talent.visits.services import followup
from tests.visits.conftest import add_slot, future, give_consents

#: The most SQL statements a main page may run (issue 8).
BUDGET = 15


def _fill(world, book, make, size: int):
    """``size`` slots, each booked by its own class with pupils, some attended and rated."""
    start = future(days=3)
    visits = []
    for number in range(size):
        slot = add_slot(world.site, start + timedelta(days=number % 20, hours=number // 20 * 3))
        school_class = make.school_class(world.school, f"Q{size}-{number}")
        pupils = [make.student(school_class) for _ in range(3)]
        visits.append(
            book(
                slot,
                pupils=3,
                adults=1,
                school_class=school_class,
                chosen=pupils,
                now=future(days=0) - timedelta(days=1),
            )
        )
    db.session.commit()
    return visits


def _count(client, count_queries, url: str) -> int:
    # The test shares one session with the requests: let each start from a stale one.
    db.session.expire_all()
    with count_queries() as counter:
        response = client.get(url)
    assert response.status_code == 200, url
    return counter.count


@pytest.mark.parametrize(
    "url",
    [
        "/visits/slots",
        "/visits/calendar?month={month}",
        "/visits/calendar/{day}",
        "/visits/",
        "/visits/schools/{school}/history",
    ],
)
def test_lists_do_not_grow_with_data(client, login, world, book, make, count_queries, url):
    login(world.teacher)
    month = future(days=3).strftime("%Y-%m")
    _fill(world, book, make, 2)
    day = future(days=3).date().isoformat()
    target = url.format(month=month, day=day, school=world.school.id)
    small = _count(client, count_queries, target)
    _fill(world, book, make, 10)
    large = _count(client, count_queries, target)
    assert large == small <= BUDGET, (target, small, large)


def test_visit_page_does_not_grow_with_pupils(client, login, world, book, make, count_queries):
    first = add_slot(world.site, future(days=5), capacity=40)
    second = add_slot(world.site, future(days=6), capacity=40)
    small = book(first, pupils=2, adults=1, now=future(days=-1))
    large = book(second, pupils=20, adults=2, now=future(days=-1))
    give_consents(world.pupils[:5])
    db.session.commit()
    for user in (world.teacher, world.host):
        login(user)
        counts = [_count(client, count_queries, f"/visits/{visit.id}") for visit in (small, large)]
        assert counts[0] == counts[1] <= BUDGET, (user, counts)
        client.post("/logout")


def test_feedback_summary_is_one_query(app, world, book, count_queries):
    slot = add_slot(world.site, future(days=5))
    visit = book(slot, pupils=2, now=future(days=-1))
    with count_queries() as counter:
        followup.feedback_summary([visit.id, 999])
    assert counter.count == 1
