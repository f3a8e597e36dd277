"""What the catalogue and the roster show, read by their own lean queries: the cards' partners,
sessions and the reader's enrollment, pages of twelve cards, the partner filter's choices, the
roster's rows; and dates written as the shared filters write them."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from flask import render_template_string
from flask_babel import force_locale, get_locale

from talent.courses.models import EnrollmentState
from talent.courses.services import attendance, enrollment
from talent.courses.views.common import LocalDates
from talent.courses.views.public import CATALOGUE_PER_PAGE
from talent.db import utcnow
from talent.extensions import db
from talent.i18n import local_zone
from tests import factories
from tests.courses.conftest import coordinator, course, researcher


def _client(app, user):
    client = app.test_client()
    client.post("/login", data={"email": user.email, "password": factories.PASSWORD})
    return client


def _open_course(**fields):
    now = utcnow()
    start = (now + timedelta(days=21)).date()
    fields.setdefault("starts_on", start)
    fields.setdefault("ends_on", start + timedelta(days=2))
    return course(opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=14), **fields)


def _squeezed(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def test_a_card_shows_partners_sessions_and_the_readers_own_enrollment(app):
    item = _open_course(
        title="Patents for clinicians",
        location="Oslo Science Park",
        partners=[factories.organization("Zeta Labs"), factories.organization("Alpha Health")],
        sessions=2,
    )
    item.sessions[1].location = "Room 12"
    person = researcher(timezone="Europe/Oslo")
    enrollment.enroll(person, item, now=utcnow())
    db.session.commit()

    page = _squeezed(_client(app, person).get("/courses"))

    assert "Alpha Health, Zeta Labs" in page
    assert "2 sessions" in page
    first, second = item.sessions
    with app.test_request_context():
        dates = LocalDates(get_locale(), local_zone())
        assert f"{dates.datetime(first.starts_at)}: Session 1 (Oslo Science Park)" in page
        assert f"{dates.datetime(second.starts_at)}: Session 2 (Room 12)" in page
    assert "You: enrolled" in page


def test_the_catalogue_shows_twelve_cards_a_page(app, client):
    for _ in range(CATALOGUE_PER_PAGE + 1):
        _open_course()
    db.session.commit()

    first, second = (_squeezed(client.get(f"/courses?page={n}")) for n in (1, 2))

    assert first.count("<article") == CATALOGUE_PER_PAGE and "Page 1 of 2" in first
    assert second.count("<article") == 1 and "13 courses" in second


def test_the_partner_filter_offers_partners_of_courses_still_in_the_catalogue(app, client):
    current, former = factories.organization("Current Partner"), factories.organization("Gone")
    _open_course(title="Coming course", partners=[current])
    course(
        title="Old course", starts_on=date(2020, 1, 6), ends_on=date(2020, 1, 7), partners=[former]
    )
    db.session.commit()

    page = _squeezed(client.get("/courses"))

    assert f'<option value="{current.id}">Current Partner</option>' in page
    assert "Gone" not in page
    assert "Coming course" in _squeezed(client.get(f"/courses?partner={current.id}"))


def test_the_roster_lists_participants_with_organisation_state_and_attendance(app):
    item = _open_course(capacity=3, sessions=2)
    staff = coordinator()
    present = researcher(factories.organization("Nansen Lab"), name="Ada Berg", email="ada@x.org")
    absent = researcher(name="Bo Lie")
    seats = [enrollment.enroll(person, item, now=utcnow()) for person in (present, absent)]
    first_session = item.sessions[0]
    attendance.record_attendance(staff, first_session, [seats[0].id], now=first_session.ends_at)
    db.session.commit()

    page = _squeezed(_client(app, staff).get(f"/courses/{item.id}/roster"))

    assert 'Ada Berg<br><small class="text-muted">ada@x.org</small>' in page
    assert "<td>Nansen Lab</td>" in page and "2 participants" in page
    assert page.count(str(EnrollmentState.CONFIRMED.label)) >= 2
    assert page.count('aria-label="present"') == 1 and page.count('aria-label="absent"') == 3
    assert page.count("Take off") == 2
    assert "Take Ada Berg off the course?" in page


@pytest.mark.parametrize("language", ["en", "nb"])
def test_local_dates_write_what_the_date_filters_write(app, language):
    # Each month (the names differ by language) at both sides of midnight and of the
    # daylight-saving changes in the reader's zone.
    moments = [
        datetime(2027, month, day, hour, minute, tzinfo=UTC)
        for month in range(1, 13)
        for day, hour, minute in ((1, 0, 5), (28, 22, 59), (28, 23, 30))
    ]
    with app.test_request_context(), force_locale(language):
        dates = LocalDates(get_locale(), local_zone())
        for moment in moments:
            assert dates.datetime(moment) == render_template_string(
                "{{ moment|datetime }}", moment=moment
            )
            assert dates.date(moment.date()) == render_template_string(
                "{{ day|date }}", day=moment.date()
            )
