"""The session log and goals as the pairing page reads them."""

from __future__ import annotations

from datetime import timedelta

import pytest

from talent.extensions import db
from talent.mentoring.services import logbook
from talent.mentoring.services import sessions as service
from tests.mentoring.conftest import NOW, TODAY


@pytest.fixture
def active(mk):
    mentor = mk.mentor()
    return mk.pairing(mentor, mk.pupil(), mk.programme(), starts_on=TODAY - timedelta(days=40))


def test_the_log_pages_newest_first_with_totals_goals_and_private_notes(mk, active):
    goal = service.add_goal(active.mentor.user, active, title="Visit a lab", now=NOW)
    held = [TODAY - timedelta(days=day) for day in range(25, 0, -1)]
    for number, day in enumerate(held):
        session = mk.session(
            active, held_on=day, minutes=30, confirmed=number % 2 == 0, private=f"note {number}"
        )
        if number == len(held) - 1:
            session.goals_moved = [goal]
    db.session.flush()

    first = logbook.session_log(active, page=1, with_private_notes=True)
    assert (first.total, first.pages, first.has_prev, first.next_num) == (25, 2, False, 2)
    assert (first.logged_minutes, first.confirmed_minutes) == (25 * 30, 13 * 30)
    assert [item.held_on for item in first.items] == held[::-1][:20]
    assert first.items[0].goals_moved == ["Visit a lab"]
    assert first.items[0].private_note == "note 24"
    assert first.items[1].goals_moved == []

    second = logbook.session_log(active, page=2, with_private_notes=False)
    assert (second.has_prev, second.prev_num, second.has_next) == (True, 1, False)
    assert [item.held_on for item in second.items] == held[:5][::-1]
    assert {item.private_note for item in second.items} == {""}
    past = logbook.session_log(active, page=3, with_private_notes=True)
    assert (past.items, past.total, past.logged_minutes) == ([], 25, 25 * 30)


def test_an_empty_log_has_no_pages(active):
    log = logbook.session_log(active, page=1, with_private_notes=True)
    assert (log.items, log.total, log.pages, log.logged_minutes) == ([], 0, 0, 0)


def test_the_log_lists_the_pairings_own_goals_once_each(mk, active):
    first = service.add_goal(active.mentor.user, active, title="Visit a lab", now=NOW)
    second = service.add_goal(active.mentor.user, active, title="Choose a subject", now=NOW)
    other = mk.pairing(mk.mentor(), mk.pupil(), mk.programme())
    service.add_goal(other.mentor.user, other, title="Not this one", now=NOW)
    for day in range(1, 4):
        mk.session(active, held_on=TODAY - timedelta(days=day)).goals_moved = [first, second]
    db.session.flush()

    log = logbook.session_log(active, page=1, with_private_notes=False)
    assert [(goal.id, goal.title) for goal in log.goals] == [
        (first.id, "Visit a lab"),
        (second.id, "Choose a subject"),
    ]
    assert [item.goals_moved for item in log.items] == [["Visit a lab", "Choose a subject"]] * 3
    past = logbook.session_log(active, page=2, with_private_notes=False)
    assert [goal.title for goal in past.goals] == ["Visit a lab", "Choose a subject"]
