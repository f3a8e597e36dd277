"""Synthetic data at any scale: 1 is one school year of the real programmes (two schools, about
300 pupils, 40 lab visits, 10 courses, 60 pairings), 100 a national network after ten years.

Rows are written in bulk with ids handed out here, one commit per phase, so memory stays flat
and scale 100 takes minutes. Everything comes from one seeded random source: the same scale,
seed and day give the same data. ``Anchors`` are existing organisations and accounts (the
demo's) that the data is built around.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from datetime import datetime

import sqlalchemy as sa
from argon2 import PasswordHasher

from talent.db import utcnow
from talent.extensions import db
from talent.generate.activities import activities_steps, generate_activities
from talent.generate.base import EMAIL_DOMAIN, Anchors, Context, Sizes, Writer
from talent.generate.courses import courses_steps, generate_courses
from talent.generate.notifications import generate_notifications, notifications_steps
from talent.generate.pairings import generate_mentoring, mentoring_steps
from talent.generate.people import generate_people, people_steps
from talent.generate.pupils import generate_pupils, pupils_steps
from talent.generate.visits import generate_visits, visits_steps
from talent.people.models import Organization, User

log = logging.getLogger(__name__)

__all__ = ["Anchors", "GenerationError", "Sizes", "generate"]

PHASES = (
    ("Organisations and staff", generate_people, people_steps),
    ("Classes, pupils and programmes", generate_pupils, pupils_steps),
    ("Lab sites and visits", generate_visits, visits_steps),
    ("Activities", generate_activities, activities_steps),
    ("Courses", generate_courses, courses_steps),
    ("Mentoring", generate_mentoring, mentoring_steps),
    ("Notifications", generate_notifications, notifications_steps),
)

#: Makes a progress bar for one phase: called with a label and a number of steps, it returns
#: a context manager whose ``update(n)`` advances the bar (click.progressbar fits).
Progress = Callable[[str, int], AbstractContextManager]


class GenerationError(Exception):
    """The database cannot take generated data; the message says why."""


class _Silent:
    def update(self, steps: int) -> None:
        pass


def _silent(label: str, length: int) -> AbstractContextManager:
    return nullcontext(_Silent())


def cheap_password_hash(password: str) -> str:
    """An Argon2 hash with the lowest cost: the app verifies it as any other, in microseconds.

    Generated accounts are test and demo accounts; one hash shared by all keeps scale 100 fast.
    """
    return PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(password)


def _check_database() -> None:
    inspector = sa.inspect(db.session.connection())
    if not inspector.has_table("users") or not inspector.has_table("notifications"):
        raise GenerationError("The database has no tables yet: run `talent db upgrade` first.")
    generated = db.session.scalar(
        sa.select(User.id).where(User.email.like(f"%@{EMAIL_DOMAIN}")).limit(1)
    )
    if generated is not None:
        raise GenerationError(
            "The database already holds generated data; generate into a fresh database."
        )


def _load_anchors(ctx: Context) -> None:
    """Names and organisations of the anchor rows, which the phases refer to."""
    anchors = ctx.anchors
    users = [
        anchors.coordinator,
        anchors.teacher,
        anchors.host,
        anchors.mentor,
        anchors.researcher,
        anchors.student,
    ]
    users = [user for user in users if user is not None]
    for user_id, name, organization in db.session.execute(
        sa.select(User.id, User.name, User.organization_id).where(User.id.in_(users))
    ):
        ctx.facts["names"][user_id] = name
        ctx.facts["user_org"][user_id] = organization
    organizations = anchors.schools + anchors.hosts + anchors.partners
    for organization_id, name in db.session.execute(
        sa.select(Organization.id, Organization.name).where(Organization.id.in_(organizations))
    ):
        ctx.facts["org_names"][organization_id] = name


def generate(
    scale: float,
    *,
    seed: int = 2009,
    now: datetime | None = None,
    anchors: Anchors | None = None,
    password_hash: str | None = None,
    progress: Progress | None = None,
    commit: bool = True,
) -> dict[str, int]:
    """Fill the (migrated) database; return the number of rows written per table.

    With ``commit`` each phase is committed, which keeps memory flat at large scales; without
    it everything stays in the caller's transaction (the demo is small and all or nothing).
    """
    _check_database()
    ctx = Context(
        sizes=Sizes.of(scale),
        rng=random.Random(seed),
        now=now or utcnow(),
        password_hash=password_hash or cheap_password_hash("talent-demo"),
        anchors=anchors or Anchors(),
        writer=Writer(),
    )
    ctx.facts.update(names={}, user_org={}, org_names={})
    _load_anchors(ctx)
    progress = progress or _silent
    for label, phase, steps in PHASES:
        with progress(label, steps(ctx)) as bar:
            for advance in phase(ctx):
                bar.update(advance)
        ctx.writer.flush()
        if commit:
            db.session.commit()
    ctx.writer.finish(commit=commit)
    counts = dict(sorted(ctx.writer.counts.items()))
    log.info("generated scale %s seed %s: %s rows", scale, seed, sum(counts.values()))
    return counts
