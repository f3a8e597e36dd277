"""Consents: what is missing for whom, giving, superseding, withdrawing, guardians' answers."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from talent.audit.models import AuditEvent
from talent.consents import services
from talent.consents.models import Consent, ConsentKind, ConsentMethod
from talent.errors import AlreadyDone, ValidationFailed
from talent.extensions import db
from talent.people.models import Role
from tests.programmes import factories as pf
from tests.programmes.factories import NOW, TODAY


@pytest.fixture
def school_class(make):
    return make.school_class(make.school("Ullern videregående skole"), "2STA")


def test_missing_consents_names_what_is_missing_for_each_minor(make, school_class):
    none = make.student(school_class, "Emma Hansen", birth_date=date(2010, 5, 17))
    valid = make.student(school_class, "Jonas Berg", birth_date=date(2010, 1, 2))
    expired = make.student(school_class, "Sara Lie", birth_date=date(2010, 3, 3))
    withdrawn = make.student(school_class, "Ola Dahl", birth_date=date(2010, 3, 3))
    adult = make.student(school_class, "Nora Vik", birth_date=date(2008, 1, 1))
    pf.consent(valid, ConsentKind.LAB_VISITS)
    pf.consent(expired, ConsentKind.LAB_VISITS, expires_on=date(2026, 9, 30))
    pf.consent(withdrawn, ConsentKind.LAB_VISITS, withdrawn_at=NOW - timedelta(days=2))
    pf.consent(none, ConsentKind.PROGRAMME)  # another kind does not count

    missing = services.missing_consents(
        [none, valid, expired, withdrawn, adult], ConsentKind.LAB_VISITS, on=TODAY
    )

    assert set(missing) == {none.id, expired.id, withdrawn.id}
    assert missing[none.id] == (
        "Emma Hansen (16): no consent for lab visits from a guardian is recorded."
    )
    assert "valid only until 30. Sep 2026" in missing[expired.id]
    assert "withdrawn on 29. Sep 2026" in missing[withdrawn.id]


def test_missing_consents_looks_at_the_day_asked_about(make, school_class):
    pupil = make.student(school_class, birth_date=date(2008, 11, 20))  # 18 on 20 Nov 2026
    pf.consent(pupil, ConsentKind.LAB_VISITS, expires_on=date(2026, 10, 31))
    assert services.missing_consents([pupil], ConsentKind.LAB_VISITS, on=TODAY) == {}
    later = services.missing_consents([pupil], ConsentKind.LAB_VISITS, on=date(2026, 11, 10))
    assert "only until" in later[pupil.id]
    assert services.missing_consents([pupil], ConsentKind.LAB_VISITS, on=date(2026, 11, 20)) == {}


def test_missing_consents_runs_one_query_for_any_number_of_pupils(
    make, school_class, count_queries
):
    pupils = [make.student(school_class) for _ in range(30)]
    for pupil in pupils[::2]:
        pf.consent(pupil, ConsentKind.PHOTO_MEDIA)
    with count_queries() as counter:
        missing = services.missing_consents(pupils, ConsentKind.PHOTO_MEDIA, on=TODAY)
    assert counter.count == 1
    assert len(missing) == 15


def test_giving_again_supersedes_the_consent_in_force(make, school_class):
    teacher = make.user(Role.TEACHER, organization=school_class.school)
    pupil = make.student(school_class)
    first = services.give_consent(
        teacher,
        pupil,
        kind=ConsentKind.PROGRAMME,
        given_by="Kari Hansen",
        method=ConsentMethod.PAPER,
        given_on=date(2026, 9, 1),
        expires_on=date(2027, 7, 31),
        now=NOW,
    )
    second = services.give_consent(
        teacher,
        pupil,
        kind=ConsentKind.PROGRAMME,
        given_by="Per Hansen",
        method=ConsentMethod.EMAIL,
        now=NOW,
    )
    assert first.superseded_at == NOW and first.withdrawn_at is None
    assert second.is_current and second.given_at == NOW and second.expires_on is None
    assert first.given_at == datetime(2026, 9, 1, 10, 0, tzinfo=UTC)  # noon in Oslo
    assert services.current_consent(pupil, ConsentKind.PROGRAMME) is second
    actions = db.session.scalars(sa.select(AuditEvent.action)).all()
    assert actions.count("consent.give") == 2


def test_the_database_allows_one_current_consent_per_kind(make, school_class):
    pupil = make.student(school_class)
    pf.consent(pupil, ConsentKind.PROGRAMME)
    with pytest.raises(IntegrityError), db.session.begin_nested():
        pf.consent(pupil, ConsentKind.PROGRAMME)
    pf.consent(pupil, ConsentKind.PROGRAMME, withdrawn_at=NOW)  # a withdrawn one may be added


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"given_by": " "}, "given_by"),
        ({"given_on": date(2026, 10, 2)}, "given_on"),
        ({"given_on": date(2026, 9, 1), "expires_on": date(2026, 8, 1)}, "expires_on"),
        ({"given_on": date(2025, 9, 1), "expires_on": date(2026, 7, 31)}, "expires_on"),
    ],
)
def test_impossible_consents_are_refused_with_the_field(make, school_class, fields, field):
    pupil = make.student(school_class)
    values = {"given_by": "Kari", "kind": ConsentKind.PROGRAMME, "method": ConsentMethod.PAPER}
    values.update(fields)
    with pytest.raises(ValidationFailed) as refused:
        services.give_consent(None, pupil, now=NOW, **values)
    assert refused.value.field == field


def test_withdrawing_keeps_the_record_and_only_works_once(make, school_class):
    pupil = make.student(school_class)
    record = pf.consent(pupil)
    services.withdraw_consent(None, record, withdrawn_by="Kari Hansen", now=NOW)
    assert record.withdrawn_at == NOW and record.withdrawn_by == "Kari Hansen"
    with pytest.raises(AlreadyDone, match="already withdrawn"):
        services.withdraw_consent(None, record, withdrawn_by="Kari Hansen", now=NOW)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Consent)) == 1


def test_a_guardians_answer_gives_ticked_and_withdraws_unticked_kinds(make, school_class):
    teacher = make.user(Role.TEACHER, organization=school_class.school)
    pupil = make.student(school_class)
    parent = pf.guardian(pupil, "Kari Hansen")
    photo = pf.consent(pupil, ConsentKind.PHOTO_MEDIA)
    programme = pf.consent(pupil, ConsentKind.PROGRAMME)

    given, withdrawn = services.answer_by_guardian(
        parent,
        {ConsentKind.PROGRAMME, ConsentKind.LAB_VISITS},
        sent_by=teacher,
        now=NOW,
    )

    assert given == [ConsentKind.LAB_VISITS]
    assert withdrawn == [ConsentKind.PHOTO_MEDIA]
    assert photo.withdrawn_by == "Kari Hansen"
    assert programme.is_current  # already given: left alone
    lab = services.current_consent(pupil, ConsentKind.LAB_VISITS)
    assert lab.method is ConsentMethod.DIGITAL and lab.guardian is parent
    assert lab.expires_on == date(2027, 7, 31)  # end of the school year
    assert lab.recorded_by is teacher


def test_school_year_end():
    assert services.school_year_end(date(2026, 10, 1)) == date(2027, 7, 31)
    assert services.school_year_end(date(2027, 3, 1)) == date(2027, 7, 31)
    assert services.school_year_end(date(2027, 8, 1)) == date(2028, 7, 31)


def test_guardian_contact_details_are_checked(make, school_class):
    pupil = make.student(school_class)
    with pytest.raises(ValidationFailed) as refused:
        services.save_guardian(None, pupil, None, name="Kari", email="kari@", now=NOW)
    assert refused.value.field == "email"
    with pytest.raises(ValidationFailed) as refused:
        services.save_guardian(None, pupil, None, name="Kari", phone="call me", now=NOW)
    assert refused.value.field == "phone"


def test_changing_a_guardians_email_voids_links_sent_before(make, school_class):
    pupil = make.student(school_class)
    parent = services.save_guardian(None, pupil, None, name="Kari", email="k@example.org", now=NOW)
    nonce = parent.link_nonce
    services.save_guardian(None, pupil, parent, name="Kari H", email="k@example.org", now=NOW)
    assert parent.link_nonce == nonce
    services.save_guardian(None, pupil, parent, name="Kari H", email="kh@example.org", now=NOW)
    assert parent.link_nonce != nonce
