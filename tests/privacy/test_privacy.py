"""Export, erasure and the retention rule."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from talent.audit.models import AuditEvent
from talent.consents import services as consents
from talent.consents.models import Consent, ConsentKind, ConsentMethod, Guardian
from talent.errors import AlreadyDone
from talent.extensions import db
from talent.people.models import Role
from talent.privacy import jobs, services
from talent.privacy.registry import (
    _SECTIONS,
    _STEPS,
    register_erasure_step,
    register_export_section,
)
from talent.programmes import services as programmes
from talent.programmes.models import EnrollmentState, FieldOfStudy, ProgrammeEnrollment
from talent.reminders.models import Notification, NotificationState
from talent.schools.models import Student
from tests.programmes import factories as pf
from tests.programmes.factories import NOW
from tests.support.together import THREADS, repeated


@pytest.fixture
def world(make):
    school = make.school("Ullern videregående skole")
    teacher = make.user(Role.TEACHER, organization=school, language="en")
    coordinator = make.user(Role.COORDINATOR, language="en")
    group = make.school_class(school, "2STA")
    account = make.user(Role.STUDENT, organization=school, email="emma@example.org")
    pupil = make.student(group, "Emma Hansen", birth_date=date(2010, 5, 17), user=account)
    parent = consents.save_guardian(
        teacher, pupil, None, name="Kari Hansen", email="kari@example.org", now=NOW
    )
    consents.give_consent(
        teacher,
        pupil,
        kind=ConsentKind.PROGRAMME,
        given_by="Kari Hansen",
        guardian=parent,
        method=ConsentMethod.PAPER,
        expires_on=date(2027, 7, 31),
        note="Signed at the parents' evening",
        now=NOW,
    )
    programme = pf.programme("Ullern talent programme", school=school)
    [enrollment] = programmes.enroll_pupils(
        teacher, programme, [pupil], intended_field=FieldOfStudy.MEDICINE, now=NOW
    )
    programmes.withdraw(teacher, enrollment, reason="Emma moves to Bergen", now=NOW)
    pupil.left_school_on = date(2027, 6, 20)
    programmes.record_alumni_outcome(
        coordinator,
        pupil,
        field=FieldOfStudy.MEDICINE,
        institution="University of Bergen",
        study="Medicine",
        reported_on=date(2026, 9, 1),
        now=NOW,
    )
    db.session.commit()
    return school, teacher, coordinator, pupil, programme


def test_the_export_holds_everything_about_the_pupil(world):
    *_, pupil, _ = world
    data = services.export_pupil(pupil.id)
    assert data["pupil"]["name"] == "Emma Hansen"
    assert data["pupil"]["birth_date"] == "2010-05-17"
    assert data["account"]["email"] == "emma@example.org"
    assert data["guardians"][0]["email"] == "kari@example.org"
    assert data["consents"][0]["note"] == "Signed at the parents' evening"
    assert data["programme_enrollments"][0]["withdrawal_reason"] == "Emma moves to Bergen"
    assert data["alumni_outcomes"][0]["institution"] == "University of Bergen"
    actions = {event["action"] for event in data["history"]}
    assert {"guardian.create", "consent.give", "enrollment.apply", "alumni.outcome"} <= actions
    json.dumps(data)  # every value is JSON


def test_registered_sections_and_steps_are_used(world):
    *_, pupil, _ = world
    seen = []

    @register_export_section("lab_visits")
    def visits(student):
        return [{"site": "Oslo Cancer Cluster Incubator"}]

    @register_erasure_step
    def forget(student, now):
        seen.append((student.id, now))

    try:
        assert services.export_pupil(pupil.id)["lab_visits"] == [
            {"site": "Oslo Cancer Cluster Incubator"}
        ]
        services.erase_pupil(None, pupil, reason="request", now=NOW)
    finally:
        _SECTIONS.pop("lab_visits")
        _STEPS.pop(f"{forget.__module__}.{forget.__qualname__}")
    assert seen == [(pupil.id, NOW)]


def test_erasing_anonymises_keeps_counts_and_audits(world):
    _, _, coordinator, pupil, programme = world
    account = pupil.user
    services.erase_pupil(coordinator, pupil, reason="request", now=NOW)
    db.session.commit()

    assert pupil.name == f"Erased pupil #{pupil.id}"
    assert pupil.birth_date == date(2010, 7, 1)
    assert pupil.erased_at == NOW and pupil.user_id is None
    assert account.email.endswith("@erased.invalid") and not account.is_active
    assert account.name == "Erased user" and account.password_hash is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Guardian)) == 0
    consent = db.session.scalars(sa.select(Consent)).one()
    assert (consent.kind, consent.given_by, consent.note) == (ConsentKind.PROGRAMME, "", "")
    enrollment = db.session.scalars(sa.select(ProgrammeEnrollment)).one()
    assert enrollment.state is EnrollmentState.WITHDRAWN and enrollment.withdrawal_reason == ""
    assert enrollment.intended_field_at_start is FieldOfStudy.MEDICINE
    assert pupil.alumni_outcomes[0].institution == ""
    summary = programmes.outcome_summary(programme, coordinator)
    assert summary["alumni"][FieldOfStudy.MEDICINE] == 0  # withdrawn: not counted either way

    events = db.session.scalars(sa.select(AuditEvent)).all()
    text = json.dumps([[e.object_label, e.before, e.after] for e in events])
    assert "Emma" not in text and "Kari" not in text and "Bergen" not in text
    erasure = [e for e in events if e.action == "pupil.erase"]
    assert len(erasure) == 1 and erasure[0].actor_id == coordinator.id
    reminders = db.session.scalars(sa.select(Notification)).all()
    assert reminders and all(r.state is NotificationState.CANCELLED for r in reminders)
    assert all("Emma" not in json.dumps(r.context) for r in reminders)


def test_an_erased_pupil_cannot_be_erased_twice(world):
    *_, pupil, _ = world
    services.erase_pupil(None, pupil, reason="request", now=NOW)
    with pytest.raises(AlreadyDone, match="already erased"):
        services.erase_pupil(None, pupil, reason="request", now=NOW)
    erasures = sa.select(sa.func.count()).where(AuditEvent.action == "pupil.erase")
    assert db.session.scalar(erasures) == 1


def test_ten_erasures_at_once_erase_once(app, world):
    *_, pupil, _ = world
    pupil_id = pupil.id
    db.session.commit()
    db.session.close()  # on SQLite even a read here would hold the write lock

    def erase():
        services.erase_pupil(None, db.session.get(Student, pupil_id), reason="request", now=NOW)

    assert repeated(app, erase) == ["AlreadyDone"] * (THREADS - 1) + ["ok"]
    erasures = sa.select(sa.func.count()).where(AuditEvent.action == "pupil.erase")
    assert db.session.scalar(erasures) == 1


def test_retention_dry_run_and_job(app, world, make):
    *_, pupil, _ = world
    other = make.student(pupil.school_class, "Jonas Berg")
    other.left_school_on = date(2025, 6, 20)
    db.session.commit()
    at = datetime(2030, 6, 19, 12, 0, tzinfo=UTC)
    assert services.retention_cutoff(at, 3) == date(2027, 6, 19)
    due = db.session.scalars(services.retention_due_query(at, 3)).all()
    assert due == [other]  # Emma left 20 June 2027: one day to go

    assert jobs.apply_retention(at) == 1
    assert jobs.apply_retention(at) == 0  # nothing twice
    db.session.expire_all()
    assert other.erased_at is not None and pupil.erased_at is None

    app.config["RETENTION_YEARS_AFTER_LEAVING"] = 1
    assert jobs.apply_retention(at) == 1
    db.session.expire_all()
    assert pupil.erased_at is not None
    assert db.session.scalars(
        sa.select(AuditEvent.actor_id).where(AuditEvent.action == "pupil.erase")
    ).all() == [None, None]


def test_retention_on_29_february():
    assert services.retention_cutoff(datetime(2028, 2, 29, 12, tzinfo=UTC), 3) == date(2025, 2, 28)


# Pages ---------------------------------------------------------------------------------------


def test_the_readable_export_and_the_json_download(client, login, world):
    _, _, coordinator, pupil, _ = world
    login(coordinator)
    page = client.get(f"/privacy/pupils/{pupil.id}").get_data(as_text=True)
    assert "kari@example.org" in page and "Emma moves to Bergen" in page
    response = client.post(f"/privacy/pupils/{pupil.id}/export.json")
    assert response.mimetype == "application/json"
    assert response.get_json()["pupil"]["name"] == "Emma Hansen"
    assert "attachment" in response.headers["Content-Disposition"]
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "pupil.export")
        )
        == 1
    )


def test_erasing_through_the_page_needs_confirmation(client, login, world):
    _, _, coordinator, pupil, _ = world
    login(coordinator)
    response = client.post(f"/privacy/pupils/{pupil.id}/erase", data={})
    assert "Tick the box to confirm." in response.get_data(as_text=True)
    response = client.post(f"/privacy/pupils/{pupil.id}/erase", data={"confirm": "y"})
    assert response.status_code == 302
    db.session.refresh(pupil)
    assert pupil.erased_at is not None


def test_teachers_have_no_privacy_pages(client, login, world):
    _, teacher, _, pupil, _ = world
    login(teacher)
    assert client.get("/privacy/").status_code == 403
    assert client.get(f"/privacy/pupils/{pupil.id}").status_code == 403
    assert (
        client.post(f"/privacy/pupils/{pupil.id}/erase", data={"confirm": "y"}).status_code == 403
    )


def test_the_retention_page_is_a_dry_run_until_asked(client, login, world, app):
    _, _, coordinator, pupil, _ = world
    pupil.left_school_on = date(2020, 6, 20)
    db.session.commit()
    login(coordinator)
    page = client.get("/privacy/?q=emma").get_data(as_text=True)
    assert 'data-testid="retention-due"' in page and "Emma Hansen" in page
    db.session.refresh(pupil)
    assert pupil.erased_at is None
    client.post("/privacy/retention/run")
    db.session.refresh(pupil)
    assert pupil.erased_at is not None
    page = client.get("/privacy/").get_data(as_text=True)
    assert 'data-testid="retention-none"' in page


def test_the_retention_command(runner, world):
    *_, pupil, _ = world
    pupil.left_school_on = date(2020, 6, 20)
    db.session.commit()
    result = runner.invoke(args=["privacy", "retention"])
    assert result.exit_code == 0, result.output
    assert "1 pupil(s) due." in result.output and "Dry run" in result.output
    assert "Emma" not in result.output  # the report names no one
    result = runner.invoke(args=["privacy", "retention", "--apply"])
    assert "1 pupil(s) anonymised." in result.output
    db.session.refresh(pupil)
    assert pupil.erased_at is not None
