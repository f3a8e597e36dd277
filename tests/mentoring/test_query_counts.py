"""The mentor's page, the pairing page with its log and the coordinator's matching page (and
the coordinator's lists) run the same number of queries with little data and with more, and
no more than the budget of a main page."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from talent.extensions import db
from talent.mentoring.models import Concern, Goal, PairingState, PlannedSession, SessionMode
from talent.people.models import Role
from tests import factories

#: The most SQL statements a main page may run (issue 8).
BUDGET = 15


def today():
    return datetime.now(UTC).date()


def grow(mk, mentor, programme, lead, size: int):
    """Give the mentor ``size`` pairings, each with goals, sessions, a plan and a concern."""
    school_class = factories.school_class(factories.school())
    for number in range(size):
        state = PairingState.ACTIVE if number % 3 else PairingState.PROPOSED
        account = factories.user(Role.STUDENT)
        mentee = mk.pupil(school_class=school_class, interests=["ai", f"topic {number}"])
        mentee.student.user = account
        pairing = mk.pairing(
            mentor, mentee, programme, state=state, starts_on=today() - timedelta(days=60)
        )
        goal = Goal(pairing=pairing, title=f"Goal {number}")
        db.session.add(goal)
        for day in range(3):
            session = mk.session(pairing, held_on=today() - timedelta(days=day + 1))
            session.goals_moved = [goal]
        db.session.add(
            PlannedSession(
                pairing=pairing,
                starts_at=datetime.now(UTC) + timedelta(days=number + 1),
                mode=SessionMode.VIDEO,
            )
        )
        db.session.add(Concern(pairing=pairing, summary="Worry", lead_id=lead.id))
        other = mk.mentor(organization=mentor.organization, capacity=3)
        mk.pairing(other, mk.pupil(school_class=school_class), programme)
    db.session.commit()


@pytest.fixture
def counted(client, login, count_queries, mk):
    """Count the queries of a page at two sizes of data; return both counts."""

    def run(who: str, url_of) -> tuple[int, int]:
        lead = mk.user(Role.COORDINATOR)
        programme = mk.programme(lead=lead)
        mentor = mk.mentor(capacity=20, expertise=["ai"])
        main = mk.pairing(mentor, mk.pupil(), programme)
        mentee = mk.pupil(interests=["ai"])
        db.session.commit()
        login(lead if who == "coordinator" else mentor.user)
        counts = []
        for size in (2, 7):
            grow(mk, mentor, programme, lead, size)
            for _ in range(size * 3):
                mk.session(main, held_on=today())
            db.session.commit()
            db.session.expire_all()
            url = url_of(main=main, mentee=mentee, mentor=mentor)
            client.get(url)  # warm caches that are not per request
            with count_queries() as counter:
                response = client.get(url)
            assert response.status_code == 200, url
            counts.append(counter.count)
        return tuple(counts)

    return run


def test_mentor_page(counted):
    small, large = counted("mentor", lambda **o: "/mentoring/")
    assert small == large <= BUDGET


def test_pairing_page_with_its_log(counted):
    small, large = counted("mentor", lambda main, **o: f"/mentoring/pairings/{main.id}")
    assert small == large <= BUDGET


def test_pairing_page_for_the_coordinator(counted):
    small, large = counted("coordinator", lambda main, **o: f"/mentoring/pairings/{main.id}")
    assert small == large <= BUDGET


def test_coordinator_matching_page(counted):
    small, large = counted(
        "coordinator", lambda mentee, **o: f"/mentoring/mentees/{mentee.id}/match"
    )
    assert small == large <= BUDGET


@pytest.mark.parametrize(
    "url",
    [
        "/mentoring/",
        "/mentoring/mentors",
        "/mentoring/mentees",
        "/mentoring/concerns",
        "/mentoring/programmes",
        "/mentoring/?overdue=y",
    ],
)
def test_coordinator_lists(counted, url):
    small, large = counted("coordinator", lambda **o: url)
    assert small == large <= BUDGET
