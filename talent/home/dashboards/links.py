"""The quick links each role sees on the home page, next to its dashboard."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from talent.auth import policy
from talent.people.models import Role, User


@dataclass(frozen=True)
class HomeLink:
    label: object
    endpoint: str
    permission: str


@dataclass(frozen=True)
class HomeSection:
    role: Role
    title: object
    intro: object
    links: tuple[HomeLink, ...] = field(default_factory=tuple)


SECTIONS = (
    HomeSection(
        Role.ADMIN,
        _l("Administration"),
        _l("Manage organisations, people and their roles."),
        (
            HomeLink(_l("Users"), "people.users", "users.manage"),
            HomeLink(_l("Organisations"), "people.organizations", "organizations.manage"),
            HomeLink(_l("Audit log"), "audit.events", "audit.read"),
        ),
    ),
    HomeSection(
        Role.COORDINATOR,
        _l("Coordination"),
        _l("Run the programmes: people, schools, visits, courses and mentoring."),
        (
            HomeLink(_l("Programmes"), "programmes.index", "programmes.view"),
            HomeLink(_l("Lab visits"), "visits.index", "visits.read"),
            HomeLink(_l("Courses"), "courses.manage", "courses.manage"),
            HomeLink(_l("Mentoring"), "mentoring.index", "mentoring.view"),
            HomeLink(_l("Deliveries"), "ledger.index", "ledger.manage"),
            HomeLink(_l("Impact report"), "reports.index", "reports.view"),
            HomeLink(_l("Audit log"), "audit.events", "audit.read"),
        ),
    ),
    HomeSection(
        Role.TEACHER,
        _l("Your school"),
        _l("Keep your classes and pupils up to date and plan lab visits."),
        (
            HomeLink(_l("Classes and pupils"), "schools.classes", "classes.manage"),
            HomeLink(_l("Lab visits"), "visits.index", "visits.read"),
            HomeLink(_l("Programmes"), "programmes.index", "programmes.view"),
        ),
    ),
    HomeSection(
        Role.HOST,
        _l("Hosting lab visits"),
        _l("Publish visit slots at your lab sites and confirm bookings."),
        (
            HomeLink(_l("Lab visits"), "visits.index", "visits.read"),
            HomeLink(_l("Lab sites"), "visits.site_list", "visits.browse"),
        ),
    ),
    HomeSection(
        Role.MENTOR,
        _l("Mentoring"),
        _l("See your mentees, log sessions and plan the next one."),
        (HomeLink(_l("Mentoring"), "mentoring.index", "mentoring.view"),),
    ),
    HomeSection(
        Role.RESEARCHER,
        _l("School of Health Innovation"),
        _l(
            "Find courses on innovation, IP and business development, and follow your applications."
        ),
        (
            HomeLink(_l("Courses"), "courses.index", "home"),
            HomeLink(_l("My courses"), "courses.mine", "courses.apply"),
        ),
    ),
    HomeSection(
        Role.STUDENT,
        _l("Your programme"),
        _l("See your programme, your next lab visit and your mentor."),
        (HomeLink(_l("Mentoring"), "mentoring.index", "mentoring.view"),),
    ),
)


def home_sections(user: User) -> list[HomeSection]:
    """The sections for the user's roles, each with only the links the user may follow."""
    return [
        HomeSection(
            s.role,
            s.title,
            s.intro,
            tuple(link for link in s.links if policy.has_permission(user, link.permission)),
        )
        for s in SECTIONS
        if s.role in user.roles
    ]
