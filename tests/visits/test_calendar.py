"""The month calendar and its days: per day, counts that link to the day's visits and open
slots, each listed a page at a time, with the filters kept; days are local across daylight
saving."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from talent.extensions import db
from talent.visits.services import booking
from talent.visits.services import month as calendar_service
from talent.visits.services.slots import SlotFilter
from tests.security.support import page_of
from tests.visits.conftest import NOW, add_slot, future

OSLO = ZoneInfo("Europe/Oslo")


def _cell(page, day: date):
    return page.find("td", data_day=day.isoformat())


def _counts(cell) -> dict[str, str]:
    return {
        name: element.text()
        for name in ("visit-count", "slot-count", "free-count")
        if (element := cell.find(data_testid=name)) is not None
    }


def test_month_shows_counts_per_day_linking_to_the_day(client, login, world, book, make):
    moment = future(days=20)
    day = moment.astimezone(OSLO).date()
    add_slot(world.site, moment, capacity=30)
    add_slot(world.site, moment + timedelta(hours=3), capacity=12)
    book(add_slot(world.site, moment + timedelta(days=1), capacity=20), pupils=9, now=NOW)
    other_class = make.school_class(world.other_school, "1STA")
    book(
        add_slot(world.site, moment + timedelta(days=2), capacity=20),
        pupils=2,
        actor=world.other_teacher,
        teacher=world.other_teacher,
        school_class=other_class,
        chosen=[make.student(other_class) for _ in range(2)],
        now=NOW,
    )
    db.session.commit()
    login(world.teacher)

    page = page_of(client.get(f"/visits/calendar?month={day:%Y-%m}"))

    assert _counts(_cell(page, day)) == {"slot-count": "2 slots", "free-count": "42 places free"}
    link = _cell(page, day).find("a", data_testid="day-link")
    assert link.attrs["href"] == f"/visits/calendar/{day.isoformat()}"
    booked = _cell(page, day + timedelta(days=1))
    assert _counts(booked) == {
        "visit-count": "1 visit",
        "slot-count": "1 slot",
        "free-count": "10 places free",
    }
    # Another school's visit is not the teacher's to see: only its open places count.
    assert _counts(_cell(page, day + timedelta(days=2)))["slot-count"] == "1 slot"
    assert "visit-count" not in _counts(_cell(page, day + timedelta(days=2)))
    assert _cell(page, day + timedelta(days=3)).find("a") is None
    # Dates in the filter that leave out the whole month leave its slots out, not the visits.
    page = page_of(client.get(f"/visits/calendar?month={day:%Y-%m}&end_on=2001-01-01"))
    assert _counts(_cell(page, day + timedelta(days=1))) == {"visit-count": "1 visit"}


def test_month_marks_today(client, login, world):
    login(world.teacher)
    page = page_of(client.get("/visits/calendar"))
    today = page.find("td", aria_current="date")
    assert today is not None
    assert (
        page.find(data_testid="month").text()
        == f"{date.fromisoformat(today.attrs['data-day']):%B %Y}"
    )


def test_month_and_day_keep_the_filters(client, login, world, make):
    moment = future(days=20)
    day = moment.astimezone(OSLO).date()
    add_slot(world.site, moment, topic="Gene editing")
    add_slot(world.site, moment + timedelta(hours=3), topic="Cancer cells")
    add_slot(world.site, moment + timedelta(hours=6), topic="Gene therapy", capacity=5)
    db.session.commit()
    login(world.teacher)

    page = page_of(client.get(f"/visits/calendar?month={day:%Y-%m}&topic=gene&min_free=10"))

    cell = _cell(page, day)
    assert _counts(cell) == {"slot-count": "1 slot", "free-count": "30 places free"}
    href = cell.find("a", data_testid="day-link").attrs["href"]
    assert href == f"/visits/calendar/{day.isoformat()}?topic=gene&min_free=10"
    assert "topic=gene" in page.find("a", rel="next").attrs["href"]

    day_page = page_of(client.get(href))
    rows = day_page.find("table", data_testid="day-slots").find_all("tr")[1:]
    assert [row.find_all("td")[1].text() for row in rows] == ["Gene editing"]
    assert day_page.find("input", name="topic").attrs["value"] == "gene"
    month_link = day_page.find("a", data_testid="month-link").attrs["href"]
    assert month_link == f"/visits/calendar?month={day:%Y-%m}&topic=gene&min_free=10"
    # The dates of the filter narrow the month too.
    page = page_of(client.get(f"/visits/calendar?month={day:%Y-%m}&end_on={day - timedelta(1)}"))
    assert _cell(page, day).find("a") is None


def test_day_lists_the_visits_and_the_open_slots(client, login, world, book):
    moment = future(days=20)
    day = moment.astimezone(OSLO).date()
    slot = add_slot(world.site, moment, capacity=30, topic="Gene editing")
    visit = book(add_slot(world.site, moment + timedelta(hours=3)), pupils=5, now=NOW)
    cancelled = book(add_slot(world.site, moment + timedelta(hours=6)), pupils=5, now=NOW)
    booking.cancel_visit(world.teacher, cancelled, reason="Ill", now=NOW)
    add_slot(world.site, moment + timedelta(days=1), topic="Another day")
    db.session.commit()
    login(world.teacher)

    page = page_of(client.get(f"/visits/calendar/{day.isoformat()}"))

    visits = page.find("ul", data_testid="day-visits")
    assert visits.find("a", href=f"/visits/{visit.id}").text().endswith("2STA · Cell lab")
    assert page.find(data_testid=f"state-{visit.id}").text() == "awaiting confirmation"
    assert page.find(data_testid=f"state-{cancelled.id}").text() == "cancelled"
    assert visits.find("a", href=f"/visits/{cancelled.id}").has_class(
        "text-decoration-line-through"
    )
    table = page.find("table", data_testid="day-slots")
    assert [row.find_all("td")[1].text() for row in table.find_all("tr")[1:]] == [
        "Gene editing",
        "Cancer cells under the microscope",
        "Cancer cells under the microscope",
    ]
    assert table.find("a", href=f"/visits/slots/{slot.id}/book") is not None
    assert page.find(data_testid="day").text() == f"{day:%A}, {day:%B} {day.day}, {day.year}"
    assert page.find("a", rel="next").attrs["href"] == f"/visits/calendar/{day + timedelta(1)}"


def test_day_pages_its_slots_and_its_visits(client, login, world, book, monkeypatch):
    monkeypatch.setattr("talent.visits.views.slots.PER_PAGE", 2)
    moment = future(days=20)
    day = moment.astimezone(OSLO).date()
    for number in range(3):
        add_slot(world.site, moment + timedelta(hours=2 * number), hours=1, topic=f"Open {number}")
        book(add_slot(world.site, moment + timedelta(hours=2 * number + 1), hours=1), now=NOW)
    db.session.commit()
    login(world.teacher)

    first = page_of(client.get(f"/visits/calendar/{day.isoformat()}?topic=open"))
    assert len(first.find("ul", data_testid="day-visits").find_all("li")) == 2
    slot_rows = first.find("table", data_testid="day-slots").find_all("tr")[1:]
    assert [row.find_all("td")[1].text() for row in slot_rows] == ["Open 0", "Open 1"]
    day_url = f"/visits/calendar/{day.isoformat()}"
    assert first.find("a", href=f"{day_url}?topic=open&visits_page=2") is not None
    assert first.find("a", href=f"{day_url}?topic=open&page=2") is not None

    second = page_of(client.get(f"{day_url}?topic=open&page=2&visits_page=2"))
    assert len(second.find("ul", data_testid="day-visits").find_all("li")) == 1
    slot_rows = second.find("table", data_testid="day-slots").find_all("tr")[1:]
    assert [row.find_all("td")[1].text() for row in slot_rows] == ["Open 2"]


def test_bad_days_are_not_found(client, login, world):
    login(world.teacher)
    for day in ("2026-13-01", "20261201", "1999-12-31", "garbage"):
        assert client.get(f"/visits/calendar/{day}").status_code == 404, day
    assert client.get("/visits/calendar/2026-12-01?page=x&visits_page=-3").status_code == 200


@pytest.mark.usefixtures("in_request")
@pytest.mark.parametrize(
    ("local_start", "expected_day"),
    [
        # The night after the clocks go forward (29 March 2026) and back (25 October 2026).
        (datetime(2026, 3, 30, 0, 30), date(2026, 3, 30)),
        (datetime(2026, 3, 29, 23, 30), date(2026, 3, 29)),
        (datetime(2026, 10, 26, 0, 30), date(2026, 10, 26)),
        (datetime(2026, 10, 25, 23, 30), date(2026, 10, 25)),
    ],
)
def test_days_are_local_across_daylight_saving(world, local_start, expected_day):
    starts_at = local_start.replace(tzinfo=OSLO).astimezone(UTC)
    add_slot(world.site, starts_at, hours=1)
    now = starts_at - timedelta(days=60)
    month = calendar_service.month_calendar(
        world.teacher, expected_day.replace(day=1), criteria=SlotFilter(), now=now, zone=OSLO
    )
    counted = {day.day: day.open_slots for week in month.weeks for day in week if day.open_slots}
    assert counted == {expected_day: 1}
