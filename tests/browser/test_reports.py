"""In a real browser: a coordinator opens the impact report, switches to another school year,
sees the charts drawn, downloads a table as CSV, finds the page's numbers in it, and narrows
the report to one school and one host by typing part of their names."""

from __future__ import annotations

import csv
import io

import pytest
from playwright.sync_api import expect

from talent.extensions import db
from talent.people.models import Role
from tests.reports import world as world_module
from tests.reports.test_views import csv_number, page_number

pytestmark = pytest.mark.browser

YEAR = world_module.YEAR


def painted_pixels(page, selector: str) -> int:
    """Pixels of the canvas that are not transparent: 0 for a chart never drawn."""
    return page.eval_on_selector(
        selector,
        """canvas => {
            const context = canvas.getContext("2d");
            const data = context.getImageData(0, 0, canvas.width, canvas.height).data;
            let painted = 0;
            for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) painted++;
            return painted;
        }""",
    )


def table_rows(page, section: str) -> dict[str, list[str]]:
    rows = page.eval_on_selector_all(
        f"#table-{section} tbody tr",
        "rows => rows.map(r => Array.from(r.cells).map(c => c.textContent.trim()))",
    )
    return {row[0]: row[1:] for row in rows}


def test_coordinator_switches_year_sees_charts_and_downloads_csv(page, browser_user, log_in_as):
    world_module.build()
    db.session.commit()
    coordinator = browser_user(Role.COORDINATOR, name="Cora Coordinator", language="en")
    log_in_as(page, coordinator)

    page.click("nav >> text=Reports")
    expect(page.get_by_test_id("report-title")).to_contain_text("Impact report")
    assert page.locator("#year").input_value() != str(YEAR)

    page.select_option("#year", str(YEAR))
    with page.expect_navigation():
        page.click("[data-testid=report-filter] button")
    expect(page.get_by_test_id("report-title")).to_have_text("Impact report 2025/26")

    for section in ("reach", "visits", "programmes", "feedback"):
        chart = f'canvas[data-chart-table="table-{section}"]'
        expect(page.locator(chart)).to_have_attribute("data-rendered", "yes")
        assert painted_pixels(page, chart) > 500, section

    on_page = table_rows(page, "visits")
    assert on_page["Lab visits held"] == ["1", "3", "+2"]

    with page.expect_download() as download_info:
        page.get_by_test_id("csv-visits").click()
    download = download_info.value
    assert download.suggested_filename == f"talent-report-{YEAR}-visits.csv"
    with open(download.path(), encoding="utf-8-sig", newline="") as file:
        header, *rows = list(csv.reader(io.StringIO(file.read())))
    assert header[1:3] == ["2025/26", "2024/25"]
    assert len(rows) == len(on_page)
    for label, current, previous, change, _definition in rows:
        cells = [csv_number(previous), csv_number(current), csv_number(change)]
        assert [page_number(cell) for cell in on_page[label]] == cells, label

    page.fill("#school_name", "uller")
    with page.expect_navigation():
        page.press("#school_name", "Enter")
    expect(page.get_by_test_id("report-scope")).to_contain_text("School: Ullern.")
    expect(page.locator("#school_name")).to_have_value("Ullern")
    expect(page.get_by_test_id("not-applicable-courses")).to_be_visible()

    page.fill("#host_name", "o")  # in both hosts' names
    with page.expect_navigation():
        page.click("[data-testid=report-filter] button")
    expect(page.get_by_test_id("report-choose")).to_be_visible()
    with page.expect_navigation():
        page.get_by_test_id("candidates-host").get_by_role("link", name="Radiumhospitalet").click()
    expect(page.get_by_test_id("report-scope")).to_contain_text(
        "School: Ullern; Host organisation: Radiumhospitalet."
    )
