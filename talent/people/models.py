"""Organisations, users and role assignments."""

from __future__ import annotations

import enum
import secrets
from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from talent.auth.models import LoginSession
from talent.clock import default_zone_name
from talent.db import enum_type, utcnow
from talent.extensions import db


class OrganizationKind(enum.StrEnum):
    CLUSTER = "cluster"
    SCHOOL = "school"
    COMPANY = "company"
    UNIVERSITY = "university"
    HOSPITAL = "hospital"
    PARTNER = "partner"


class Role(enum.StrEnum):
    ADMIN = "admin"
    COORDINATOR = "coordinator"
    TEACHER = "teacher"
    HOST = "host"
    MENTOR = "mentor"
    RESEARCHER = "researcher"
    STUDENT = "student"


class Organization(db.Model):
    __tablename__ = "organizations"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Full public name, unique across the platform.
    name: Mapped[str] = mapped_column(sa.String(200), unique=True)
    kind: Mapped[OrganizationKind] = mapped_column(enum_type(OrganizationKind))
    city: Mapped[str] = mapped_column(sa.String(100), default="")
    website: Mapped[str] = mapped_column(sa.String(300), default="")
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    members: Mapped[list[User]] = relationship(back_populates="organization")

    def __repr__(self) -> str:
        return f"<Organization {self.id} {self.name!r}>"


def new_session_token() -> str:
    return secrets.token_urlsafe(24)


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Stored lower-cased, so uniqueness holds in any letter case.
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    #: Argon2 hash; empty until an invited person sets a password.
    password_hash: Mapped[str | None] = mapped_column(sa.String(200))
    language: Mapped[str] = mapped_column(sa.String(5), default="nb")
    timezone: Mapped[str] = mapped_column(sa.String(64), default=default_zone_name)
    organization_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organizations.id", ondelete="SET NULL"), index=True
    )
    #: False once deactivated; a deactivated user cannot log in and has no sessions.
    is_active: Mapped[bool] = mapped_column(default=True)
    #: Part of every signed link; replacing it ends them all (end_sessions also ends logins).
    session_token: Mapped[str] = mapped_column(sa.String(64), default=new_session_token)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    invited_at: Mapped[datetime | None]
    last_login_at: Mapped[datetime | None]

    organization: Mapped[Organization | None] = relationship(back_populates="members")
    role_assignments: Mapped[list[RoleAssignment]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"

    #: The ``id:secret`` of the login session this request runs in (not a column): set by
    #: the user loader and at login; Flask-Login keeps it in the session cookie.
    session_key = ""
    #: The id of that login session, to mark it on the profile page.
    login_session_id = None

    def get_id(self) -> str:
        return self.session_key

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(assignment.role for assignment in self.role_assignments)

    def has_role(self, *roles: Role) -> bool:
        return not self.roles.isdisjoint(roles)

    @property
    def has_password(self) -> bool:
        return bool(self.password_hash)

    def end_sessions(self) -> None:
        """End every login session and invalidate every signed link issued so far."""
        self.session_token = new_session_token()
        db.session.execute(sa.delete(LoginSession).where(LoginSession.user_id == self.id))


class RoleAssignment(db.Model):
    __tablename__ = "role_assignments"

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[Role] = mapped_column(enum_type(Role), primary_key=True)

    user: Mapped[User] = relationship(back_populates="role_assignments")

    def __repr__(self) -> str:
        return f"<RoleAssignment {self.user_id} {self.role}>"
