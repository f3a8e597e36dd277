"""In a real browser: a coordinator matches a pupil to a vetted mentor; the mentor accepts and
logs a session with a private note; the pupil confirms by the e-mailed link and never sees the
private note; the coordinator sees the confirmed hours."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from talent.extensions import db
from talent.mentoring.models import (
    MenteeKind,
    MenteeProfile,
    MentoringProgramme,
    MentorProfile,
)
from talent.people.models import Role
from tests import factories
from tests.support.smtp import deliver

pytestmark = pytest.mark.browser


def log_out(page) -> None:
    with page.expect_navigation():
        page.click('form[action="/logout"] button')


def test_match_accept_log_confirm_and_count_the_hours(
    app, page, browser, live_server, browser_user, log_in_as, smtp_server
):
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=smtp_server.port, SMTP_SECURITY="none")
    today = datetime.now(UTC).date()

    coordinator = browser_user(Role.COORDINATOR, name="Kari Koordinator")
    mentor_user = browser_user(Role.MENTOR, name="Magnus Mentor")
    unvetted_user = browser_user(Role.MENTOR, name="Ulf Uvettet", email="unvetted@example.org")
    programme = MentoringProgramme(name="Ullern mentoring", safeguarding_lead=coordinator)
    mentor = MentorProfile(
        user=mentor_user,
        expertise=["immunology", "medicine"],
        languages=["nb"],
        capacity=2,
        police_certificate_on=date(2025, 1, 10),
        police_certificate_expires_on=today + timedelta(days=700),
        safeguarding_training_on=date(2025, 2, 1),
        code_of_conduct_accepted_on=date(2025, 2, 1),
    )
    unvetted = MentorProfile(
        user=unvetted_user, expertise=["immunology", "medicine"], languages=["nb"], capacity=2
    )
    school_class = factories.school_class(factories.school("Ullern videregående skole"))
    pupil = factories.student(school_class, "Emma Hansen", birth_date=date(today.year - 16, 1, 5))
    mentee = MenteeProfile(
        kind=MenteeKind.PUPIL,
        student=pupil,
        interests=["medicine", "immunology"],
        languages=["nb"],
        contact_email="emma@example.org",
    )
    db.session.add_all([programme, mentor, unvetted, mentee])
    db.session.commit()
    mentee_id, mentor_id, unvetted_id = mentee.id, mentor.id, unvetted.id
    db.session.commit()

    # The coordinator matches: the unvetted mentor is listed with the reason, not proposable.
    log_in_as(page, coordinator)
    page.goto(f"/mentoring/mentees/{mentee_id}/match")
    suggestions = page.locator("[data-suggestion]")
    expect(suggestions.first).to_have_attribute("data-suggestion", str(mentor_id))
    blocked = page.locator(f'[data-suggestion="{unvetted_id}"]')
    expect(blocked.locator("[data-blocked]")).to_be_visible()
    expect(blocked.locator("button")).to_have_count(0)
    with page.expect_navigation():
        page.locator(f'[data-suggestion="{mentor_id}"] button').click()
    assert re.fullmatch(r"/mentoring/pairings/\d+", urlsplit(page.url).path)
    pairing_path = urlsplit(page.url).path
    expect(page.locator("h1 [data-state]")).to_have_attribute("data-state", "proposed")
    log_out(page)

    # The mentor accepts and logs a session with a private note.
    log_in_as(page, mentor_user)
    page.goto("/mentoring/")
    with page.expect_navigation():
        page.locator(f'[data-section="mentor"] a[href="{pairing_path}"]').click()
    with page.expect_navigation():
        page.click('form[action$="/accept"] button')
    expect(page.locator("h1 [data-state]")).to_have_attribute("data-state", "active")
    with page.expect_navigation():
        page.click(f'a[href="{pairing_path}/sessions/new"]')
    page.fill("#held_on", datetime.now(ZoneInfo("Europe/Oslo")).date().isoformat())
    page.fill("#duration_minutes", "45")
    page.check('input[name="mode"][value="on_site"]')
    page.fill("#topics", "Choosing between medicine and biology")
    page.fill("#shared_note", "Read about the medicine programme in Oslo")
    page.fill("#private_note", "PRIVATE: seemed stressed about exams")
    with page.expect_navigation():
        page.click("main form button.btn-primary")
    assert urlsplit(page.url).path == pairing_path
    expect(page.locator("[data-private-note]")).to_contain_text("seemed stressed")
    log_out(page)

    # The pupil, who has no account, confirms by the e-mailed link.
    deliver()  # the scheduler's tick
    [message] = [m for m in smtp_server.mailbox.messages if m["To"] == "emma@example.org"]
    text = message.get_body(("plain",)).get_content()
    link = re.search(r"http://\S+/mentoring/confirm/\S+", text).group(0)
    pupil_context = browser.new_context(locale="nb-NO", timezone_id="Europe/Oslo")
    try:
        pupil_page = pupil_context.new_page()
        pupil_page.goto(live_server.url + urlsplit(link).path)
        expect(pupil_page.locator("main")).to_contain_text("medicine programme in Oslo")
        expect(pupil_page.locator("main")).not_to_contain_text("seemed stressed")
        with pupil_page.expect_navigation():
            pupil_page.click('main form input[value="confirm"] ~ button')
        expect(pupil_page.locator("[data-confirmed]")).to_be_visible()
        assert "seemed stressed" not in pupil_page.content()
    finally:
        pupil_context.close()

    # The coordinator sees the confirmed hours.
    log_in_as(page, coordinator)
    page.goto("/mentoring/")
    expect(page.locator('[data-section="overview"] [data-confirmed-minutes="45"]')).to_be_visible()
    page.goto(pairing_path)
    expect(page.locator('[data-confirmed-minutes="45"]')).to_be_visible()
    expect(page.locator("[data-confirmed]")).to_be_visible()
