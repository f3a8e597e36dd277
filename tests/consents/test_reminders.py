"""A consent that runs out is reminded to the teacher 30 days before its last day."""

from __future__ import annotations

from datetime import UTC, date, datetime

import sqlalchemy as sa

from talent.consents import services
from talent.consents.models import ConsentKind, ConsentMethod
from talent.consents.reminders import EXPIRY_KIND
from talent.extensions import db
from talent.people.models import Role
from talent.reminders.models import Notification, NotificationState
from tests.programmes.factories import NOW


def _give(actor, pupil, **fields):
    values = {
        "kind": ConsentKind.LAB_VISITS,
        "given_by": "Kari Hansen",
        "method": ConsentMethod.PAPER,
        "expires_on": date(2027, 7, 31),
    }
    values.update(fields)
    return services.give_consent(actor, pupil, now=NOW, **values)


def _reminders():
    return db.session.scalars(
        sa.select(Notification).where(Notification.kind == EXPIRY_KIND).order_by(Notification.id)
    ).all()


def test_the_teacher_who_recorded_it_is_reminded_30_days_before(make):
    school = make.school()
    teacher = make.user(Role.TEACHER, organization=school)
    make.user(Role.TEACHER, organization=school)  # a colleague: not reminded
    pupil = make.student(make.school_class(school))
    consent = _give(teacher, pupil)

    [reminder] = _reminders()
    assert reminder.recipient_id == teacher.id
    # 1 July 2027 09:00 in Oslo (summer time) is 07:00 UTC.
    assert reminder.due_at == datetime(2027, 7, 1, 7, 0, tzinfo=UTC)
    assert reminder.subject_type == "Consent" and reminder.subject_id == consent.id
    assert reminder.context["pupil"] == pupil.name

    _give(teacher, pupil, method=ConsentMethod.EMAIL)  # renewed: the old reminder is cancelled
    states = [r.state for r in _reminders()]
    assert states.count(NotificationState.CANCELLED) == 1
    assert states.count(NotificationState.PENDING) == 1


def test_without_a_responsible_teacher_the_schools_teachers_are_reminded(make):
    school = make.school()
    teachers = [make.user(Role.TEACHER, organization=school) for _ in range(2)]
    make.user(Role.TEACHER, organization=make.school())  # another school's teacher
    coordinator = make.user(Role.COORDINATOR)
    pupil = make.student(make.school_class(school))
    _give(coordinator, pupil)
    assert sorted(r.recipient_id for r in _reminders()) == sorted(t.id for t in teachers)


def test_withdrawn_consents_and_consents_without_end_are_not_reminded(make):
    school = make.school()
    teacher = make.user(Role.TEACHER, organization=school)
    pupil = make.student(make.school_class(school))
    _give(teacher, pupil, kind=ConsentKind.PROGRAMME, expires_on=None)
    assert _reminders() == []
    consent = _give(teacher, pupil)
    services.withdraw_consent(teacher, consent, withdrawn_by="Kari Hansen", now=NOW)
    assert [r.state for r in _reminders()] == [NotificationState.CANCELLED]


def test_a_consent_running_out_soon_is_reminded_at_once(make):
    school = make.school()
    teacher = make.user(Role.TEACHER, organization=school)
    pupil = make.student(make.school_class(school))
    _give(teacher, pupil, expires_on=date(2026, 10, 20))
    [reminder] = _reminders()
    assert reminder.due_at == NOW


def test_the_reminder_names_the_last_day_in_the_readers_words(make):
    from zoneinfo import ZoneInfo

    from flask_babel import force_locale

    from talent.reminders.kinds import get_kind
    from talent.reminders.rendering import localized_values

    school = make.school()
    teacher = make.user(Role.TEACHER, organization=school)
    pupil = make.student(make.school_class(school))
    _give(teacher, pupil)
    [reminder] = _reminders()
    kind = get_kind(EXPIRY_KIND)

    with force_locale("en"):
        values = localized_values(reminder.context, "en", ZoneInfo("Europe/Oslo"))
        subject, body = kind.render_subject(values), kind.render_body(values)
    assert subject.endswith(f"of {pupil.name} runs out Saturday, July 31, 2027")
    assert "is valid until Saturday, July 31, 2027." in body
    with force_locale("nb"):
        values = localized_values(reminder.context, "nb", ZoneInfo("Europe/Oslo"))
        assert "lørdag 31. juli 2027" in kind.render_subject(values)
