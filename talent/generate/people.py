"""Organisations (the cluster, schools, host members, partners) and the staff accounts."""

from __future__ import annotations

from talent.clock import default_zone_name
from talent.generate.base import EMAIL_DOMAIN, Context
from talent.generate.names import HOST_STEMS, TOWNS
from talent.people.models import Organization, OrganizationKind, Role, RoleAssignment, User

SCHOOL_SUFFIXES = ("videregående skole", "katedralskole", "gymnas")
HOST_ENDINGS = ("vector", "vax", "tech", "gen", "mune", "cure", "logic", "sense", "thera")
HOSPITALS = ("universitetssykehus", "sykehus", "sykehuset")
PARTNERS = (
    ("Universitetet i Oslo", OrganizationKind.UNIVERSITY, "Oslo"),
    ("Karolinska Institutet", OrganizationKind.UNIVERSITY, "Stockholm"),
    ("Oslo Medtech", OrganizationKind.PARTNER, "Oslo"),
    ("Nansen Neuroscience", OrganizationKind.PARTNER, "Oslo"),
)


def _organization(ctx: Context, name: str, kind: OrganizationKind, city: str) -> int:
    organization = ctx.add(
        Organization,
        name=name,
        kind=kind,
        city=city,
        website="",
        is_active=True,
        created_at=ctx.now,
    )
    ctx.facts["org_names"][organization] = name
    return organization


def user(ctx: Context, role: Role, organization_id: int | None, *, extra: tuple = ()) -> int:
    """Add an account with the shared password; e-mail ``<role><n>@generated.talent.test``."""
    number = ctx.facts.setdefault("role_counts", {}).get(role, 0) + 1
    ctx.facts["role_counts"][role] = number
    name = ctx.name()
    user_id = ctx.add(
        User,
        email=f"{role.value}{number}@{EMAIL_DOMAIN}",
        name=name,
        password_hash=ctx.password_hash,
        language=ctx.rng.choice(("nb", "nb", "en")),
        timezone=default_zone_name(),
        organization_id=organization_id,
        is_active=True,
        created_at=ctx.now,
        invited_at=ctx.now,
    )
    for each in (role, *extra):
        ctx.add(RoleAssignment.__table__, user_id=user_id, role=each)
    ctx.facts.setdefault("names", {})[user_id] = name
    ctx.facts.setdefault("user_org", {})[user_id] = organization_id
    return user_id


def generate_people(ctx: Context):
    """Organisations first, then coordinators, teachers, hosts, mentors and researchers."""
    rng, sizes, anchors = ctx.rng, ctx.sizes, ctx.anchors
    cluster = anchors.cluster or _organization(
        ctx, "Talent network cluster", OrganizationKind.CLUSTER, "Oslo"
    )
    ctx.facts["cluster"] = cluster

    schools = list(anchors.schools[: sizes.schools])
    for index in range(len(schools), sizes.schools):
        town = TOWNS[index % len(TOWNS)]
        suffix = SCHOOL_SUFFIXES[(index // len(TOWNS)) % len(SCHOOL_SUFFIXES)]
        round_ = index // (len(TOWNS) * len(SCHOOL_SUFFIXES))
        name = f"{town} {suffix}" + (f" {round_ + 1}" if round_ else "")
        schools.append(_organization(ctx, name, OrganizationKind.SCHOOL, town))
    ctx.ids["schools"] = schools
    # Two schools take part from the first year; the others join one by one over the years.
    join = {}
    for index, school in enumerate(schools):
        offset = 0 if index < 2 else (index * sizes.years) // len(schools)
        join[school] = ctx.years[0] + offset
    ctx.facts["school_joins"] = join
    yield 1

    hosts = list(anchors.hosts[: sizes.host_organizations])
    for index in range(len(hosts), sizes.host_organizations):
        if index % 5 == 4:
            town = TOWNS[(index // 5) % len(TOWNS)]
            name = f"{town} {HOSPITALS[index % len(HOSPITALS)]} {index // 5 + 1}"
            kind = OrganizationKind.HOSPITAL
        else:
            name = (
                f"{HOST_STEMS[index % len(HOST_STEMS)]}"
                f"{HOST_ENDINGS[(index // len(HOST_STEMS)) % len(HOST_ENDINGS)]}"
                f" AS {index + 1}"
            )
            kind = OrganizationKind.COMPANY
        hosts.append(_organization(ctx, name, kind, rng.choice(TOWNS)))
    ctx.ids["host_organizations"] = hosts
    partners = list(anchors.partners)
    if not partners:
        partners = [_organization(ctx, f"{name} (network)", k, c) for name, k, c in PARTNERS]
    ctx.ids["partners"] = partners
    yield 1

    coordinators = [anchors.coordinator] if anchors.coordinator else []
    while len(coordinators) < sizes.coordinators:
        coordinators.append(user(ctx, Role.COORDINATOR, cluster))
    ctx.ids["coordinators"] = coordinators

    teachers: dict[int, list[int]] = {}
    for index, school in enumerate(schools):
        staff = [anchors.teacher] if index == 0 and anchors.teacher else []
        while len(staff) < 2:
            staff.append(user(ctx, Role.TEACHER, school))
        teachers[school] = staff
    ctx.facts["teachers"] = teachers
    yield 1

    host_users: dict[int, list[int]] = {}
    for index, organization in enumerate(hosts):
        staff = [anchors.host] if index == 0 and anchors.host else []
        while len(staff) < 1 + index % 2:
            staff.append(user(ctx, Role.HOST, organization))
        host_users[organization] = staff
    ctx.facts["hosts"] = host_users

    mentors = [anchors.mentor] if anchors.mentor else []
    while len(mentors) < sizes.mentors:
        # Some mentors also host visits: one person, several roles.
        extra = (Role.HOST,) if rng.random() < 0.1 else ()
        mentors.append(user(ctx, Role.MENTOR, rng.choice(hosts), extra=extra))
    ctx.ids["mentors"] = mentors

    researchers = [anchors.researcher] if anchors.researcher else []
    while len(researchers) < sizes.researchers:
        researchers.append(user(ctx, Role.RESEARCHER, rng.choice(hosts + partners)))
    ctx.ids["researchers"] = researchers
    yield 1


def people_steps(ctx: Context) -> int:
    return 4
