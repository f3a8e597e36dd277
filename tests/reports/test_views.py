"""The report page and its CSV downloads: definitions on the page, bounded queries, safe CSV
files with the page's numbers, and clear answers to bad parameters."""

from __future__ import annotations

import csv
import io
import re

import pytest
import sqlalchemy as sa

from talent.extensions import db
from talent.people.models import OrganizationKind, Role
from talent.reports.definitions import MEASURES, SECTIONS
from talent.reports.models import ReportSnapshot
from talent.web.csv_export import unescape_cell
from tests.reports import world as world_module
from tests.support.csv_files import HOSTILE_NAME, LANGUAGES, read_csv

YEAR = world_module.YEAR
MAX_QUERIES = 15


def text(response) -> str:
    return response.get_data(as_text=True)


def table_numbers(html: str, section: str) -> dict[str, list[str]]:
    """Row header → the cells (previous, current, change) of one table on the page."""
    table = re.search(rf'<table[^>]*id="table-{section}".*?</table>', html, re.S).group(0)
    rows = {}
    for row in re.findall(r"<tr data-key.*?</tr>", table, re.S):
        header = re.sub(r"<[^>]+>", "", re.search(r"<th.*?</th>", row, re.S).group(0)).strip()
        cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td.*?</td>", row, re.S)]
        rows[header] = cells
    return rows


def csv_rows(response) -> list[list[str]]:
    """The cells as a spreadsheet shows them (a leading apostrophe only marks text)."""
    body = text(response).lstrip("\ufeff")
    return [[unescape_cell(cell) for cell in row] for row in csv.reader(io.StringIO(body))]


def raw_csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text(response).lstrip("\ufeff"))))


def test_the_page_shows_every_definition_and_the_years(client, world, coordinator):
    response = client.get(f"/reports/?year={YEAR}")
    assert response.status_code == 200
    html = text(response)
    assert "2025/26" in html and "2024/25" in html
    for measure in MEASURES.values():
        assert str(measure.definition) in html, measure.label
    for section in SECTIONS.values():
        assert str(section.title) in html
    assert html.count("<caption>") >= 8
    assert 'scope="row"' in html and 'scope="col"' in html


def test_thepage_numbers_are_the_counted_ones(client, world, coordinator):
    html = text(client.get(f"/reports/?year={YEAR}"))
    visits = table_numbers(html, "visits")
    assert visits["Lab visits held"] == ["1", "3", "+2"]
    assert visits["No-show rate"] == ["0.0 %", "25.0 %", "+25.0 pp"]
    reach = table_numbers(html, "reach")
    assert reach["Pupils reached"] == ["2", "8", "+6"]


def _grow(times: int) -> None:
    for number in range(times):
        world_module.build(tag=f" {number}")
    db.session.commit()


def forget_snapshots() -> None:
    """The next page counts its figures afresh (a cold page)."""
    db.session.execute(sa.delete(ReportSnapshot))
    db.session.commit()


def test_the_page_runs_a_bounded_number_of_queries(client, world, coordinator, count_queries):
    """Counted cold: no snapshot, every section counted and the snapshot stored."""
    db.session.commit()
    with count_queries() as small:
        assert client.get(f"/reports/?year={YEAR}").status_code == 200
    _grow(3)
    forget_snapshots()
    with count_queries() as large:
        html = text(client.get(f"/reports/?year={YEAR}"))
    assert table_numbers(html, "reach")["Pupils reached"][1] == "32"  # four worlds of 8
    assert small.count == large.count
    assert large.count <= MAX_QUERIES, large.statements
    assert any("report_snapshots" in s and "INSERT" in s for s in large.statements)
    with count_queries() as filtered:
        client.get(f"/reports/?year={YEAR}&school={world.ullern.id}&host={world.company.id}")
    assert filtered.count <= MAX_QUERIES


@pytest.mark.parametrize("section", list(SECTIONS))
def test_every_table_downloads_with_the_numbers_of_the_page(client, world, coordinator, section):
    html = text(client.get(f"/reports/?year={YEAR}"))
    response = client.get(f"/reports/{section}.csv?year={YEAR}")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert f"talent-report-{YEAR}-{section}.csv" in response.headers["Content-Disposition"]
    header, *rows = csv_rows(response)
    assert header[1:4] == ["2025/26", "2024/25", "Change"]
    on_page = table_numbers(html, section)
    assert len(rows) == len(on_page) > 0
    for label, current, previous, change, _definition in rows:
        assert [page_number(cell) for cell in on_page[label]] == [
            csv_number(previous),
            csv_number(current),
            csv_number(change),
        ]


def page_number(text: str) -> float | None:
    """A number as the page shows it ("1,234", "45.3 %", "+2 pp", "−3", "–") as a float."""
    if text == "–":
        return None
    plain = text.replace(" %", "").replace(" pp", "").replace("−", "-").replace("+", "")
    return float(plain.replace(",", "").replace("\xa0", ""))


def csv_number(cell: str) -> float | None:
    return None if cell == "" else float(cell)


def test_csv_cells_cannot_run_as_formulas(client, make, world, coordinator):
    world.hospital.name = '=HYPERLINK("http://evil.example","x")'
    evil = make.organization("@SUM(1+1)", OrganizationKind.COMPANY)
    world.company.name = "-2+3"
    db.session.commit()
    rows = raw_csv_rows(client.get(f"/reports/hosts.csv?year={YEAR}"))
    names = [row[0] for row in rows[1:]]
    assert '\'=HYPERLINK("http://evil.example","x")' in names
    assert "'-2+3" in names
    assert all(not name.startswith(("=", "+", "-", "@", "\t", "\r")) for name in names)
    assert evil.name not in names  # no visits, no row


def test_a_year_without_data_explains_itself(client, world, coordinator):
    response = client.get("/reports/?year=2012")
    assert response.status_code == 200
    html = text(response)
    assert 'data-testid="report-empty"' in html
    assert "Nothing recorded for 2012/13" in html
    assert "Choose another school year" in html


@pytest.mark.parametrize("year", ["99999", "-1", "2008", "abc", "1e9", "99999999999999999999999"])
def test_an_impossible_year_gets_a_clear_message(client, world, coordinator, year):
    response = client.get(f"/reports/?year={year}")
    assert response.status_code == 400
    html = text(response)
    assert "Choose a school year from 2009/10 to" in html
    assert 'data-testid="report-problem"' in html
    csv_response = client.get(f"/reports/visits.csv?year={year}")
    assert csv_response.status_code == 400
    assert "Choose a school year" in text(csv_response)


def test_a_school_of_another_kind_or_unknown_gets_a_clear_message(client, world, coordinator):
    for school in (world.company.id, 987654, "x", "99999999999999999999"):
        response = client.get(f"/reports/?year={YEAR}&school={school}")
        assert response.status_code == 400
        assert "There is no school with that number" in text(response)
    response = client.get(f"/reports/?year={YEAR}&host={world.ullern.id}")
    assert "There is no host organisation with that number" in text(response)


def test_an_unknown_programme_gets_a_clear_message(client, world, coordinator):
    response = client.get(f"/reports/?year={YEAR}&programme=424242")
    assert response.status_code == 400
    assert "There is no talent programme with that number" in text(response)
    assert client.get("/reports/nothing.csv").status_code == 404


def test_courses_say_why_they_are_missing_for_one_school(client, world, coordinator):
    html = text(client.get(f"/reports/?year={YEAR}&school={world.ullern.id}"))
    assert 'data-testid="not-applicable-courses"' in html
    assert "Courses are for researchers and clinicians" in html


def test_only_staff_see_the_report(client, make, login, world):
    login(make.user(Role.TEACHER, organization=world.ullern))
    assert client.get("/reports/").status_code == 403
    assert client.get("/reports/visits.csv").status_code == 403


@pytest.mark.parametrize("language", LANGUAGES)
def test_report_csv_keeps_a_hostile_name_in_one_cell_and_numbers_as_numbers(
    client, world, coordinator, language
):
    world.company.name = HOSTILE_NAME
    coordinator.language = language
    db.session.commit()
    for section in SECTIONS:
        rows = read_csv(client.get(f"/reports/{section}.csv?year={YEAR}"), language)
        assert all(len(row) == 5 for row in rows), section
        for row in rows[1:]:
            for cell in row[1:4]:
                if cell:  # a number, as a spreadsheet in that language reads one
                    float(cell.replace(",", ".") if language == "nb" else cell)
    hosts = read_csv(client.get(f"/reports/hosts.csv?year={YEAR}"), language)
    assert HOSTILE_NAME in [row[0] for row in hosts]
