"""In a real browser: a host publishes a weekly slot; a teacher books it with pupils, is told
a rule is broken and corrects it; the host confirms; the teacher finds the visit through the
month calendar's day; the visit is cancelled and both teacher and host see the notice."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from talent.consents.models import Consent, ConsentKind, ConsentMethod
from talent.db import write_intent
from talent.extensions import db
from talent.people.models import OrganizationKind, Role, User
from talent.reminders.delivery import deliver_due
from talent.visits.models import LabSite, LabVisit, VisitSlot, VisitState
from tests import factories

pytestmark = pytest.mark.browser

PUPILS = 12


def log_out(page) -> None:
    with page.expect_navigation():
        page.click('form[action="/logout"] button')


def next_tuesday(days_ahead: int = 10) -> date:
    day = datetime.now(UTC).date() + timedelta(days=days_ahead)
    return day + timedelta(days=(1 - day.weekday()) % 7)


def deliver_notices() -> None:
    """One scheduler tick, as the scheduler process would run it."""
    db.session.commit()
    intent = write_intent.set(True)
    try:
        deliver_due()
        db.session.commit()
    finally:
        write_intent.reset(intent)


def test_publish_book_correct_confirm_calendar_cancel(page, browser_user, log_in_as):
    company = factories.organization("Nordic Nanovector", OrganizationKind.COMPANY)
    host = browser_user(Role.HOST, name="Hanna Host", organization=company, language="en")
    teacher = browser_user(Role.TEACHER, name="Tina Teacher", language="en")
    school_class = factories.school_class(teacher.organization, "2STA")
    pupils = [
        factories.student(school_class, f"Pupil {n:02d}", birth_date=date(2010, 3, n))
        for n in range(1, PUPILS + 1)
    ]
    for pupil in pupils:
        db.session.add(
            Consent(
                student_id=pupil.id,
                kind=ConsentKind.LAB_VISITS,
                given_by="Guardian",
                given_at=datetime.now(UTC) - timedelta(days=30),
                method=ConsentMethod.PAPER,
            )
        )
    site = LabSite(organization_id=company.id, name="Cell lab", capacity=30, pupils_per_adult=10)
    db.session.add(site)
    db.session.commit()
    site_id, class_id, host_id, teacher_id = site.id, school_class.id, host.id, teacher.id
    first_day = next_tuesday()
    db.session.commit()

    # The host publishes a slot every Tuesday 10:00–12:00 for four weeks.
    log_in_as(page, host)
    page.goto(f"/visits/sites/{site_id}/slots/new")
    page.fill("#first_day", first_day.isoformat())
    page.fill("#start", "10:00")
    page.fill("#end", "12:00")
    page.fill("#capacity", "20")
    page.fill("#topic", "Cancer cells under the microscope")
    page.fill("#weeks", "4")
    with page.expect_navigation():
        page.click("main form button.btn-primary")
    expect(page.locator(".alert-success")).to_contain_text("4 slots are published")
    expect(page.locator("[data-testid=site-slots] li")).to_have_count(4)
    log_out(page)

    # The teacher books the first one, with too few adults, and corrects it.
    log_in_as(page, teacher)
    page.goto("/visits/slots")
    with page.expect_navigation():
        page.locator("[data-testid=slots] a.btn-primary").first.click()
    page.select_option("#class_id", str(class_id))
    with page.expect_navigation():
        page.click("main form[method=get] button")
    page.fill("#pupils_count", str(PUPILS))
    page.fill("#adults_count", "1")
    for box in page.locator('input[name="pupils"]').all():
        box.check()
    with page.expect_navigation():
        page.click("[data-testid=booking-form] button.btn-primary")
    expect(page.locator("#adults_count-error")).to_contain_text("at least 2 adults")
    expect(page.locator("#pupils_count")).to_have_value(str(PUPILS))
    page.fill("#adults_count", "2")
    with page.expect_navigation():
        page.click("[data-testid=booking-form] button.btn-primary")
    expect(page.locator("[data-testid=group]")).to_contain_text("12 pupils and 2 adults")
    visit_id = int(page.url.rstrip("/").rsplit("/", 1)[1])
    log_out(page)

    # The host confirms.
    log_in_as(page, host)
    page.goto(f"/visits/{visit_id}")
    with page.expect_navigation():
        page.click(f'form[action="/visits/{visit_id}/confirm"] button')
    expect(page.locator(f"[data-testid=state-{visit_id}]")).to_have_text("confirmed")
    log_out(page)

    # The teacher finds the visit in the month calendar, opens its day from the keyboard, then
    # the visit, and cancels it.
    log_in_as(page, teacher)
    page.goto(f"/visits/calendar?month={first_day:%Y-%m}")
    cell = page.locator(f'[data-day="{first_day.isoformat()}"]')
    expect(cell.locator("[data-testid=visit-count]")).to_have_text("1 visit")
    expect(cell.locator("[data-testid=slot-count]")).to_have_text("1 slot")
    expect(cell.locator("[data-testid=free-count]")).to_have_text("6 places free")
    cell.locator("[data-testid=day-link]").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    day_visits = page.locator("[data-testid=day-visits]")
    expect(day_visits.locator(f'a[href="/visits/{visit_id}"]')).to_contain_text("2STA")
    expect(day_visits.locator(f"[data-testid=state-{visit_id}]")).to_have_text("confirmed")
    expect(page.locator("[data-testid=day-slots]")).to_contain_text("6 places free / 20")
    with page.expect_navigation():
        day_visits.locator(f'a[href="/visits/{visit_id}"]').click()
    with page.expect_navigation():
        page.click(f'a[href="/visits/{visit_id}/cancel"]')
    page.fill("#reason", "The bus company is on strike")
    with page.expect_navigation():
        page.click("main form button.btn-danger")
    expect(page.locator("[data-testid=notice]")).to_contain_text("The bus company is on strike")
    log_out(page)

    db.session.commit()
    visit = db.session.get(LabVisit, visit_id)
    assert visit.state is VisitState.CANCELLED
    assert (
        db.session.scalar(sa.select(VisitSlot.persons_booked).where(VisitSlot.id == visit.slot_id))
        == 0
    )
    deliver_notices()  # detaches what the session held: load the users again
    host, teacher = db.session.get(User, host_id), db.session.get(User, teacher_id)

    # The host sees the notice, in the inbox and on the visit.
    log_in_as(page, host)
    page.goto("/inbox")
    expect(page.locator("main")).to_contain_text("Cancelled: 2STA")
    page.goto(f"/visits/{visit_id}")
    expect(page.locator("[data-testid=notice]")).to_contain_text("The bus company is on strike")
    log_out(page)

    # And the teacher sees it in the calendar too.
    log_in_as(page, teacher)
    page.goto(f"/visits/calendar?month={first_day:%Y-%m}")
    with page.expect_navigation():
        page.locator(f'[data-day="{first_day.isoformat()}"] [data-testid=day-link]').click()
    expect(page.locator(f"[data-testid=state-{visit_id}]")).to_have_text("cancelled")
