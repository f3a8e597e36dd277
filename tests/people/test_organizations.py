"""The organisation screens: list, filters, create and edit, with their audit events."""

from __future__ import annotations

import sqlalchemy as sa

from talent.audit.models import AuditEvent
from talent.extensions import db
from talent.people.models import Organization, OrganizationKind, Role

NEW = "/admin/organisations/new"


def _form(**fields) -> dict:
    data = {
        "name": "Oslo Cancer Cluster",
        "kind": "cluster",
        "city": "Oslo",
        "website": "https://oslocancercluster.no",
        "is_active": "y",
    }
    data.update(fields)
    return {key: value for key, value in data.items() if value is not None}


def _organizations() -> list[Organization]:
    return list(db.session.scalars(sa.select(Organization).order_by(Organization.id)))


def test_admin_creates_an_organisation_and_it_is_audited(client, admin):
    response = client.post(NEW, data=_form())

    assert response.status_code == 302
    assert response.headers["Location"].endswith("/admin/organisations")
    [organization] = _organizations()
    assert (organization.name, organization.kind, organization.city) == (
        "Oslo Cancer Cluster",
        OrganizationKind.CLUSTER,
        "Oslo",
    )
    event = db.session.scalar(
        sa.select(AuditEvent).where(AuditEvent.action == "organization.create")
    )
    assert event.actor_id == admin.id
    assert event.object_id == organization.id
    assert event.after["name"] == "Oslo Cancer Cluster"
    page = client.get("/admin/organisations").get_data(as_text=True)
    assert "Oslo Cancer Cluster" in page
    assert "<caption>" in page


def test_coordinator_edits_an_organisation(client, make, coordinator):
    organization = make.organization("Nordic Nanovector", city="Oslo")
    db.session.commit()
    url = f"/admin/organisations/{organization.id}"

    page = client.get(url).get_data(as_text=True)
    assert 'value="Nordic Nanovector"' in page

    response = client.post(
        url, data=_form(name="Nordic Nanovector ASA", kind="company", city="Bergen", is_active=None)
    )

    assert response.status_code == 302
    db.session.refresh(organization)
    assert organization.name == "Nordic Nanovector ASA"
    assert organization.city == "Bergen"
    assert organization.is_active is False
    event = db.session.scalar(
        sa.select(AuditEvent).where(AuditEvent.action == "organization.update")
    )
    assert event.actor_id == coordinator.id
    assert event.before["city"] == "Oslo" and event.after["city"] == "Bergen"
    assert event.before["is_active"] is True and event.after["is_active"] is False


def test_duplicate_name_in_another_letter_case_is_refused_by_the_field(client, make, admin):
    make.organization("Oslo Cancer Cluster")
    db.session.commit()

    response = client.post(NEW, data=_form(name="OSLO cancer CLUSTER"))

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'id="name-error"' in page
    assert "An organisation with this name already exists." in page
    assert 'value="OSLO cancer CLUSTER"' in page  # what was typed is kept
    assert len(_organizations()) == 1


def test_renaming_onto_another_name_is_refused_but_keeping_ones_own_name_is_fine(
    client, make, admin
):
    make.organization("Radiumhospitalet")
    other = make.organization("Karolinska Institutet", kind=OrganizationKind.UNIVERSITY)
    db.session.commit()
    url = f"/admin/organisations/{other.id}"

    refused = client.post(url, data=_form(name="radiumhospitalet", kind="hospital"))
    assert "An organisation with this name already exists." in refused.get_data(as_text=True)

    kept = client.post(
        url, data=_form(name="Karolinska Institutet", kind="university", city="Solna")
    )
    assert kept.status_code == 302


def test_over_long_fields_get_messages_and_nothing_is_saved(client, admin):
    response = client.post(
        NEW,
        data=_form(name="N" * 201, city="C" * 101, website="https://example.org/" + "w" * 290),
    )

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    for field in ("name", "city", "website"):
        assert f'id="{field}-error"' in page
    assert _organizations() == []


def test_website_must_be_a_web_address(client, admin):
    for website in ("javascript://example.org/%0Aalert(1)", "not a url", "ftp://example.org"):
        response = client.post(NEW, data=_form(website=website))
        assert 'id="website-error"' in response.get_data(as_text=True), website
    assert _organizations() == []


def test_missing_or_forged_kind_gets_a_message(client, admin):
    response = client.post(NEW, data=_form(kind="spaceport"))
    assert 'id="kind-error"' in response.get_data(as_text=True)
    response = client.post(NEW, data=_form(kind=None))
    assert 'id="kind-error"' in response.get_data(as_text=True)
    assert _organizations() == []


def test_html_in_a_name_is_escaped(client, admin):
    client.post(NEW, data=_form(name="<script>alert('x')</script> AS"))

    for url in ("/admin/organisations", f"/admin/organisations/{_organizations()[0].id}"):
        page = client.get(url).get_data(as_text=True)
        assert "<script>alert(" not in page
        assert "&lt;script&gt;alert(" in page


def test_forged_organisation_id_is_404(client, admin):
    assert client.get("/admin/organisations/987654").status_code == 404
    assert client.post("/admin/organisations/987654", data=_form()).status_code == 404


def test_people_without_the_permission_get_403(client, make, login):
    teacher = make.user(Role.TEACHER)
    db.session.commit()
    login(teacher)
    assert client.get("/admin/organisations").status_code == 403
    assert client.post(NEW, data=_form()).status_code == 403
    assert _organizations() == []


def test_list_filters_by_kind_and_name_and_paginates(client, make, admin):
    for number in range(30):
        make.organization(f"Company {number:02d}")
    make.school("Ullern videregående skole")
    make.organization("Oslo universitetssykehus", kind=OrganizationKind.HOSPITAL)
    db.session.commit()

    first = client.get("/admin/organisations").get_data(as_text=True)
    assert "Company 24" in first and "Company 25" not in first  # 25 a page, sorted by name
    assert "Page 1 of 2" in first
    second = client.get("/admin/organisations?page=2").get_data(as_text=True)
    assert "Company 25" in second and "Ullern" in second and "Company 24" not in second

    schools = client.get("/admin/organisations?kind=school").get_data(as_text=True)
    assert "Ullern" in schools and "Company 01" not in schools

    found = client.get("/admin/organisations?q=SYKEHUS").get_data(as_text=True)
    assert "Oslo universitetssykehus" in found and "Company 0" not in found

    # LIKE wildcards are taken literally.
    assert "No organisations match." in client.get("/admin/organisations?q=%25").get_data(
        as_text=True
    )


def test_bad_filter_values_give_messages_not_errors(client, make, admin):
    make.organization("Nordic Nanovector")
    db.session.commit()

    for query in (
        "kind=spaceport",
        "page=abc",
        "page=-3",
        "page=99999999999999999999999",
        "q=" + "x" * 300,
    ):
        response = client.get(f"/admin/organisations?{query}")
        assert response.status_code == 200, query
    page = client.get("/admin/organisations?kind=spaceport").get_data(as_text=True)
    assert 'id="kind-error"' in page
    assert "Nordic Nanovector" in page  # the bad filter is ignored


def test_list_query_count_does_not_grow_with_data(client, make, admin, count_queries):
    def count() -> int:
        db.session.commit()
        with count_queries() as counter:
            assert client.get("/admin/organisations").status_code == 200
        return counter.count

    make.organization()
    small = count()
    for _ in range(20):
        make.organization()
    assert count() == small
