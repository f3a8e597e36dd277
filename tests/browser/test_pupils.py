"""In a real browser: a teacher imports a roster with one bad line, sees the error, uploads the
corrected file and saves it; enrolls a pupil, who cannot become active without consent; a
guardian gives consent through the e-mailed link without an account; the pupil becomes active."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from talent.extensions import db
from talent.people.models import Role
from talent.programmes.models import EnrollmentState, ProgrammeEnrollment
from talent.schools.models import Student
from tests.programmes import factories as pf
from tests.support.smtp import deliver

pytestmark = pytest.mark.browser

HEADER = "navn;fødselsdato;klasse;foresatt navn;foresatt e-post;foresatt telefon\n"
ROSTER = HEADER + (
    "Emma Hansen;17.05.2010;2STA;Kari Hansen;kari@example.no;+47 912 34 567\n"
    "Jonas Berg;02.01.2010;2STA;Lise Berg;lise@example.no;\n"
    "Sara Lie;31.02.2010;2STA;Tor Lie;tor@example.no;\n"
)


def _upload(page, text: str) -> None:
    page.set_input_files(
        "#file",
        files=[{"name": "2sta.csv", "mimeType": "text/csv", "buffer": text.encode("utf-8")}],
    )
    with page.expect_navigation():
        page.click("form[data-testid=upload-form] button")


def test_import_fix_enroll_and_consent_by_link(
    app, page, browser, live_server, browser_user, log_in_as, smtp_server
):
    teacher = browser_user(Role.TEACHER, name="Tina Teacher", language="en")
    programme = pf.programme("Ullern talent programme", school=teacher.organization, capacity=5)
    programme_id = programme.id
    db.session.commit()
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=smtp_server.port, SMTP_SECURITY="none")

    # Upload a roster with an impossible birth date: nothing is saved, the line is shown.
    log_in_as(page, teacher)
    page.click("nav >> text=Roster")
    page.click("text=Import a roster file")
    _upload(page, ROSTER)
    expect(page.get_by_test_id("import-errors")).to_contain_text("1 line has an error")
    expect(page.locator("tr[data-line='4']")).to_contain_text(
        "The birth date 31.02.2010 does not exist in the calendar."
    )
    expect(page.get_by_role("button", name="Save the roster")).to_have_count(0)

    # Upload the corrected file from the preview page, then save it.
    _upload(page, ROSTER.replace("31.02.2010", "28.02.2010"))
    expect(page.get_by_test_id("import-summary")).to_contain_text("3")
    with page.expect_navigation():
        page.get_by_role("button", name="Save the roster").click()
    expect(page.locator(".alert-success")).to_contain_text("3 new pupils")
    expect(page.get_by_test_id("roster")).to_contain_text("Emma Hansen")
    expect(page.get_by_test_id("roster")).to_contain_text("Kari Hansen")

    # Enroll Emma in the programme; she is 16 and has no programme consent yet.
    page.goto(f"/programmes/{programme_id}")
    page.click("text=Enroll pupils")
    page.select_option("#school_class", label="2STA (2026/27)")
    with page.expect_navigation():
        page.click("text=Show pupils")
    page.get_by_label("Emma Hansen").check()
    page.select_option("#intended_field", "medicine")
    with page.expect_navigation():
        page.get_by_role("button", name="Enroll", exact=True).click()
    emma_id = db.session.scalar(sa.select(Student.id).where(Student.name == "Emma Hansen"))
    db.session.commit()
    row = page.get_by_test_id(f"enrollment-{emma_id}")
    expect(row.get_by_test_id("missing-consent")).to_contain_text(
        "Emma Hansen (16): no consent for programme participation from a guardian is recorded."
    )
    with page.expect_navigation():
        row.get_by_role("button", name="Activate").click()
    expect(page.locator(".alert-danger")).to_contain_text(
        "A pupil under 18 needs a valid programme consent from a guardian"
    )

    # Send Kari a consent link.
    row = page.get_by_test_id(f"enrollment-{emma_id}")
    row.get_by_role("link", name="Consents").click()
    kari = page.get_by_test_id("guardian").filter(has_text="Kari Hansen")
    with page.expect_navigation():
        kari.get_by_role("button", name="E-mail a consent link").click()
    expect(page.locator(".alert-success")).to_contain_text("kari@example.no")
    deliver()  # the scheduler's tick
    [message] = smtp_server.mailbox.messages
    link = re.search(r"/consent/\S+", message.get_body(("plain",)).get_content()).group(0)

    # Kari opens the link in her own browser, without an account, and consents.
    guardian = browser.new_context(base_url=live_server.url, locale="en-GB")
    try:
        kari_page = guardian.new_page()
        kari_page.goto(link)
        expect(kari_page.locator("h1")).to_contain_text("Consent for Emma Hansen")
        kari_page.get_by_label("Programme participation").check()
        kari_page.get_by_label("Lab visits").check()
        kari_page.get_by_label("I am a guardian of this pupil").check()
        with kari_page.expect_navigation():
            kari_page.get_by_role("button", name="Save my answer").click()
        expect(kari_page.locator("h1")).to_contain_text("Your answer is saved")
        expect(kari_page.get_by_test_id("answer-summary")).to_contain_text(
            "Programme participation: given"
        )
    finally:
        guardian.close()

    # Now Emma can become active.
    page.goto(f"/programmes/{programme_id}")
    row = page.get_by_test_id(f"enrollment-{emma_id}")
    expect(row.get_by_test_id("missing-consent")).to_have_count(0)
    with page.expect_navigation():
        row.get_by_role("button", name="Activate").click()
    expect(page.locator(".alert-success")).to_contain_text("Emma Hansen is now active.")
    expect(page.get_by_test_id("places")).to_contain_text("1 of 5 places taken")
    db.session.commit()
    state = db.session.scalar(
        sa.select(ProgrammeEnrollment.state).where(ProgrammeEnrollment.student_id == emma_id)
    )
    assert state is EnrollmentState.ACTIVE
