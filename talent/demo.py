"""A believable demo: the cluster, two schools, members, partners, classes, pupils, accounts."""

from __future__ import annotations

import random
from datetime import date

import sqlalchemy as sa

from talent.auth.services import set_password
from talent.db import utcnow
from talent.extensions import db
from talent.people.models import Organization, OrganizationKind, Role
from talent.people.services import invite_user, save_organization
from talent.schools.models import SchoolClass, Student

CLUSTER = "Oslo Cancer Cluster"
ULLERN = "Ullern videregående skole"

ORGANIZATIONS = [
    (CLUSTER, OrganizationKind.CLUSTER, "Oslo"),
    (ULLERN, OrganizationKind.SCHOOL, "Oslo"),
    ("Nydalen videregående skole", OrganizationKind.SCHOOL, "Oslo"),
    ("Nordic Nanovector", OrganizationKind.COMPANY, "Oslo"),
    ("Ultimovacs", OrganizationKind.COMPANY, "Oslo"),
    ("Oslo universitetssykehus – Radiumhospitalet", OrganizationKind.HOSPITAL, "Oslo"),
    ("Universitetet i Oslo", OrganizationKind.UNIVERSITY, "Oslo"),
    ("Karolinska Institutet", OrganizationKind.UNIVERSITY, "Stockholm"),
    ("Oslo Medtech", OrganizationKind.PARTNER, "Oslo"),
    ("Nansen Neuroscience", OrganizationKind.PARTNER, "Oslo"),
]

#: (role, e-mail, name, organisation)
ACCOUNTS = [
    (Role.ADMIN, "admin@demo.talent.no", "Ada Admin", CLUSTER),
    (Role.COORDINATOR, "coordinator@demo.talent.no", "Kari Koordinator", CLUSTER),
    (Role.TEACHER, "teacher@demo.talent.no", "Tore Lærer", ULLERN),
    (Role.HOST, "host@demo.talent.no", "Hanne Vert", "Nordic Nanovector"),
    (Role.MENTOR, "mentor@demo.talent.no", "Magnus Mentor", "Ultimovacs"),
    (
        Role.RESEARCHER,
        "researcher@demo.talent.no",
        "Rita Forsker",
        "Oslo universitetssykehus – Radiumhospitalet",
    ),
    (Role.STUDENT, "student@demo.talent.no", "Sara Elev", ULLERN),
]

DEMO_ACCOUNTS = [(role.value, email) for role, email, _name, _org in ACCOUNTS]

FIRST_NAMES = [
    "Emma",
    "Nora",
    "Sofie",
    "Ingrid",
    "Leah",
    "Maja",
    "Ella",
    "Jakob",
    "Noah",
    "Filip",
    "Lukas",
    "Oskar",
    "Aksel",
    "Henrik",
    "Amir",
    "Fatima",
    "Mohammed",
    "Sander",
    "Ida",
    "Thea",
    "Selma",
    "Ahmed",
    "Vilde",
    "Tobias",
]
LAST_NAMES = [
    "Hansen",
    "Johansen",
    "Olsen",
    "Larsen",
    "Andersen",
    "Pedersen",
    "Nilsen",
    "Kristiansen",
    "Jensen",
    "Karlsen",
    "Berg",
    "Haugen",
    "Hagen",
    "Ali",
    "Khan",
    "Bakken",
    "Dahl",
    "Lie",
    "Solberg",
    "Eide",
]

CLASSES = {ULLERN: ["1STA", "2STA", "3STA", "2MK"], "Nydalen videregående skole": ["1STB", "2STB"]}


def current_school_year(today: date) -> int:
    """School years run August to June; return the calendar year the current one started."""
    return today.year if today.month >= 8 else today.year - 1


def seed(*, password: str) -> bool:
    """Create the demo unless the cluster already exists; return whether anything was made."""
    if db.session.scalar(sa.select(Organization.id).where(Organization.name == CLUSTER)):
        return False
    now = utcnow()
    rng = random.Random(2009)  # the year the school collaboration started: same demo each time
    organizations = {
        name: save_organization(None, None, name=name, kind=kind, city=city, now=now)
        for name, kind, city in ORGANIZATIONS
    }
    users = {}
    for role, email, name, org_name in ACCOUNTS:
        user = invite_user(
            None,
            email=email,
            name=name,
            roles={role},
            organization=organizations[org_name],
            now=now,
        )
        set_password(user, password, now=now)
        users[role] = user
    year = current_school_year(now.date())
    for school_name, class_names in CLASSES.items():
        school = organizations[school_name]
        for class_name in class_names:
            school_class = SchoolClass(school=school, name=class_name, school_year=year)
            db.session.add(school_class)
            grade = int(class_name[0])
            for _ in range(rng.randint(14, 22)):
                birth_year = year - 15 - grade
                db.session.add(
                    Student(
                        school=school,
                        school_class=school_class,
                        name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                        birth_date=date(birth_year, rng.randint(1, 12), rng.randint(1, 28)),
                    )
                )
    student_class = db.session.scalar(sa.select(SchoolClass).where(SchoolClass.name == "2STA"))
    db.session.add(
        Student(
            school=organizations[ULLERN],
            school_class=student_class,
            name=users[Role.STUDENT].name,
            birth_date=date(year - 16, 3, 14),
            user=users[Role.STUDENT],
        )
    )
    db.session.flush()
    return True
