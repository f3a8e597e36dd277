"""The audit log page: who did what when, filters, the before/after table."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from talent.audit.services import record_event
from talent.extensions import db
from talent.people import services
from talent.people.models import OrganizationKind, Role

T0 = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def _table(response) -> str:
    assert response.status_code == 200
    return response.get_data(as_text=True).partition('data-testid="audit-events"')[2]


def test_staff_read_the_log_and_others_do_not(client, make, login):
    mentor = make.user(Role.MENTOR)
    db.session.commit()
    assert client.get("/audit/").status_code == 302  # to the login page
    login(mentor)
    assert client.get("/audit/").status_code == 403


def test_events_show_who_what_when_newest_first_with_a_readable_diff(client, make, coordinator):
    school = make.school("Ullern videregående skole")
    tora = make.user(Role.TEACHER, name="Tora", email="tora@example.org")
    services.update_user(
        coordinator,
        tora,
        name="Tora Berg",
        email=tora.email,
        organization=school,
        roles={Role.TEACHER, Role.MENTOR},
        now=T0,
    )
    services.set_user_active(coordinator, tora, False, now=T0 + timedelta(hours=1))
    db.session.commit()

    page = _table(client.get("/audit/"))

    assert page.index("user.deactivate") < page.index("user.update")  # newest first
    assert "Cora Coordinator" in page and "cora@example.org" in page
    assert "10. Mar 2026 13:00" in page  # 12:00 UTC shown in Oslo time
    update = page[page.index("user.update") :]
    for text in ("Name", "Organisation", "Roles", "Before", "After"):
        assert f">{text}<" in update, text
    assert "<del>Tora</del>" in update and "<ins>Tora Berg</ins>" in update
    assert "<ins>Ullern videregående skole</ins>" in update  # the name, not the id
    assert "<del>teacher</del>" in update and "<ins>mentor, teacher</ins>" in update
    assert "<del>—</del>" in update  # no organisation before
    deactivate = page[: page.index("user.update")]
    assert "<del>Yes</del>" in deactivate and "<ins>No</ins>" in deactivate


def test_filters(client, make, admin):
    cora = make.user(Role.COORDINATOR, name="Cora")
    org = services.save_organization(
        cora, None, name="Radiumhospitalet", kind=OrganizationKind.HOSPITAL, now=T0
    )
    services.invite_user(
        admin, email="nora@example.org", name="Nora", roles=[], organization=org, now=T0
    )
    services.invite_user(
        None, email="sys@example.org", name="Sys", roles=[], organization=None, now=T0
    )
    db.session.commit()

    def shown(query: str) -> set[str]:
        page = _table(client.get(f"/audit/?{query}"))
        labels = ("Radiumhospitalet", "nora@", "sys@")
        return {label for label in labels if f"<br>{label}" in page}  # the object column

    assert shown("") == {"Radiumhospitalet", "nora@", "sys@"}
    assert shown(f"actor={cora.id}") == {"Radiumhospitalet"}
    assert shown("actor=system") == {"sys@"}
    assert shown("action=user.invite") == {"nora@", "sys@"}
    assert shown("object_type=Organization") == {"Radiumhospitalet"}
    assert shown("q=RADIUM") == {"Radiumhospitalet"}
    assert shown("q=%25") == set()
    filters = client.get("/audit/").get_data(as_text=True)
    assert '<option value="organization.create">' in filters
    assert '<option value="system">' in filters


@pytest.mark.parametrize(
    ("zone", "on_the_tenth", "on_the_eleventh"),
    [("Europe/Oslo", {"early"}, {"late"}), ("America/New_York", {"early", "late"}, set())],
)
def test_dates_are_days_in_the_users_zone(client, make, admin, zone, on_the_tenth, on_the_eleventh):
    admin.timezone = zone
    record_event(
        admin, "test.early", admin, now=datetime(2026, 3, 10, 22, 30, tzinfo=UTC), label="early"
    )
    record_event(
        admin, "test.late", admin, now=datetime(2026, 3, 10, 23, 30, tzinfo=UTC), label="late"
    )
    db.session.commit()

    def shown(query: str) -> set[str]:
        page = _table(client.get(f"/audit/?{query}"))
        return {label for label in ("early", "late") if f"test.{label}" in page}

    assert shown("date_from=2026-03-10&date_to=2026-03-10") == on_the_tenth
    assert shown("date_from=2026-03-11&date_to=2026-03-11") == on_the_eleventh
    assert shown("date_from=2026-03-10") == {"early", "late"}
    assert shown("date_to=2026-03-09") == set()


@pytest.mark.parametrize(
    "query",
    [
        "date_from=2026-13-45",
        "date_to=yesterday",
        "date_from=0001-01-01",
        "date_to=9999-12-31",
        "date_from=2026-03-01&date_to=2026-02-01",
        "actor=424242",
        "actor=abc",
        "action=user.explode",
        "object_type=Spaceship",
        "q=" + "x" * 300,
        "page=-1",
        "page=zz",
        "page=99999999999999999999999999",
    ],
)
def test_bad_filter_values_give_a_message_not_an_error(client, admin, query):
    record_event(admin, "test.event", admin, now=T0, label="still shown")
    db.session.commit()

    response = client.get(f"/audit/?{query}")

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    if not query.startswith("page="):
        assert "Some filters could not be used" in page
        assert "invalid-feedback" in page
        assert "still shown" in page  # the bad filter is left out, the rest still works


def test_html_in_labels_and_values_is_escaped(client, make, admin):
    evil = "<img src=x onerror=alert(1)>"
    services.save_organization(admin, None, name=evil, kind=OrganizationKind.PARTNER, now=T0)
    db.session.commit()

    page = client.get("/audit/").get_data(as_text=True)

    assert "<img src=x" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


def test_paginates_fifty_a_page(client, admin):
    for minute in range(60):
        record_event(
            admin, "test.event", admin, now=T0 + timedelta(minutes=minute), label=f"e{minute:02d}"
        )
    db.session.commit()

    first = _table(client.get("/audit/?action=test.event"))
    assert "e59" in first and "e10" in first and "e09" not in first
    second = _table(client.get("/audit/?action=test.event&page=2"))
    assert "e09" in second and "e00" in second and "e10" not in second


def test_query_count_does_not_grow_with_data(client, make, admin, count_queries):
    def count() -> int:
        db.session.commit()
        with count_queries() as counter:
            assert client.get("/audit/").status_code == 200
        return counter.count

    def add_events(how_many: int) -> None:
        for number in range(how_many):
            actor = make.user(Role.COORDINATOR)
            organization = make.organization()
            services.invite_user(
                actor,
                email=f"person{organization.id}@example.org",
                name=f"Person {number}",
                roles=[Role.MENTOR],
                organization=organization,
                now=T0,
            )

    add_events(2)
    small = count()
    add_events(20)
    assert count() == small
