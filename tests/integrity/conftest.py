"""A generated world for the integrity checks, and helpers to bend it with raw SQL."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from talent.consents.models import Consent, ConsentKind, ConsentMethod
from talent.extensions import db
from talent.generate import generate
from talent.schools.models import Student

#: The moment the world is generated at and checked as of.
NOW = datetime(2026, 11, 29, 9, 0, tzinfo=UTC)


@pytest.fixture
def world(app):
    """A small generated network: slots and visits ahead, pairings, courses, programmes."""
    generate(0.1, now=NOW)
    give_missing_lab_visit_consents()
    db.session.commit()


def give_missing_lab_visit_consents() -> None:
    """Give every pupil without one a lab-visit consent with no end, so that the rule tests can
    break consents on purpose from a world where every pupil could go on any visit."""
    in_force = sa.select(Consent.id).where(
        Consent.student_id == Student.id,
        Consent.kind == ConsentKind.LAB_VISITS,
        Consent.withdrawn_at.is_(None),
        Consent.superseded_at.is_(None),
    )
    for student_id in db.session.scalars(sa.select(Student.id).where(~in_force.exists())):
        db.session.add(
            Consent(
                student_id=student_id,
                kind=ConsentKind.LAB_VISITS,
                given_by="Guardian",
                given_at=NOW,
                method=ConsentMethod.PAPER,
            )
        )
    db.session.flush()


def sql(statement: str, **params):
    """Run raw SQL as another program (or a lost update) would, and commit it."""
    result = db.session.execute(sa.text(statement), params)
    db.session.commit()
    return result


def first(statement: str, **params):
    """The first row of a query (it must have one)."""
    row = db.session.execute(sa.text(statement), params).first()
    assert row is not None, statement
    return row


@pytest.fixture
def check(runner):
    """Run ``talent check-integrity`` as of NOW; return the click result."""

    def run(*options: str):
        return runner.invoke(args=["check-integrity", "--now", NOW.isoformat(), *options])

    return run
