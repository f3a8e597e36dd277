"""In a real browser: a coordinator creates a course with two seats; three researchers enroll
(the third is waitlisted); one withdraws; the third gets and accepts the offer; attendance is
recorded; the certificate downloads and its code verifies. And a researcher filters the
catalogue and opens a card's sessions; a coordinator takes her off the roster.

Uses the shared browser fixtures (tests/browser/conftest.py, made available to this package
in tests/courses/conftest.py): the app served from a thread,
CSRF protection on, driven by /usr/bin/chromium; skipped when Chromium is missing unless
TALENT_REQUIRE_BROWSER=1.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from talent.courses.models import Course, CourseEnrollment, CourseFormat, EnrollmentState
from talent.courses.services import enrollment
from talent.courses.services.certificates import display_code
from talent.db import utcnow
from talent.extensions import db
from talent.people.models import Role
from tests.browser.conftest import BROWSER_SETTINGS
from tests.courses.conftest import course

pytestmark = pytest.mark.browser

OSLO = ZoneInfo("Europe/Oslo")


@pytest.fixture
def app_settings() -> dict:
    return dict(BROWSER_SETTINGS)


def _log_out(page) -> None:
    with page.expect_navigation():
        page.click('form[action="/logout"] button')


def _click_and_wait(page, selector: str) -> None:
    with page.expect_navigation():
        page.click(selector)


def _state_of(user) -> EnrollmentState:
    db.session.rollback()  # see what the server committed
    return db.session.scalar(
        sa.select(CourseEnrollment.state)
        .where(CourseEnrollment.user_id == user.id)
        .order_by(CourseEnrollment.id.desc())
        .limit(1)
    )


def test_a_course_from_creation_to_a_verified_certificate(
    app, page, browser_user, log_in_as, tmp_path: Path
):
    staff = browser_user(Role.COORDINATOR, name="Cora Coordinator")
    first, second, third = (
        browser_user(Role.RESEARCHER, name=name, email=f"{name.split()[0].lower()}@example.org")
        for name in ("Ingrid Berg", "Ola Hansen", "Sofie Lund")
    )
    now = utcnow().astimezone(OSLO)
    minute = now.replace(second=0, microsecond=0)

    # The coordinator creates a course with two seats and one session going on now.
    log_in_as(page, staff)
    page.goto("/courses/new")
    page.fill("#title", "Innovation and IP for clinicians")
    page.fill("#summary", "From a finding to a licence.")
    page.fill("#starts_on", (now - timedelta(days=1)).date().isoformat())
    page.fill("#ends_on", (now + timedelta(days=1)).date().isoformat())
    page.fill("#enrollment_opens_at", (minute - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"))
    page.fill("#enrollment_closes_at", (minute + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"))
    page.fill("#capacity", "2")
    page.check("#is_published")
    _click_and_wait(page, "main form button.btn-primary")
    assert urlsplit(page.url).path.endswith("/overview"), page.content()
    page.click("main a[href$='/sessions/new']")
    page.fill("#title", "Kick-off")
    page.fill("#starts_at", (minute - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"))
    page.fill("#ends_at", (minute + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"))
    _click_and_wait(page, "main form button.btn-primary")
    expect(page.get_by_test_id("session-code")).to_have_count(1)
    db.session.rollback()
    course_id = db.session.scalar(sa.select(Course.id))
    course_url = f"/courses/{course_id}"
    _log_out(page)

    # Three researchers enroll; the third lands on the waitlist.
    for person in (first, second, third):
        log_in_as(page, person)
        page.goto(course_url)
        _click_and_wait(page, "form[action$='/enroll'] button")
        if person is third:
            expect(page.get_by_test_id("position")).to_be_visible()
        else:
            expect(page.get_by_test_id("enrolled")).to_be_visible()
        _log_out(page)
    assert [_state_of(p) for p in (first, second, third)] == [
        EnrollmentState.CONFIRMED,
        EnrollmentState.CONFIRMED,
        EnrollmentState.WAITLISTED,
    ]

    # The first withdraws (confirming the dialog); the seat is offered to the third.
    log_in_as(page, first)
    page.goto(course_url)
    page.once("dialog", lambda dialog: dialog.accept())
    _click_and_wait(page, "form[action$='/withdraw'] button")
    _log_out(page)
    log_in_as(page, third)
    page.goto(course_url)
    expect(page.get_by_test_id("offer")).to_be_visible()
    _click_and_wait(page, "form[action$='/accept'] button")
    expect(page.get_by_test_id("enrolled")).to_be_visible()
    _log_out(page)

    # The coordinator records attendance: both participants were there.
    log_in_as(page, staff)
    page.goto(f"{course_url}/overview")
    page.click("main a[href$='/attendance']")
    boxes = page.locator("input[name=present]")
    expect(boxes).to_have_count(2)
    for index in range(2):
        boxes.nth(index).check()
    _click_and_wait(page, "main form button.btn-primary")
    _log_out(page)
    assert _state_of(third) is EnrollmentState.COMPLETED

    # The third downloads the certificate; anyone can verify its code.
    log_in_as(page, third)
    page.goto(course_url)
    with page.expect_download() as download:
        page.get_by_test_id("certificate").click()
    saved = tmp_path / "certificate.pdf"
    download.value.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF")
    _log_out(page)
    db.session.rollback()
    code = db.session.scalar(
        sa.select(CourseEnrollment)
        .where(CourseEnrollment.user_id == third.id)
        .order_by(CourseEnrollment.id.desc())
    ).certificate.code
    db.session.rollback()
    page.goto("/certificates/verify")
    page.fill("#code", display_code(code).lower())
    _click_and_wait(page, "main form button")
    expect(page.get_by_test_id("verification")).to_contain_text("Sofie Lund")
    expect(page.locator(".alert-success")).to_have_count(1)


def test_a_researcher_filters_the_catalogue_and_a_coordinator_takes_her_off_the_roster(
    app, page, browser_user, log_in_as
):
    staff = browser_user(Role.COORDINATOR, name="Cora Coordinator")
    person = browser_user(Role.RESEARCHER, name="Ingrid Berg", email="ingrid@example.org")
    now = utcnow()
    start = (now + timedelta(days=21)).date()
    window = {
        "starts_on": start,
        "ends_on": start + timedelta(days=2),
        "opens_at": now - timedelta(days=1),
        "closes_at": now + timedelta(days=14),
    }
    online = course(title="Online IP clinic", format=CourseFormat.ONLINE, sessions=2, **window)
    course(title="Patent lab on site", **window)
    enrollment.enroll(person, online, now=now)
    db.session.commit()

    # The researcher narrows the catalogue to online courses and opens the card's sessions.
    log_in_as(page, person)
    page.goto("/courses")
    expect(page.get_by_test_id("catalogue").locator("article")).to_have_count(2)
    page.select_option("#format", "online")
    _click_and_wait(page, "form[role=search] button")
    cards = page.get_by_test_id("catalogue").locator("article")
    expect(cards).to_have_count(1)
    expect(cards.first).to_contain_text("Online IP clinic")
    expect(cards.first).to_contain_text("You: enrolled")
    cards.first.locator("summary").click()
    expect(cards.first.locator("details li").first).to_be_visible()
    expect(cards.first.locator("details li")).to_have_count(2)
    _log_out(page)

    # The coordinator takes her off the course from the roster (confirming the dialog).
    log_in_as(page, staff)
    page.goto(f"/courses/{online.id}/roster")
    expect(page.get_by_test_id("roster")).to_contain_text("ingrid@example.org")
    page.once("dialog", lambda dialog: dialog.accept())
    _click_and_wait(page, "form[action$='/remove'] button")
    expect(page.locator(".alert-success")).to_contain_text("Ingrid Berg is taken off the course.")
    expect(page.get_by_test_id("roster")).to_have_count(0)
    assert _state_of(person) is EnrollmentState.WITHDRAWN
