"""Calendar feeds and .ics downloads stay readable whatever names were stored before the
single-line rule (rows written straight into the tables, as an old database holds them)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from icalendar import Calendar

from talent.calendar import services as calendar
from talent.db import utcnow
from talent.extensions import db
from talent.people.models import Role
from tests.routes_world import build_world

#: CR, LF, a header to inject, NEL and DEL (C1 and C0), the Unicode line separator; NUL
#: where the database can hold it (PostgreSQL cannot).
WORST = "Bad\r\nX-Injected: 1\r\n\r\n\x85name\u2028\x01\x7f"

#: The text columns feeds and downloads write, by table.
COLUMNS = {
    "users": ("name",),
    "organizations": ("name",),
    "students": ("name",),
    "lab_sites": ("name", "address"),
    "visit_slots": ("topic",),
    "courses": ("title", "location", "summary"),
    "course_sessions": ("title", "location"),
    "mentoring_programmes": ("name",),
    "programmes": ("name",),
    "planned_mentoring_sessions": ("place",),
}


@pytest.fixture
def spoiled(make):
    world = build_world(make)
    world.feeds = {
        who: calendar.replace_feed(world.users[who], now=utcnow()).token
        for who in (Role.TEACHER, Role.HOST, Role.MENTOR, Role.STUDENT, Role.RESEARCHER)
    }
    world.feeds["enrolled"] = calendar.replace_feed(world.victim, now=utcnow()).token
    db.session.commit()
    worst = WORST + ("" if db.engine.dialect.name == "postgresql" else "\x00")
    for name, columns in COLUMNS.items():
        table = db.metadata.tables[name]
        unique = sa.literal(worst) + sa.cast(table.c.id, sa.String)  # some names are unique
        db.session.execute(table.update().values(dict.fromkeys(columns, unique)))
    db.session.commit()
    db.session.expire_all()
    return world


def _read(response) -> Calendar:
    assert response.status_code == 200, response.status_code
    body = response.get_data()
    parsed = Calendar.from_ical(body)
    for line in body.split(b"\r\n"):
        assert b"\n" not in line and b"\r" not in line and b"\x00" not in line
        assert not line.startswith(b"X-INJECTED")
    return parsed


def _one_line(text) -> bool:
    return not any(c in str(text) for c in "\r\n\x00\x85\u2028\x01\x7f")


def test_every_feed_reads_with_the_worst_stored_names(client, spoiled):
    summaries = []
    for token in spoiled.feeds.values():
        parsed = _read(client.get(f"/calendar/{token}.ics"))
        assert _one_line(parsed["X-WR-CALNAME"])
        summaries += [event["SUMMARY"] for event in parsed.walk("VEVENT")]
    assert summaries, "the world's feeds hold no event: nothing was tested"
    assert all(_one_line(summary) for summary in summaries)


def test_the_course_catalogue_reads_with_the_worst_stored_names(client, spoiled):
    parsed = _read(client.get("/courses.ics"))
    events = parsed.walk("VEVENT")
    assert events
    assert all(_one_line(e["SUMMARY"]) and _one_line(e.get("LOCATION", "")) for e in events)


@pytest.mark.parametrize("who", [Role.MENTOR, Role.STUDENT])
def test_a_planned_session_downloads_with_the_worst_stored_names(client, login, spoiled, who):
    login(spoiled.users[who])
    parsed = _read(client.get(f"/mentoring/planned/{spoiled.planned.id}.ics"))
    (event,) = parsed.walk("VEVENT")
    assert _one_line(parsed["X-WR-CALNAME"]) and _one_line(event["SUMMARY"])
    assert _one_line(event["LOCATION"])
    assert "\x00" not in str(event["DESCRIPTION"]) and "\x85" not in str(event["DESCRIPTION"])


def test_the_rows_really_hold_the_worst_names(spoiled):
    names = db.session.scalars(sa.select(db.metadata.tables["users"].c.name)).all()
    assert names and all(name.startswith(WORST) for name in names)
