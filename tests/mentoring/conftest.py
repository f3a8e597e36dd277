"""Mentoring test data: programmes, vetted or unvetted mentors, pupil and researcher mentees,
pairings and sessions, built directly (the services are tested on their own)."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import pytest

from talent.extensions import db
from talent.mentoring.models import (
    MenteeKind,
    MenteeProfile,
    MentoringProgramme,
    MentoringSession,
    MentorProfile,
    Pairing,
    PairingState,
    SessionMode,
)
from talent.people.models import Role
from tests import factories

#: A fixed Monday morning for service tests.
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
TODAY = date(2026, 3, 2)
_sequence = itertools.count(1)


def english_user(*roles, **fields):
    """A user who reads the site in English, so that tests can compare messages."""
    fields.setdefault("language", "en")
    return factories.user(*roles, **fields)


def programme(lead=None, **fields) -> MentoringProgramme:
    lead = lead or english_user(Role.COORDINATOR)
    item = MentoringProgramme(
        name=fields.pop("name", f"Programme {next(_sequence)}"), safeguarding_lead=lead, **fields
    )
    db.session.add(item)
    db.session.flush()
    return item


def mentor(
    user=None,
    *,
    expertise=(),
    languages=("nb",),
    capacity=2,
    vetted=True,
    organization=None,
    name=None,
    **fields,
) -> MentorProfile:
    organization = organization or factories.organization()
    user = user or english_user(Role.MENTOR, organization=organization, name=name)
    profile = MentorProfile(
        user=user,
        organization=organization,
        expertise=list(expertise),
        languages=list(languages),
        capacity=capacity,
        open_pairings=0,
        **fields,
    )
    if vetted:
        profile.police_certificate_on = date(2025, 1, 10)
        profile.police_certificate_expires_on = date(2028, 1, 10)
        profile.safeguarding_training_on = date(2025, 2, 1)
        profile.code_of_conduct_accepted_on = date(2025, 2, 1)
    db.session.add(profile)
    db.session.flush()
    return profile


def pupil(
    *, birth_date=date(2010, 5, 17), interests=(), languages=("nb",), school_class=None, **fields
) -> MenteeProfile:
    school_class = school_class or factories.school_class(factories.school())
    student = factories.student(school_class, birth_date=birth_date, name=fields.pop("name", None))
    profile = MenteeProfile(
        kind=MenteeKind.PUPIL,
        student=student,
        interests=list(interests),
        languages=list(languages),
        **fields,
    )
    db.session.add(profile)
    db.session.flush()
    return profile


def researcher(*, interests=(), languages=("en",), user=None, **fields) -> MenteeProfile:
    user = user or english_user(Role.RESEARCHER)
    profile = MenteeProfile(
        kind=MenteeKind.RESEARCHER,
        user=user,
        interests=list(interests),
        languages=list(languages),
        **fields,
    )
    db.session.add(profile)
    db.session.flush()
    return profile


def pairing(
    mentor_profile,
    mentee,
    programme_,
    *,
    state=PairingState.ACTIVE,
    starts_on=None,
    cadence_days=21,
    now=NOW,
) -> Pairing:
    starts_on = starts_on or (now.date() - timedelta(days=10))
    item = Pairing(
        programme=programme_,
        mentor=mentor_profile,
        mentee=mentee,
        state=state,
        starts_on=starts_on,
        planned_end_on=starts_on + timedelta(days=270),
        cadence_days=cadence_days,
        cadence_from=starts_on,
        proposed_at=now - timedelta(days=12),
        respond_by=now - timedelta(days=7) if state is not PairingState.PROPOSED else now,
        responded_at=None if state is PairingState.PROPOSED else now - timedelta(days=11),
    )
    if state.is_open:
        mentor_profile.open_pairings += 1
    db.session.add(item)
    db.session.flush()
    return item


def session(pairing_, *, held_on=None, minutes=60, confirmed=False, private="", shared=""):
    item = MentoringSession(
        pairing=pairing_,
        held_on=held_on or pairing_.starts_on,
        duration_minutes=minutes,
        mode=SessionMode.VIDEO,
        private_note=private,
        shared_note=shared,
        confirmed_at=NOW if confirmed else None,
    )
    db.session.add(item)
    db.session.flush()
    return item


@pytest.fixture
def mk(app):
    """Mentoring factories: ``mk.mentor(...)``, ``mk.pupil(...)``, ``mk.pairing(...)``."""
    return SimpleNamespace(
        programme=programme,
        mentor=mentor,
        pupil=pupil,
        researcher=researcher,
        pairing=pairing,
        session=session,
        user=english_user,
    )
