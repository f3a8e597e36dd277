"""Each role's home page as a dashboard: one small module per role reads what that role acts
on next, through the other features' services, and never writes.

A user sees one board per role they hold. Admins and coordinators see only the staff board
(everything that waits for a decision), which already covers what the other roles' boards
would show them, and keeps their page to a bounded number of queries.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from talent.home.dashboards import coordinator, host, mentor, researcher, student, teacher
from talent.home.dashboards.links import HomeLink, HomeSection, home_sections
from talent.people.models import Role, User

BUILDERS: dict[Role, Callable[..., object]] = {
    Role.ADMIN: coordinator.build,
    Role.COORDINATOR: coordinator.build,
    Role.TEACHER: teacher.build,
    Role.HOST: host.build,
    Role.MENTOR: mentor.build,
    Role.RESEARCHER: researcher.build,
    Role.STUDENT: student.build,
}

TEMPLATES = {
    Role.ADMIN: "home/_coordinator.html",
    Role.COORDINATOR: "home/_coordinator.html",
    Role.TEACHER: "home/_teacher.html",
    Role.HOST: "home/_host.html",
    Role.MENTOR: "home/_mentor.html",
    Role.RESEARCHER: "home/_researcher.html",
    Role.STUDENT: "home/_student.html",
}

STAFF_ROLES = (Role.ADMIN, Role.COORDINATOR)


@dataclass(frozen=True)
class Board:
    """One role's part of the home page: its title, quick links and what it acts on."""

    role: Role
    title: object
    intro: object
    links: tuple[HomeLink, ...]
    template: str
    data: object


def _staff_section(sections: list[HomeSection]) -> HomeSection:
    """Admins get their own links and the coordinators' in one section."""
    first, *others = [s for s in sections if s.role in STAFF_ROLES]
    links = {link.endpoint: link for s in (first, *others) for link in s.links}
    return HomeSection(first.role, first.title, first.intro, tuple(links.values()))


def boards_for(user: User, *, now: datetime) -> list[Board]:
    """The boards for the user's roles, each read for ``now``."""
    sections = home_sections(user)
    if user.has_role(*STAFF_ROLES):
        sections = [_staff_section(sections)]
    return [
        Board(
            section.role,
            section.title,
            section.intro,
            section.links,
            TEMPLATES[section.role],
            BUILDERS[section.role](user, now=now),
        )
        for section in sections
    ]
