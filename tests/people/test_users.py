"""The user screens: list, invite, edit, roles, deactivation, and who may do what."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from talent.audit.models import AuditEvent
from talent.extensions import db
from talent.people.models import Role, User
from tests import factories

INVITE = "/admin/users/invite"


def _invite_form(**fields) -> dict:
    data = {"email": "nora@example.org", "name": "Nora Nilsen", "roles": ["mentor"]}
    data.update(fields)
    return {key: value for key, value in data.items() if value is not None}


def _edit_form(user: User, **fields) -> dict:
    data = {
        "email": user.email,
        "name": user.name,
        "organization_id": str(user.organization_id or ""),
        "roles": [role.value for role in user.roles],
    }
    data.update(fields)
    return data


def _user(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == email))


def _events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)))


def _other_client(app, user: User):
    """A second browser, logged in as ``user``."""
    other = app.test_client()
    response = other.post("/login", data={"email": user.email, "password": factories.PASSWORD})
    assert response.status_code == 302
    assert other.get("/").status_code == 200
    return other


# Listing ----------------------------------------------------------------------------------------


def test_list_filters_by_role_organisation_status_and_text(client, make, admin):
    school = make.school("Ullern videregående skole")
    company = make.organization("Nordic Nanovector")
    make.user(Role.TEACHER, name="Tora Teacher", organization=school)
    make.user(Role.MENTOR, name="Mona Mentor", email="mona@nanovector.no", organization=company)
    make.user(Role.MENTOR, name="Ines Invited", organization=company, password_hash=None)
    make.user(Role.HOST, name="Dag Deactivated", organization=company, is_active=False)
    db.session.commit()

    def names(query: str) -> set[str]:
        page = client.get(f"/admin/users?{query}").get_data(as_text=True)
        page = page.partition('data-testid="users"')[2]  # the table, not the menu bar
        candidates = ["Tora Teacher", "Mona Mentor", "Ines Invited", "Dag Deactivated", "Ada Admin"]
        return {name for name in candidates if name in page}

    assert names("") == {
        "Tora Teacher",
        "Mona Mentor",
        "Ines Invited",
        "Dag Deactivated",
        "Ada Admin",
    }
    assert names("role=mentor") == {"Mona Mentor", "Ines Invited"}
    assert names(f"organization={school.id}") == {"Tora Teacher"}
    assert names("status=invited") == {"Ines Invited"}
    assert names("status=inactive") == {"Dag Deactivated"}
    assert names("status=active") == {"Tora Teacher", "Mona Mentor", "Ada Admin"}
    assert names("q=nobody-has-this") == set()
    assert names("q=NANOVECTOR.no") == {"Mona Mentor"}
    assert names("q=tora") == {"Tora Teacher"}
    assert names(f"role=mentor&status=active&organization={company.id}") == {"Mona Mentor"}


def test_list_paginates(client, make, admin):
    for number in range(30):
        make.user(Role.STUDENT, name=f"Pupil {number:02d}")
    db.session.commit()

    first = client.get("/admin/users?role=student").get_data(as_text=True)
    assert "Pupil 24" in first and "Pupil 25" not in first
    second = client.get("/admin/users?role=student&page=2").get_data(as_text=True)
    assert "Pupil 25" in second and "Pupil 29" in second and "Pupil 24" not in second
    assert "role=student" in second  # the pager keeps the filters


def test_bad_filter_values_give_messages_not_errors(client, admin):
    for query in (
        "role=emperor",
        "organization=abc",
        "organization=424242",
        "status=sleeping",
        "page=x",
        "page=1000000000000000000000",
    ):
        response = client.get(f"/admin/users?{query}")
        assert response.status_code == 200, query
        table = response.get_data(as_text=True).partition('data-testid="users"')[2]
        assert "Ada Admin" in table or "page=" in query, query
    page = client.get("/admin/users?role=emperor&organization=abc").get_data(as_text=True)
    assert 'id="role-error"' in page and 'id="organization-error"' in page


def test_list_query_count_does_not_grow_with_data(client, make, admin, count_queries):
    def count() -> int:
        db.session.commit()
        with count_queries() as counter:
            assert client.get("/admin/users").status_code == 200
        return counter.count

    def add_people(how_many: int) -> None:
        for _ in range(how_many):
            organization = make.organization()
            make.user(Role.MENTOR, Role.RESEARCHER, organization=organization)

    add_people(2)
    small = count()
    add_people(20)
    assert count() == small


# Inviting ---------------------------------------------------------------------------------------


def test_admin_invites_a_person_and_it_is_audited(client, make, admin):
    company = make.organization("Nordic Nanovector")
    db.session.commit()

    response = client.post(
        INVITE,
        data=_invite_form(
            email="  Nora@Example.ORG ",
            organization_id=str(company.id),
            roles=["mentor", "researcher"],
            language="en",
        ),
    )

    assert response.status_code == 302
    nora = _user("nora@example.org")
    assert nora.name == "Nora Nilsen"
    assert nora.organization_id == company.id
    assert nora.roles == {Role.MENTOR, Role.RESEARCHER}
    assert nora.language == "en"
    assert not nora.has_password and nora.invited_at is not None
    [event] = _events("user.invite")
    assert event.actor_id == admin.id and event.object_id == nora.id
    assert event.after["roles"] == ["mentor", "researcher"]


def test_invite_form_offers_only_grantable_roles(client, coordinator):
    page = client.get(INVITE).get_data(as_text=True)
    assert 'value="mentor"' in page
    assert 'value="admin"' not in page


def test_coordinator_cannot_invite_an_admin(client, coordinator):
    response = client.post(INVITE, data=_invite_form(roles=["admin", "mentor"]))

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'id="roles-error"' in page
    assert _user("nora@example.org") is None


def test_admin_can_invite_an_admin(client, admin):
    client.post(INVITE, data=_invite_form(roles=["admin"]))
    assert _user("nora@example.org").roles == {Role.ADMIN}


def test_duplicate_email_in_any_letter_case_is_refused_by_the_field(client, make, admin):
    make.user(Role.MENTOR, email="nora@example.org")
    db.session.commit()

    response = client.post(INVITE, data=_invite_form(email="NORA@Example.org", name="Other Nora"))

    page = response.get_data(as_text=True)
    assert 'id="email-error"' in page
    assert "Someone already has an account with this e-mail address." in page
    assert 'value="Other Nora"' in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 2


def test_over_long_and_malformed_fields_get_messages(client, admin):
    response = client.post(
        INVITE, data=_invite_form(email="a" * 250 + "@example.org", name="N" * 201)
    )
    page = response.get_data(as_text=True)
    assert 'id="email-error"' in page and 'id="name-error"' in page

    response = client.post(INVITE, data=_invite_form(email="not-an-address", name=" "))
    page = response.get_data(as_text=True)
    assert 'id="email-error"' in page and 'id="name-error"' in page

    response = client.post(
        INVITE, data=_invite_form(organization_id="31337", roles=["mentor", "wizard"])
    )
    page = response.get_data(as_text=True)
    assert 'id="organization_id-error"' in page and 'id="roles-error"' in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 1


def test_html_in_names_is_escaped(client, make, admin):
    evil = "<script>alert(1)</script><b>Bold</b>"
    client.post(INVITE, data=_invite_form(name=evil))
    nora = _user("nora@example.org")
    assert nora.name == evil

    for url in ("/admin/users", f"/admin/users/{nora.id}", "/audit/"):
        page = client.get(url).get_data(as_text=True)
        assert "<script>alert(1)" not in page and "<b>Bold" not in page, url
        assert "&lt;script&gt;alert(1)" in page, url


# Editing ----------------------------------------------------------------------------------------


def test_admin_edits_a_user_and_the_change_is_audited(client, make, admin):
    school = make.school("Ullern videregående skole")
    tora = make.user(Role.TEACHER, name="Tora", email="tora@example.org")
    db.session.commit()

    response = client.post(
        f"/admin/users/{tora.id}",
        data=_edit_form(
            tora,
            name="Tora Berg",
            email="Tora.Berg@Example.org",
            organization_id=str(school.id),
        ),
    )

    assert response.status_code == 302
    db.session.refresh(tora)
    assert (tora.name, tora.email, tora.organization_id) == (
        "Tora Berg",
        "tora.berg@example.org",
        school.id,
    )
    [event] = _events("user.update")
    assert event.before == {
        "email": "tora@example.org",
        "name": "Tora",
        "organization_id": None,
    }
    assert event.after["organization_id"] == school.id


def test_edit_refuses_another_users_email_in_any_case(client, make, admin):
    make.user(Role.MENTOR, email="taken@example.org")
    tora = make.user(Role.TEACHER, email="tora@example.org")
    db.session.commit()

    response = client.post(
        f"/admin/users/{tora.id}", data=_edit_form(tora, email="TAKEN@example.org")
    )

    assert "Someone already has an account with this e-mail address." in response.get_data(
        as_text=True
    )
    db.session.refresh(tora)
    assert tora.email == "tora@example.org"


def test_a_role_change_ends_the_users_sessions(app, client, make, admin):
    tora = make.user(Role.TEACHER, email="tora@example.org")
    db.session.commit()
    toras_browser = _other_client(app, tora)

    client.post(f"/admin/users/{tora.id}", data=_edit_form(tora, roles=["teacher", "mentor"]))

    response = toras_browser.get("/")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_a_name_change_keeps_the_users_sessions(app, client, make, admin):
    tora = make.user(Role.TEACHER, email="tora@example.org")
    db.session.commit()
    toras_browser = _other_client(app, tora)

    client.post(f"/admin/users/{tora.id}", data=_edit_form(tora, name="Tora Berg"))

    assert toras_browser.get("/").status_code == 200


def test_admin_changing_own_roles_stays_logged_in(client, admin):
    response = client.post(
        f"/admin/users/{admin.id}", data=_edit_form(admin, roles=["admin", "mentor"])
    )
    assert response.status_code == 302
    assert client.get("/admin/users").status_code == 200


def test_admin_cannot_remove_own_admin_role(client, admin):
    response = client.post(f"/admin/users/{admin.id}", data=_edit_form(admin, roles=["mentor"]))
    assert "You cannot remove your own administrator role." in response.get_data(as_text=True)
    db.session.refresh(admin)
    assert admin.roles == {Role.ADMIN}


def test_coordinator_cannot_make_someone_an_admin(client, make, coordinator):
    mona = make.user(Role.MENTOR)
    db.session.commit()

    page = client.get(f"/admin/users/{mona.id}").get_data(as_text=True)
    assert 'value="admin"' not in page
    response = client.post(
        f"/admin/users/{mona.id}", data=_edit_form(mona, roles=["mentor", "admin"])
    )

    assert 'id="roles-error"' in response.get_data(as_text=True)
    db.session.refresh(mona)
    assert mona.roles == {Role.MENTOR}


def test_coordinator_editing_an_admin_gets_403(client, make, coordinator):
    other_admin = make.user(Role.ADMIN, name="Other Admin")
    db.session.commit()
    url = f"/admin/users/{other_admin.id}"

    assert client.get(url).status_code == 403
    response = client.post(url, data=_edit_form(other_admin, name="Hijacked", roles=["mentor"]))
    assert response.status_code == 403
    for action in ("deactivate", "reinvite", "reactivate"):
        assert client.post(f"{url}/{action}").status_code == 403, action
    db.session.refresh(other_admin)
    assert other_admin.name == "Other Admin"
    assert other_admin.roles == {Role.ADMIN} and other_admin.is_active
    list_page = client.get("/admin/users").get_data(as_text=True)
    assert "Other Admin" in list_page and url not in list_page


def test_coordinator_manages_other_coordinators(client, make, coordinator):
    colleague = make.user(Role.COORDINATOR)
    db.session.commit()
    response = client.post(
        f"/admin/users/{colleague.id}", data=_edit_form(colleague, roles=["coordinator", "mentor"])
    )
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/admin/users/{id}"),
        ("POST", "/admin/users/{id}"),
        ("POST", "/admin/users/{id}/deactivate"),
        ("POST", "/admin/users/{id}/reactivate"),
        ("POST", "/admin/users/{id}/reinvite"),
    ],
)
def test_forged_user_ids_are_404(client, admin, method, path):
    response = client.open(path.format(id=987654), method=method, data=_invite_form())
    assert response.status_code == 404


def test_people_without_the_permission_get_403(client, make, login):
    mentor = make.user(Role.MENTOR)
    victim = make.user(Role.RESEARCHER)
    db.session.commit()
    login(mentor)

    assert client.get("/admin/users").status_code == 403
    assert client.post(INVITE, data=_invite_form()).status_code == 403
    assert client.post(f"/admin/users/{victim.id}/deactivate").status_code == 403
    db.session.refresh(victim)
    assert victim.is_active


# Deactivation -----------------------------------------------------------------------------------


def test_deactivation_ends_the_users_sessions_at_once(app, client, make, admin):
    tora = make.user(Role.TEACHER, email="tora@example.org")
    db.session.commit()
    toras_browser = _other_client(app, tora)

    response = client.post(f"/admin/users/{tora.id}/deactivate")

    assert response.status_code == 302
    refused = toras_browser.get("/")
    assert refused.status_code == 302
    assert "/login" in refused.headers["Location"]
    login_again = app.test_client().post(
        "/login", data={"email": tora.email, "password": factories.PASSWORD}
    )
    assert login_again.status_code == 200  # the form again, with a refusal
    [event] = _events("user.deactivate")
    assert event.actor_id == admin.id
    assert event.before == {"is_active": True} and event.after == {"is_active": False}


def test_reactivation_lets_the_user_log_in_again(app, client, make, admin):
    tora = make.user(Role.TEACHER, email="tora@example.org", is_active=False)
    db.session.commit()

    page = client.get(f"/admin/users/{tora.id}").get_data(as_text=True)
    assert "Reactivate" in page and "Deactivated" in page
    client.post(f"/admin/users/{tora.id}/reactivate")

    _other_client(app, tora)
    assert len(_events("user.activate")) == 1


def test_admin_cannot_deactivate_self(client, admin):
    response = client.post(f"/admin/users/{admin.id}/deactivate", follow_redirects=True)
    assert "You cannot deactivate your own account." in response.get_data(as_text=True)
    db.session.refresh(admin)
    assert admin.is_active


# CSRF -------------------------------------------------------------------------------------------


def _login_with_token(client, user: User) -> None:
    import re

    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post(
        "/login",
        data={"email": user.email, "password": factories.PASSWORD, "csrf_token": token},
    )
    assert response.status_code == 302


@pytest.mark.parametrize("app_settings", [{"WTF_CSRF_ENABLED": True}])
def test_posts_without_csrf_token_are_refused_and_change_nothing(client, make):
    admin = make.user(Role.ADMIN)
    tora = make.user(Role.TEACHER, name="Tora")
    db.session.commit()
    _login_with_token(client, admin)

    assert client.post(INVITE, data=_invite_form()).status_code == 400
    assert (
        client.post(f"/admin/users/{tora.id}", data=_edit_form(tora, name="X")).status_code == 400
    )
    assert client.post(f"/admin/users/{tora.id}/deactivate").status_code == 400
    assert (
        client.post("/admin/organisations/new", data={"name": "X", "kind": "school"}).status_code
        == 400
    )

    db.session.refresh(tora)
    assert tora.name == "Tora" and tora.is_active
    assert _user("nora@example.org") is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == 0
