"""A living demo: the cluster, two schools, members and partners, one account per role, and
generated data the demo accounts take part in."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from talent.auth.services import set_password
from talent.db import utcnow
from talent.extensions import db
from talent.generate import Anchors, cheap_password_hash, generate
from talent.people.models import Organization, OrganizationKind, Role
from talent.people.services import create_account, save_organization

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

#: Small enough to seed in a few seconds, big enough that every page has something on it.
DEMO_SCALE = 0.5
#: The year the school collaboration started: the same demo every time.
DEMO_SEED = 2009


def seed(*, password: str, now: datetime | None = None) -> bool:
    """Create the demo unless the cluster already exists; return whether anything was made.

    The demo accounts are anchors of generated data (talent.generate): the teacher teaches
    Ullern classes with visits ahead, one of them still awaiting the host with lab-visit
    consents to chase, the host's lab has bookings to confirm, the researcher
    is enrolled, waitlisted and offered a seat, the mentor has pairings to follow up.
    """
    if db.session.scalar(sa.select(Organization.id).where(Organization.name == CLUSTER)):
        return False
    now = now or utcnow()
    organizations = {
        name: save_organization(None, None, name=name, kind=kind, city=city, now=now)
        for name, kind, city in ORGANIZATIONS
    }
    users = {}
    for role, email, name, org_name in ACCOUNTS:
        user = create_account(
            None,
            email=email,
            name=name,
            roles={role},
            organization=organizations[org_name],
            now=now,
        )
        set_password(user, password, now=now)
        users[role] = user
    db.session.flush()

    def ids(*kinds: OrganizationKind) -> list[int]:
        return [organizations[name].id for name, kind, _city in ORGANIZATIONS if kind in kinds]

    anchors = Anchors(
        schools=ids(OrganizationKind.SCHOOL),
        hosts=ids(OrganizationKind.COMPANY, OrganizationKind.HOSPITAL),
        partners=ids(OrganizationKind.UNIVERSITY, OrganizationKind.PARTNER),
        cluster=organizations[CLUSTER].id,
        coordinator=users[Role.COORDINATOR].id,
        teacher=users[Role.TEACHER].id,
        host=users[Role.HOST].id,
        mentor=users[Role.MENTOR].id,
        researcher=users[Role.RESEARCHER].id,
        student=users[Role.STUDENT].id,
    )
    generate(
        DEMO_SCALE,
        seed=DEMO_SEED,
        now=now,
        anchors=anchors,
        password_hash=cheap_password_hash(password),
        commit=False,
    )
    return True
