"""Consents and guardians changed twice, one after the other and from ten threads at once:
the repeat is answered with AlreadyDone, with one record, one audit row and one reminder."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from talent.audit.models import AuditEvent
from talent.consents import links, services
from talent.consents.models import Consent, ConsentKind, ConsentMethod
from talent.consents.reminders import EXPIRY_KIND
from talent.errors import AlreadyDone
from talent.extensions import db
from talent.people.models import Role, User
from talent.reminders.models import Notification, NotificationState
from talent.schools.models import Student
from tests.programmes import factories as pf
from tests.programmes.factories import NOW
from tests.support.together import THREADS, repeated


def _count(model, *conditions) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*conditions))


def _audit(action: str) -> int:
    return _count(AuditEvent, AuditEvent.action == action)


def _ledger_rows(kind: str) -> int:
    return _count(Notification, Notification.kind == kind)


def _give(actor, pupil, *, now=NOW):
    return services.give_consent(
        actor,
        pupil,
        kind=ConsentKind.LAB_VISITS,
        given_by="Kari Hansen",
        method=ConsentMethod.PAPER,
        expires_on=date(2027, 7, 31),
        now=now,
    )


@pytest.fixture
def teacher(make):
    return make.user(Role.TEACHER, organization=make.school())


@pytest.fixture
def pupil(make, teacher):
    return make.student(make.school_class(teacher.organization))


def test_the_same_consent_recorded_twice_is_one_consent(teacher, pupil):
    first = _give(teacher, pupil)
    with pytest.raises(AlreadyDone, match="already recorded"):
        _give(teacher, pupil, now=NOW + timedelta(seconds=2))

    assert first.is_current and _count(Consent) == 1
    assert _audit("consent.give") == 1
    pending = _count(
        Notification,
        Notification.kind == EXPIRY_KIND,
        Notification.state == NotificationState.PENDING,
    )
    assert pending == 1


def test_withdrawing_twice_withdraws_once(teacher, pupil):
    consent = _give(teacher, pupil)
    services.withdraw_consent(teacher, consent, withdrawn_by="Kari Hansen", now=NOW)
    with pytest.raises(AlreadyDone, match="already withdrawn"):
        services.withdraw_consent(teacher, consent, withdrawn_by="Ola Hansen", now=NOW)

    assert consent.withdrawn_by == "Kari Hansen"
    assert _audit("consent.withdraw") == 1


def test_removing_a_guardian_twice_removes_once(teacher, pupil):
    guardian = pf.guardian(pupil)
    services.remove_guardian(teacher, guardian, now=NOW)
    with pytest.raises(AlreadyDone, match="already removed"):
        services.remove_guardian(teacher, guardian, now=NOW)
    assert _audit("guardian.delete") == 1


def test_a_second_click_on_send_link_sends_no_second_link(teacher, pupil):
    guardian = pf.guardian(pupil)
    links.send_link(teacher, guardian, now=NOW)
    with pytest.raises(AlreadyDone, match="a moment ago"):
        links.send_link(teacher, guardian, now=NOW + timedelta(seconds=1))
    assert _audit("guardian.send_link") == 1
    assert _ledger_rows(links.GUARDIAN_LINK) == 1

    links.send_link(teacher, guardian, now=NOW + timedelta(minutes=5))  # asked again later
    assert _audit("guardian.send_link") == 2
    assert _ledger_rows(links.GUARDIAN_LINK) == 2


# The same form from ten threads at once ------------------------------------------------------


def _world(teacher, pupil, *, given: bool):
    consent_id = _give(teacher, pupil).id if given else None
    ids = teacher.id, pupil.id, consent_id
    db.session.commit()
    db.session.close()  # on SQLite even a read here would hold the write lock
    return ids


def test_ten_recordings_at_once_make_one_consent(app, teacher, pupil):
    teacher_id, pupil_id, _ = _world(teacher, pupil, given=False)

    def give():
        _give(db.session.get(User, teacher_id), db.session.get(Student, pupil_id))

    assert repeated(app, give) == ["AlreadyDone"] * (THREADS - 1) + ["ok"]
    assert _count(Consent) == 1
    assert _audit("consent.give") == 1


def test_ten_withdrawals_at_once_withdraw_once(app, teacher, pupil):
    teacher_id, _, consent_id = _world(teacher, pupil, given=True)

    def withdraw():
        consent = db.session.get(Consent, consent_id)
        services.withdraw_consent(
            db.session.get(User, teacher_id), consent, withdrawn_by="Kari Hansen", now=NOW
        )

    assert repeated(app, withdraw) == ["AlreadyDone"] * (THREADS - 1) + ["ok"]
    assert _audit("consent.withdraw") == 1
