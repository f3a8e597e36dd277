"""Small factories for test data; each adds, flushes and returns the object."""

from __future__ import annotations

import itertools
from datetime import date

from argon2 import PasswordHasher

from talent.extensions import db
from talent.people.models import Organization, OrganizationKind, Role, RoleAssignment, User
from talent.schools.models import SchoolClass, Student

PASSWORD = "correct horse battery"
#: Hashed with the cheapest Argon2 settings: verifying it takes microseconds, not the
#: production cost, and the hash carries its settings, so the app verifies it as usual.
_PASSWORD_HASH = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(PASSWORD)
_sequence = itertools.count(1)


def organization(
    name: str | None = None, kind: OrganizationKind = OrganizationKind.COMPANY, **fields
) -> Organization:
    org = Organization(name=name or f"Organisation {next(_sequence)}", kind=kind, **fields)
    db.session.add(org)
    db.session.flush()
    return org


def school(name: str | None = None, **fields) -> Organization:
    return organization(name or f"School {next(_sequence)}", OrganizationKind.SCHOOL, **fields)


def user(
    *roles: Role,
    email: str | None = None,
    name: str | None = None,
    organization: Organization | None = None,
    password_hash: str | None = _PASSWORD_HASH,
    **fields,
) -> User:
    number = next(_sequence)
    person = User(
        email=(email or f"user{number}@example.org").lower(),
        name=name or f"User {number}",
        organization=organization,
        password_hash=password_hash,
        **{"language": "en", **fields},
    )
    person.role_assignments = [RoleAssignment(role=role) for role in roles]
    db.session.add(person)
    db.session.flush()
    return person


def school_class(
    school: Organization, name: str | None = None, school_year: int = 2026
) -> SchoolClass:
    group = SchoolClass(
        school=school, name=name or f"{next(_sequence) % 3 + 1}STA", school_year=school_year
    )
    db.session.add(group)
    db.session.flush()
    return group


def student(
    school_class: SchoolClass,
    name: str | None = None,
    birth_date: date = date(2010, 5, 17),
    **fields,
) -> Student:
    pupil = Student(
        school_id=school_class.school_id,
        school_class=school_class,
        name=name or f"Pupil {next(_sequence)}",
        birth_date=birth_date,
        **fields,
    )
    db.session.add(pupil)
    db.session.flush()
    return pupil
