"""Course times typed across the clock changes, through the real forms: a time the clocks skip
is refused beside its field with what was typed kept; a session in the repeated autumn hour
keeps its length, on the form and in the catalogue's calendar."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from talent.courses.models import Course, CourseSession
from talent.db import utcnow
from talent.extensions import db
from tests import factories
from tests.courses.conftest import coordinator, course
from tests.support.clock import OSLO, repeated_hour_start, skipped_hour_start
from tests.support.forms import error_beside, filled, shown_value
from tests.support.ics import instants


def _client(app, user):
    client = app.test_client()
    client.post("/login", data={"email": user.email, "password": factories.PASSWORD})
    return client


def _submit(client, url: str, **typed):
    form = client.get(url).get_data(as_text=True)
    return client.post(url, data=filled(form, url, **typed))


def _missing_hour(moment: datetime) -> str:
    return (
        f"{moment:%Y-%m-%d %H:%M} does not exist in Europe/Oslo: clocks go forward from 02:00 "
        "to 03:00. Choose another time."
    )


def _course_around(day) -> Course:
    return course(starts_on=day - timedelta(days=1), ends_on=day + timedelta(days=1))


def test_a_session_start_the_clocks_skip_is_refused_beside_it_and_kept(app):
    gap = skipped_hour_start(utcnow()) + timedelta(minutes=30)
    item = _course_around(gap.date())
    client = _client(app, coordinator())
    db.session.commit()

    typed = {"starts_at": f"{gap:%Y-%m-%dT%H:%M}", "ends_at": f"{gap:%Y-%m-%dT04:00}"}
    response = _submit(client, f"/courses/{item.id}/sessions/new", title="Night lab", **typed)

    page = response.get_data(as_text=True)
    assert error_beside(page, "starts_at") == _missing_hour(gap)
    assert shown_value(page, "starts_at") == typed["starts_at"]
    assert shown_value(page, "ends_at") == typed["ends_at"]
    assert db.session.scalar(sa.select(sa.func.count(CourseSession.id))) == 0


def test_enrollment_opening_in_the_skipped_hour_is_refused_beside_it(app):
    gap = skipped_hour_start(utcnow()) + timedelta(minutes=15)
    item = _course_around(gap.date() + timedelta(days=30))
    client = _client(app, coordinator())
    db.session.commit()

    opens, closes = f"{gap:%Y-%m-%dT%H:%M}", f"{gap + timedelta(days=20):%Y-%m-%dT%H:%M}"
    response = _submit(
        client, f"/courses/{item.id}/edit", enrollment_opens_at=opens, enrollment_closes_at=closes
    )

    page = response.get_data(as_text=True)
    assert error_beside(page, "enrollment_opens_at") == _missing_hour(gap)
    assert shown_value(page, "enrollment_opens_at") == opens
    db.session.refresh(item)
    assert item.enrollment_opens_at != gap.replace(tzinfo=OSLO)


def test_copying_a_course_onto_the_skipped_hour_is_refused_beside_the_date(app):
    gap = skipped_hour_start(utcnow() + timedelta(days=8)) + timedelta(minutes=30)
    week_before = gap - timedelta(weeks=1)
    item = _course_around(week_before.date())
    starts_at = week_before.replace(tzinfo=OSLO).astimezone(UTC)
    db.session.add(
        CourseSession(
            course=item,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=1),
            attendance_code="NIGHT1",
        )
    )
    client = _client(app, coordinator())
    db.session.commit()

    new_start = (item.starts_on + timedelta(weeks=1)).isoformat()
    response = _submit(client, f"/courses/{item.id}/copy", starts_on=new_start)

    page = response.get_data(as_text=True)
    assert error_beside(page, "starts_on") == _missing_hour(gap)
    assert shown_value(page, "starts_on") == new_start
    assert db.session.scalar(sa.select(sa.func.count(Course.id))) == 1


def test_a_session_in_the_repeated_hour_keeps_its_length_in_the_calendar(app, client):
    soon = utcnow() + timedelta(days=2)
    repeat = repeated_hour_start(soon)
    item = course(starts_on=soon.date(), ends_on=soon.date() + timedelta(days=400))
    staff = _client(app, coordinator())
    db.session.commit()
    summer = repeat.replace(month=7, day=1, hour=10)
    if summer < soon.replace(tzinfo=None):
        summer = summer.replace(year=summer.year + 1)
    winter = (repeat + timedelta(days=14)).replace(hour=10)
    spans = {
        # An end not after the start in the repeated hour is on the second pass: 30 minutes.
        "repeated hour": (repeat + timedelta(minutes=50), repeat + timedelta(minutes=20)),
        "summer": (summer, summer + timedelta(hours=2)),
        "winter": (winter, winter + timedelta(hours=2)),
    }
    for title, (start, end) in spans.items():
        response = _submit(
            staff,
            f"/courses/{item.id}/sessions/new",
            title=title,
            starts_at=f"{start:%Y-%m-%dT%H:%M}",
            ends_at=f"{end:%Y-%m-%dT%H:%M}",
        )
        assert response.status_code == 302, title

    found = sorted(instants(client.get("/courses.ics").data).values())

    first_pass = repeat.replace(tzinfo=OSLO).astimezone(UTC)
    expected = sorted(
        [
            (first_pass + timedelta(minutes=50), first_pass + timedelta(minutes=80)),
            *(
                (
                    start.replace(tzinfo=OSLO).astimezone(UTC),
                    end.replace(tzinfo=OSLO).astimezone(UTC),
                )
                for start, end in (spans["summer"], spans["winter"])
            ),
        ]
    )
    assert found == expected
