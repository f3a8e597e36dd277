"""Planning a session across the clock changes, through the real form, and its .ics download
read by two calendar libraries."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from talent.db import utcnow
from talent.extensions import db
from talent.mentoring.models import PlannedSession
from tests.support.clock import OSLO, repeated_hour_start, skipped_hour_start
from tests.support.forms import error_beside, filled, shown_value
from tests.support.ics import instants


@pytest.fixture
def app_settings():
    return {"BABEL_DEFAULT_LOCALE": "en"}


@pytest.fixture
def pairing(mk):
    found = mk.pairing(mk.mentor(), mk.pupil(), mk.programme(), now=utcnow())
    db.session.commit()
    return found


def _plan(client, pairing, starts_at: str, minutes: int = 60):
    url = f"/mentoring/pairings/{pairing.id}/plan"
    form = client.get(url).get_data(as_text=True)
    typed = filled(form, url, starts_at=starts_at, duration_minutes=str(minutes), mode="video")
    return client.post(url, data=typed)


def test_a_start_the_clocks_skip_is_refused_beside_it_and_kept(client, login, pairing):
    login(pairing.mentor.user)
    gap = skipped_hour_start(utcnow() + timedelta(days=2)) + timedelta(minutes=30)

    response = _plan(client, pairing, f"{gap:%Y-%m-%dT%H:%M}")

    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert error_beside(page, "starts_at") == (
        f"{gap:%Y-%m-%d %H:%M} does not exist in Europe/Oslo: clocks go forward from 02:00 to "
        "03:00. Choose another time."
    )
    assert shown_value(page, "starts_at") == f"{gap:%Y-%m-%dT%H:%M}"
    assert db.session.scalar(sa.select(sa.func.count(PlannedSession.id))) == 0


def _next(month: int, day: int, after: datetime) -> date:
    candidate = date(after.year, month, day)
    return candidate if candidate > after.date() else candidate.replace(year=after.year + 1)


def test_the_ics_download_has_the_same_instants_for_every_reader(client, login, pairing):
    login(pairing.mentor.user)
    soon = utcnow() + timedelta(days=2)
    repeat = repeated_hour_start(soon)
    typed = {
        "summer": datetime.combine(_next(6, 15, soon), datetime.min.time()).replace(hour=10),
        "winter": datetime.combine(_next(1, 15, soon), datetime.min.time()).replace(hour=10),
        "repeated hour": repeat,
    }
    for local in typed.values():
        assert _plan(client, pairing, f"{local:%Y-%m-%dT%H:%M}").status_code == 302
    page = client.get(f"/mentoring/pairings/{pairing.id}").get_data(as_text=True)
    downloads = sorted(set(re.findall(r"/mentoring/planned/\d+\.ics", page)))
    assert len(downloads) == 3

    found = {}
    for url in downloads:
        body = client.get(url).data
        assert b"TZID" not in body
        [found[url]] = instants(body).values()

    expected = sorted(
        (local.replace(tzinfo=OSLO).astimezone(UTC), timedelta(hours=1)) for local in typed.values()
    )
    assert sorted((start, end - start) for start, end in found.values()) == expected
    # 02:00 summer time to 02:00 winter time: an hour, not nothing.
    first_pass = repeat.replace(tzinfo=OSLO).astimezone(UTC)
    assert (first_pass, first_pass + timedelta(hours=1)) in found.values()
