"""The report's filter finds schools, hosts and programmes by name without listing them all, and
long tables show their first rows with the rest in the CSV file and the full report."""

from __future__ import annotations

import re
from html import unescape

from talent.extensions import db
from talent.people.models import OrganizationKind
from talent.reports import views
from talent.reports.choices import MAX_CANDIDATES
from tests.reports import world as world_module
from tests.reports.test_views import MAX_QUERIES, raw_csv_rows, table_numbers, text

YEAR = world_module.YEAR


def scope(html: str) -> str:
    found = re.search(r'data-testid="report-scope">(.*?)</p>', html, re.S).group(1)
    return " ".join(unescape(found).split())


def candidates(html: str, kind: str) -> dict[str, str]:
    """Name → link of the candidates offered for one filter."""
    block = re.search(rf'data-testid="candidates-{kind}">(.*?)</div>', html, re.S).group(1)
    return {
        unescape(name): unescape(link)
        for link, name in re.findall(r'<a href="([^"]+)">([^<]+)</a>', block)
    }


def test_the_filter_lists_no_school_host_or_programme(client, world, coordinator, make):
    for number in range(30):
        make.organization(f"School {number}", OrganizationKind.SCHOOL)
        make.organization(f"Company {number}", OrganizationKind.COMPANY)
    db.session.commit()
    html = text(client.get(f"/reports/?year={YEAR}"))
    form = re.search(r'<form method="get".*?</form>', html, re.S).group(0)
    assert form.count("<option") == len(re.findall(r"\d{4}/\d\d", form))  # the years only
    assert "School 1" not in form and "Company 1" not in form
    assert 'name="school_name" value=""' in form


def test_a_name_typed_in_part_picks_the_one_school_it_matches(client, world, coordinator):
    response = client.get(f"/reports/?year={YEAR}&school_name=ULLERN&host_name=&programme_name=")
    assert response.status_code == 200
    html = text(response)
    assert "School: Ullern." in scope(html)
    assert f'name="school" value="{world.ullern.id}"' in html
    assert 'name="school_name" value="Ullern"' in html
    assert 'data-testid="not-applicable-courses"' in html  # as with the school's number
    assert f"/reports/reach.csv?year={YEAR}&amp;school={world.ullern.id}" in html


def test_a_name_matching_several_offers_them_and_no_report_yet(client, world, coordinator, make):
    make.organization("Ullern videregående skole", OrganizationKind.SCHOOL)
    db.session.commit()
    response = client.get(f"/reports/?year={YEAR}&school_name=ller&host_name=nanovector")
    assert response.status_code == 200
    html = text(response)
    assert 'data-testid="report-choose"' in html
    assert 'data-testid="section-reach"' not in html
    offered = candidates(html, "school")
    assert list(offered) == ["Ullern", "Ullern videregående skole"]
    response = client.get(f"/reports/reach.csv?year={YEAR}&school_name=ller")
    assert response.status_code == 400
    assert "Several names match what was typed" in text(response)
    chosen = text(client.get(offered["Ullern"]))
    assert "School: Ullern; Host organisation: Nordic Nanovector." in scope(chosen)


def test_an_exact_name_wins_over_longer_ones(client, world, coordinator, make):
    for number in range(MAX_CANDIDATES + 5):
        make.organization(f"Ullern {number:02d}", OrganizationKind.SCHOOL)
    db.session.commit()
    assert "School: Ullern." in scope(text(client.get(f"/reports/?year={YEAR}&school_name=ullern")))
    html = text(client.get(f"/reports/?year={YEAR}&school_name=ullern 0"))
    assert len(candidates(html, "school")) == 10
    html = text(client.get(f"/reports/?year={YEAR}&school_name=ullern "))  # trimmed: exact
    assert "School: Ullern." in scope(html)
    html = text(client.get(f"/reports/?year={YEAR}&school_name=llern"))
    assert len(candidates(html, "school")) == MAX_CANDIDATES
    assert "More match than are listed: type more of the name." in html


def test_a_name_matching_nothing_says_so(client, world, coordinator):
    response = client.get(f"/reports/?year={YEAR}&host_name=Ullern")  # a school, not a host
    assert response.status_code == 400
    html = text(response)
    assert "No host organisation&#39;s name contains “Ullern”." in html
    assert 'data-testid="report-problem"' in html
    response = client.get(f"/reports/visits.csv?year={YEAR}&school_name=100%")
    assert response.status_code == 400
    assert "No school's name contains “100%”." in text(response)


def test_another_name_replaces_the_chosen_number_and_an_empty_one_clears_it(
    client, world, coordinator
):
    base = f"/reports/?year={YEAR}&school={world.ullern.id}"
    assert "School: Ullern." in scope(text(client.get(base)))
    assert "School: Ullern." in scope(text(client.get(f"{base}&school_name=ullern")))
    assert "School: Hauge." in scope(text(client.get(f"{base}&school_name=Hau")))
    html = text(client.get(f"{base}&school_name="))
    assert "All schools, host organisations and programmes." in scope(html)
    assert 'name="school"' not in html


def test_programmes_are_found_in_the_chosen_school_year(client, world, coordinator):
    html = text(client.get(f"/reports/?year={YEAR}&programme_name=ullern talent"))
    assert "Talent programme: Ullern talent programme 2025/26." in scope(html)
    assert f'name="programme" value="{world.programme.id}"' in html
    html = text(client.get(f"/reports/?year={YEAR - 1}&programme_name=ullern talent"))
    assert f'name="programme" value="{world.old_programme.id}"' in html
    response = client.get(f"/reports/?year={YEAR + 1}&programme_name=ullern talent")
    assert response.status_code == 400
    assert "No talent programme of 2026/27 has a name containing" in text(response)
    # A programme's number is taken whatever its year.
    html = text(client.get(f"/reports/?year={YEAR}&programme={world.old_programme.id}"))
    assert "Talent programme: Ullern talent programme 2024/25." in scope(html)


def test_names_typed_cost_a_query_each(client, world, coordinator, count_queries):
    client.get(f"/reports/?year={YEAR}")
    with count_queries() as plain:
        client.get(f"/reports/?year={YEAR}")
    typed = "school_name=Ullern&host_name=Nordic&programme_name=Ullern"
    client.get(f"/reports/?year={YEAR}&{typed}")
    with count_queries() as searched:
        assert client.get(f"/reports/?year={YEAR}&{typed}").status_code == 200
    assert searched.count == plain.count + 3
    assert searched.count <= MAX_QUERIES, searched.statements


def test_long_tables_show_the_busiest_rows_first_and_the_rest_on_request(
    client, world, coordinator, monkeypatch
):
    world.company.name = "Zeta Labs"  # busiest, though last by name
    db.session.commit()
    monkeypatch.setattr(views, "MAX_ROWS_SHOWN", 1)
    counted = text(client.get(f"/reports/?year={YEAR}"))
    html = text(client.get(f"/reports/?year={YEAR}"))  # from the snapshot
    for page in (counted, html):
        assert list(table_numbers(page, "hosts")) == ["Zeta Labs"]
        assert "1 more row is left off here; the CSV file and the full report have it." in page
    link = re.search(r'href="([^"]+)" data-testid="all-rows-hosts"', html).group(1)
    full = text(client.get(unescape(link)))
    assert list(table_numbers(full, "hosts")) == ["Zeta Labs", "Radiumhospitalet"]
    assert 'data-testid="left-off-hosts"' not in full
    rows = raw_csv_rows(client.get(f"/reports/hosts.csv?year={YEAR}"))
    assert [row[0] for row in rows[1:]] == ["Zeta Labs", "Radiumhospitalet"]
    assert list(table_numbers(html, "visits"))[-1] == "Host organisations involved"
