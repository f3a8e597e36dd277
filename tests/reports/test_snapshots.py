"""Report snapshots: stored figures served while young, recounted when stale or on request,
kept warm by the scheduler, and the same numbers after a trip through JSON."""

from __future__ import annotations

import re
import threading
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from talent.extensions import db
from talent.people.models import Role
from talent.reports.jobs import refresh_report_snapshots
from talent.reports.models import ReportSnapshot
from talent.reports.period import ReportFilter, SchoolYear
from talent.reports.services import build_report
from talent.reports.snapshots import (
    Figures,
    compute_report,
    decode_report,
    encode_report,
    snapshot_key,
    store_report,
    stored_report,
)
from talent.scheduler.jobs import feature_jobs
from talent.schools.models import Student
from tests import factories
from tests.reports import world as world_module
from tests.reports.test_views import table_numbers, text

YEAR = world_module.YEAR
DEFAULT = ReportFilter(SchoolYear(YEAR))
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
MAX_AGE = timedelta(minutes=15)
MAX_WARM_QUERIES = 6


def reached(report) -> int:
    return report.section("reach").rows[0].current


def grow() -> None:
    """A second world: twice the pupils reached (16 this year, 4 the year before)."""
    world_module.build(tag=" more")
    db.session.commit()


def page_reached(client) -> str:
    return table_numbers(text(client.get(f"/reports/?year={YEAR}")), "reach")["Pupils reached"][1]


def age_snapshots(by: timedelta) -> None:
    for snapshot in db.session.scalars(sa.select(ReportSnapshot)):
        snapshot.computed_at -= by
    db.session.commit()


def rows_of(report) -> list:
    return [
        (
            section.key,
            str(section.not_applicable),
            str(section.row_header),
            [
                (r.key, str(r.label), str(r.definition), r.unit, r.current, r.previous)
                + (type(r.current), type(r.previous))
                for r in section.rows
            ],
        )
        for section in report.sections
    ]


# The JSON shape --------------------------------------------------------------------------------


def test_a_report_comes_back_from_json_exactly(world, app):
    filters = [
        DEFAULT,
        ReportFilter(SchoolYear(YEAR), school_id=world.ullern.id),
        ReportFilter(SchoolYear(YEAR), host_id=world.company.id),
        ReportFilter(SchoolYear(YEAR), programme_id=world.programme.id),
        ReportFilter(SchoolYear(2012)),
    ]
    with app.test_request_context():
        for report_filter in filters:
            report = build_report(report_filter)
            again = decode_report(report_filter, encode_report(report))
            assert rows_of(again) == rows_of(report), report_filter
            assert again.is_empty == report.is_empty
    assert snapshot_key(filters[1]) == f"{YEAR}:{world.ullern.id}:-:-"


def test_a_snapshot_of_another_shape_or_broken_counts_as_missing(world):
    store_report(db.session, Figures(build_report(DEFAULT), T0))
    for payload in ('{"format": 0, "sections": []}', "not json", '{"format": 1}'):
        db.session.execute(sa.update(ReportSnapshot).values(payload=payload))
        assert stored_report(db.session, DEFAULT, now=T0, max_age=MAX_AGE) is None


# Served while young, recounted when stale ------------------------------------------------------


def test_a_snapshot_is_served_until_it_is_older_than_the_maximum_age(world):
    assert stored_report(db.session, DEFAULT, now=T0, max_age=MAX_AGE) is None
    store_report(db.session, compute_report(DEFAULT, now=T0))
    db.session.commit()
    grow()

    young = stored_report(db.session, DEFAULT, now=T0 + timedelta(minutes=14), max_age=MAX_AGE)
    assert young.computed_at == T0
    assert reached(young.report) == 8  # the snapshot's figures, not the grown world's 16
    assert stored_report(db.session, DEFAULT, now=T0 + MAX_AGE, max_age=MAX_AGE) is None

    fresh = compute_report(DEFAULT, now=T0 + MAX_AGE)
    assert reached(fresh.report) == 16
    store_report(db.session, fresh)
    found = stored_report(db.session, DEFAULT, now=T0 + MAX_AGE, max_age=MAX_AGE)
    assert found.computed_at == T0 + MAX_AGE and reached(found.report) == 16


def test_an_older_snapshot_never_replaces_a_newer_one(world):
    store_report(db.session, compute_report(DEFAULT, now=T0))
    grow()
    store_report(db.session, compute_report(DEFAULT, now=T0 - timedelta(minutes=1)))
    db.session.commit()
    found = stored_report(db.session, DEFAULT, now=T0, max_age=MAX_AGE)
    assert found.computed_at == T0 and reached(found.report) == 8
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ReportSnapshot)) == 1


def test_two_requests_storing_the_same_report_at_once_both_succeed(world):
    """The second insert waits for the first one's commit, then updates instead of failing."""
    figures = compute_report(DEFAULT, now=T0)
    db.session.commit()
    engine, errors = db.engine, []

    def second():
        try:
            with Session(engine) as session:
                store_report(session, Figures(figures.report, T0 + timedelta(seconds=1)))
                session.commit()
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)

    with Session(db.engine) as first:
        store_report(first, figures)
        thread = threading.Thread(target=second)
        thread.start()
        thread.join(0.3)
        first.commit()
    thread.join(20)
    assert errors == []
    stored = db.session.scalars(sa.select(ReportSnapshot)).all()
    assert [s.computed_at for s in stored] == [T0 + timedelta(seconds=1)]


# The page ---------------------------------------------------------------------------------------


def test_the_page_shows_the_snapshot_until_it_is_stale(client, world, coordinator):
    assert page_reached(client) == "8"
    html = text(client.get(f"/reports/?year={YEAR}"))
    assert re.search(r"Figures as of \d\d:\d\d, refreshed every 15 minutes", html)
    grow()
    assert page_reached(client) == "8"
    csv_body = text(client.get(f"/reports/reach.csv?year={YEAR}"))
    assert '"Pupils reached",8,2' in csv_body
    age_snapshots(by=timedelta(minutes=15))
    assert page_reached(client) == "16"
    assert '"Pupils reached",16,4' in text(client.get(f"/reports/reach.csv?year={YEAR}"))


@pytest.mark.parametrize("app_settings", [{"REPORT_MAX_AGE_MINUTES": 60}])
def test_the_maximum_age_is_a_setting(client, world, coordinator):
    assert page_reached(client) == "8"
    grow()
    age_snapshots(by=timedelta(minutes=30))
    html = text(client.get(f"/reports/?year={YEAR}"))
    assert table_numbers(html, "reach")["Pupils reached"][1] == "8"
    assert "refreshed every 60 minutes" in html
    age_snapshots(by=timedelta(minutes=30))
    assert page_reached(client) == "16"


def test_recompute_now_counts_again_and_keeps_the_filters(client, world, coordinator):
    url = f"/reports/?year={YEAR}&school={world.ullern.id}"
    before = table_numbers(text(client.get(url)), "reach")["Pupils reached"][1]
    extra = world_module.build(tag=" extra")
    db.session.execute(
        sa.update(Student)
        .where(Student.school_id == extra.ullern.id)
        .values(school_id=world.ullern.id)
    )
    db.session.commit()
    counted = reached(build_report(ReportFilter(SchoolYear(YEAR), school_id=world.ullern.id)))
    assert table_numbers(text(client.get(url)), "reach")["Pupils reached"][1] == before
    response = client.post(f"/reports/recompute?year={YEAR}&school={world.ullern.id}")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(url)
    html = text(client.get(url))
    assert "The figures were counted again just now." in html
    assert table_numbers(html, "reach")["Pupils reached"][1] == str(counted) != before


def test_recompute_with_bad_filters_only_goes_back_to_the_page(client, world, coordinator):
    response = client.post("/reports/recompute?year=abc")
    assert response.status_code == 302
    assert client.get(response.headers["Location"]).status_code == 400
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ReportSnapshot)) == 0


@pytest.mark.parametrize("app_settings", [{"WTF_CSRF_ENABLED": True}])
def test_recompute_now_needs_the_csrf_token(client, world, make):
    user = make.user(Role.COORDINATOR)
    db.session.commit()
    login_page = text(client.get("/login"))
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login_page).group(1)
    client.post(
        "/login", data={"email": user.email, "password": factories.PASSWORD, "csrf_token": token}
    )
    page = text(client.get(f"/reports/?year={YEAR}"))
    grow()
    assert client.post(f"/reports/recompute?year={YEAR}").status_code == 400
    assert page_reached(client) == "8"
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post(f"/reports/recompute?year={YEAR}", data={"csrf_token": token})
    assert response.status_code == 302
    assert page_reached(client) == "16"


def test_a_page_from_a_snapshot_runs_few_queries(client, world, coordinator, count_queries):
    client.get(f"/reports/?year={YEAR}")
    with count_queries() as warm:
        assert client.get(f"/reports/?year={YEAR}").status_code == 200
    assert warm.count <= MAX_WARM_QUERIES, warm.statements
    with count_queries() as csv_queries:
        assert client.get(f"/reports/visits.csv?year={YEAR}").status_code == 200
    assert csv_queries.count <= MAX_WARM_QUERIES, csv_queries.statements


# The scheduler ----------------------------------------------------------------------------------


def test_the_job_refreshes_this_years_and_last_years_report(client, world, coordinator):
    assert "report-snapshots" in {job.name for job in feature_jobs()}
    now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # school year 2025/26
    assert refresh_report_snapshots(now) == 2
    keys = set(db.session.scalars(sa.select(ReportSnapshot.key)))
    assert keys == {f"{YEAR}:-:-:-", f"{YEAR - 1}:-:-:-"}
    grow()
    later = datetime.now(UTC)
    refresh_report_snapshots(later)
    found = stored_report(db.session, DEFAULT, now=later, max_age=MAX_AGE)
    assert found.computed_at == later and reached(found.report) == 16
    assert page_reached(client) == "16"


def test_the_job_deletes_the_snapshots_too_old_to_be_served(world):
    for year, age in ((2015, MAX_AGE + timedelta(days=30)), (2016, MAX_AGE), (2017, MAX_AGE / 2)):
        report = ReportFilter(SchoolYear(year), school_id=world.ullern.id)
        store_report(db.session, compute_report(report, now=T0 - age))
    db.session.commit()
    refresh_report_snapshots(T0)
    keys = set(db.session.scalars(sa.select(ReportSnapshot.key)))
    assert keys == {f"2017:{world.ullern.id}:-:-", f"{YEAR}:-:-:-", f"{YEAR - 1}:-:-:-"}
