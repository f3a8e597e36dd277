"""Publishing slots across the clock changes, through the real slot form: a time the clocks
skip is refused beside its field, a slot in the repeated autumn hour keeps its length."""

from __future__ import annotations

from datetime import UTC, timedelta

import sqlalchemy as sa

from talent.db import utcnow
from talent.extensions import db
from talent.visits.models import VisitSlot
from tests.support.clock import OSLO, repeated_hour_start, skipped_hour_start
from tests.support.forms import error_beside, filled, shown_value


def _publish(client, site, **typed):
    url = f"/visits/sites/{site.id}/slots/new"
    form = client.get(url).get_data(as_text=True)
    return client.post(url, data=filled(form, url, topic="Cells at night", **typed))


def _missing_hour(moment) -> str:
    return (
        f"{moment:%Y-%m-%d %H:%M} does not exist in Europe/Oslo: clocks go forward from 02:00 "
        "to 03:00. Choose another time."
    )


def test_a_start_the_clocks_skip_is_refused_beside_it_and_kept(client, login, world):
    login(world.host)
    gap = skipped_hour_start(utcnow() + timedelta(days=2)) + timedelta(minutes=30)

    response = _publish(
        client, world.site, first_day=gap.date().isoformat(), start="02:30", end="04:00"
    )

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert error_beside(page, "start") == _missing_hour(gap)
    assert shown_value(page, "first_day") == gap.date().isoformat()
    assert (shown_value(page, "start"), shown_value(page, "end")) == ("02:30", "04:00")
    assert db.session.scalar(sa.select(sa.func.count(VisitSlot.id))) == 0


def test_a_weekly_series_that_meets_the_skipped_hour_names_that_day(client, login, world):
    login(world.host)
    gap = skipped_hour_start(utcnow() + timedelta(days=9)) + timedelta(minutes=15)

    response = _publish(
        client,
        world.site,
        first_day=(gap.date() - timedelta(weeks=1)).isoformat(),
        start="01:00",
        end="02:15",
        weeks="3",
    )

    page = response.get_data(as_text=True)
    assert error_beside(page, "end") == _missing_hour(gap)
    assert shown_value(page, "weeks") == "3"
    assert db.session.scalar(sa.select(sa.func.count(VisitSlot.id))) == 0


def test_a_slot_in_the_repeated_hour_keeps_its_length(client, login, world):
    login(world.host)
    repeat = repeated_hour_start(utcnow() + timedelta(days=2))
    day = repeat.date().isoformat()

    # Read on the first pass (summer time): 45 minutes.
    assert (
        _publish(client, world.site, first_day=day, start="02:00", end="02:45").status_code == 302
    )
    # An end not after the start in the repeated hour is on the second pass: 30 minutes.
    assert (
        _publish(client, world.site, first_day=day, start="02:50", end="02:20").status_code == 302
    )

    slots = db.session.scalars(sa.select(VisitSlot).order_by(VisitSlot.starts_at)).all()
    first_pass = repeat.replace(tzinfo=OSLO).astimezone(UTC)
    assert [(s.starts_at, s.ends_at - s.starts_at) for s in slots] == [
        (first_pass, timedelta(minutes=45)),
        (first_pass + timedelta(minutes=50), timedelta(minutes=30)),
    ]
