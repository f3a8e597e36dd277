"""The people services on their own: rules, audit events and list queries."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from talent.audit.models import AuditEvent
from talent.errors import AlreadyDone, Conflict, InvalidState, NotAllowed, ValidationFailed
from talent.extensions import db
from talent.people import services
from talent.people.models import OrganizationKind, Role
from talent.people.services import UserStatus
from talent.web.options import organization_names, organization_options

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def _actions() -> list[str]:
    return list(db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)))


def test_save_organization_refuses_a_name_taken_in_another_case(make):
    admin = make.user(Role.ADMIN)
    make.organization("Oslo Cancer Cluster")
    with pytest.raises(Conflict) as refused:
        services.save_organization(
            admin, None, name="  oslo CANCER cluster ", kind=OrganizationKind.CLUSTER, now=NOW
        )
    assert refused.value.field == "name"


def test_an_unchanged_save_leaves_no_audit_event(make):
    admin = make.user(Role.ADMIN)
    organization = services.save_organization(
        admin, None, name="Radiumhospitalet", kind=OrganizationKind.HOSPITAL, now=NOW
    )
    services.save_organization(
        admin, organization, name="Radiumhospitalet", kind=OrganizationKind.HOSPITAL, now=NOW
    )
    assert _actions() == ["organization.create"]


def test_coordinator_can_neither_grant_nor_take_away_admin(make):
    coordinator = make.user(Role.COORDINATOR)
    admin = make.user(Role.ADMIN)
    mentor = make.user(Role.MENTOR)
    with pytest.raises(NotAllowed):
        services.invite_user(
            coordinator,
            email="new@example.org",
            name="New",
            roles={Role.ADMIN},
            organization=None,
            now=NOW,
        )
    with pytest.raises(NotAllowed):
        services.update_user(
            coordinator,
            mentor,
            name=mentor.name,
            email=mentor.email,
            organization=None,
            roles={Role.MENTOR, Role.ADMIN},
            now=NOW,
        )
    with pytest.raises(NotAllowed):
        services.update_user(
            coordinator,
            admin,
            name=admin.name,
            email=admin.email,
            organization=None,
            roles={Role.MENTOR},
            now=NOW,
        )


def test_update_user_ends_sessions_only_when_roles_change(make):
    admin = make.user(Role.ADMIN)
    mentor = make.user(Role.MENTOR, email="mona@example.org")
    token = mentor.session_token

    services.update_user(
        admin,
        mentor,
        name="Mona",
        email="MONA@example.org",
        organization=None,
        roles={Role.MENTOR},
        now=NOW,
    )
    assert mentor.session_token == token and mentor.email == "mona@example.org"

    services.update_user(
        admin,
        mentor,
        name="Mona",
        email=mentor.email,
        organization=None,
        roles={Role.MENTOR, Role.HOST},
        now=NOW,
    )
    assert mentor.session_token != token
    assert _actions() == ["user.update", "user.update"]


def test_set_user_active_ends_sessions_and_refuses_oneself(make):
    admin = make.user(Role.ADMIN)
    mentor = make.user(Role.MENTOR)
    token = mentor.session_token

    services.set_user_active(admin, mentor, False, now=NOW)
    with pytest.raises(AlreadyDone):  # no second event
        services.set_user_active(admin, mentor, False, now=NOW)

    assert not mentor.is_active and mentor.session_token != token
    assert _actions() == ["user.deactivate"]
    with pytest.raises(ValidationFailed):
        services.set_user_active(admin, admin, False, now=NOW)


def test_reissue_invitation_needs_a_pending_active_account(make):
    admin = make.user(Role.ADMIN)
    invited = make.user(Role.MENTOR, password_hash=None)
    token = invited.session_token

    services.reissue_invitation(admin, invited, now=NOW)
    assert invited.session_token != token and invited.invited_at == NOW

    with pytest.raises(Conflict):
        services.reissue_invitation(admin, make.user(Role.MENTOR), now=NOW)
    with pytest.raises(InvalidState):
        services.reissue_invitation(
            admin, make.user(Role.MENTOR, password_hash=None, is_active=False), now=NOW
        )


def test_users_query_filters(make):
    school = make.school()
    teacher = make.user(Role.TEACHER, name="Tora", organization=school)
    invited = make.user(Role.MENTOR, name="Ines", password_hash=None)
    gone = make.user(Role.MENTOR, name="Dag", is_active=False)
    percent = make.user(Role.HOST, name="100% Hosting")

    def found(**filters) -> list:
        return list(db.session.scalars(services.users_query(**filters)))

    assert found(role=Role.MENTOR) == [gone, invited]
    assert found(organization_id=school.id) == [teacher]
    assert found(status=UserStatus.INVITED) == [invited]
    assert found(status=UserStatus.INACTIVE) == [gone]
    assert found(status=UserStatus.ACTIVE) == [percent, teacher]
    assert found(search="%") == [percent]
    assert found(search="_") == []


def test_organizations_query_and_options(make):
    active = make.organization("Alpha")
    inactive = make.organization("Beta", is_active=False)
    school = make.school("Gamma skole")

    assert list(db.session.scalars(services.organizations_query(kind=OrganizationKind.SCHOOL))) == [
        school
    ]
    assert list(db.session.scalars(services.organizations_query(search="ALP"))) == [active]
    assert organization_options() == [(active.id, "Alpha"), (school.id, "Gamma skole")]
    assert (inactive.id, "Beta") in organization_options(include_id=inactive.id)
    assert len(organization_options(include_inactive=True)) == 3
    assert organization_names([active.id, 424242]) == {active.id: "Alpha"}
