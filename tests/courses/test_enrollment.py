"""Enrolling, the waitlist and its offers, applications and their review."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from talent.courses.models import AdmissionMode, Course, CourseEnrollment, EnrollmentState
from talent.courses.services import enrollment, management, waitlist
from talent.errors import (
    AlreadyDone,
    Conflict,
    InvalidState,
    NotAllowed,
    NotFound,
    ValidationFailed,
)
from talent.extensions import db
from talent.people.models import OrganizationKind, Role
from tests import factories
from tests.courses.conftest import NOW, coordinator, course, researcher

S = EnrollmentState


def _states(*enrollments) -> list[EnrollmentState]:
    for item in enrollments:
        db.session.refresh(item)
    return [item.state for item in enrollments]


def test_seats_go_first_come_and_the_rest_wait_in_order(app):
    item = course(capacity=2)
    people = [researcher() for _ in range(4)]

    enrolled = [enrollment.enroll(person, item, now=NOW) for person in people]

    assert [e.state for e in enrolled] == [S.CONFIRMED, S.CONFIRMED, S.WAITLISTED, S.WAITLISTED]
    assert item.seats_taken == 2 and item.seats_left == 0
    assert [waitlist.waitlist_position(e) for e in enrolled] == [None, None, 1, 2]
    assert waitlist.waitlist_positions(enrolled) == {enrolled[2].id: 1, enrolled[3].id: 2}


def test_enrolling_twice_is_one_enrollment(app):
    item = course()
    person = researcher()

    first = enrollment.enroll(person, item, now=NOW)
    again = enrollment.enroll(person, item, now=NOW + timedelta(seconds=1))

    assert again.id == first.id
    assert db.session.scalar(sa.select(sa.func.count(CourseEnrollment.id))) == 1
    assert item.seats_taken == 1


@pytest.mark.parametrize(
    ("moment", "message"),
    [(NOW - timedelta(days=8), "not opened yet"), (NOW + timedelta(days=14), "has closed")],
)
def test_enrollment_outside_the_window_is_refused(app, moment, message):
    item = course()
    with pytest.raises(InvalidState, match=message):
        enrollment.enroll(researcher(), item, now=moment)


def test_an_unpublished_course_takes_nobody(app):
    with pytest.raises(NotFound):
        enrollment.enroll(researcher(), course(is_published=False), now=NOW)


def test_eligibility_by_role_and_by_kind_of_institution(app):
    hospitals_only = course(eligible_kinds=["hospital"])
    mentors_only = course(eligible_roles=["mentor"])
    company_person = researcher(organization=factories.organization(kind=OrganizationKind.COMPANY))
    hospital_person = researcher()

    with pytest.raises(NotAllowed, match="kinds of institution"):
        enrollment.enroll(company_person, hospitals_only, now=NOW)
    assert enrollment.enroll(hospital_person, hospitals_only, now=NOW).state is S.CONFIRMED
    with pytest.raises(NotAllowed, match="role"):
        enrollment.enroll(hospital_person, mentors_only, now=NOW)
    mentor = factories.user(Role.MENTOR)
    assert enrollment.enroll(mentor, mentors_only, now=NOW).state is S.CONFIRMED


def test_a_withdrawal_offers_the_seat_to_the_first_in_line(app):
    item = course(capacity=1, offer_hours=48)
    seated, first, second = researcher(), researcher(), researcher()
    mine = enrollment.enroll(seated, item, now=NOW)
    one = enrollment.enroll(first, item, now=NOW)
    two = enrollment.enroll(second, item, now=NOW)

    enrollment.withdraw(seated, mine, now=NOW + timedelta(hours=1))

    assert _states(mine, one, two) == [S.WITHDRAWN, S.OFFERED, S.WAITLISTED]
    assert one.offer_expires_at == NOW + timedelta(hours=49)
    assert item.seats_taken == 1  # the offer holds the seat
    assert waitlist.waitlist_position(two) == 1
    with pytest.raises(AlreadyDone, match="already withdrawn"):
        enrollment.withdraw(seated, mine, now=NOW + timedelta(hours=2))


def test_accepting_takes_the_seat_and_repeating_changes_nothing(app):
    item = course(capacity=1)
    seated, waiting = researcher(), researcher()
    mine = enrollment.enroll(seated, item, now=NOW)
    offer = enrollment.enroll(waiting, item, now=NOW)
    enrollment.withdraw(seated, mine, now=NOW)

    waitlist.accept_offer(waiting, offer, now=NOW + timedelta(hours=3))
    with pytest.raises(AlreadyDone, match="already accepted"):
        waitlist.accept_offer(waiting, offer, now=NOW + timedelta(hours=3))

    assert offer.state is S.CONFIRMED and offer.confirmed_at == NOW + timedelta(hours=3)
    assert item.seats_taken == 1


def test_declining_passes_the_offer_on_and_the_last_decline_frees_the_seat(app):
    item = course(capacity=1)
    seated, first, second = researcher(), researcher(), researcher()
    mine = enrollment.enroll(seated, item, now=NOW)
    one = enrollment.enroll(first, item, now=NOW)
    two = enrollment.enroll(second, item, now=NOW)
    enrollment.withdraw(seated, mine, now=NOW)

    waitlist.decline_offer(first, one, now=NOW + timedelta(hours=1))
    assert _states(one, two) == [S.DECLINED, S.OFFERED]
    waitlist.decline_offer(second, two, now=NOW + timedelta(hours=2))

    assert two.state is S.DECLINED
    assert item.seats_taken == 0
    with pytest.raises(InvalidState, match="no open offer"):
        waitlist.accept_offer(second, two, now=NOW + timedelta(hours=3))


def test_an_offer_lapses_after_its_deadline_and_passes_on(app):
    item = course(capacity=1, offer_hours=24)
    seated, first, second = researcher(), researcher(), researcher()
    mine = enrollment.enroll(seated, item, now=NOW)
    one = enrollment.enroll(first, item, now=NOW)
    two = enrollment.enroll(second, item, now=NOW)
    enrollment.withdraw(seated, mine, now=NOW)

    assert waitlist.expire_offers(NOW + timedelta(hours=23)) == 0
    with pytest.raises(InvalidState, match="lapsed"):
        waitlist.accept_offer(first, one, now=NOW + timedelta(hours=24))
    assert waitlist.expire_offers(NOW + timedelta(hours=24)) == 1
    assert waitlist.expire_offers(NOW + timedelta(hours=24)) == 0

    assert _states(one, two) == [S.LAPSED, S.OFFERED]
    assert two.offer_expires_at == NOW + timedelta(hours=48)
    with pytest.raises(InvalidState, match="lapsed"):
        waitlist.accept_offer(first, one, now=NOW + timedelta(hours=25))


def test_an_offer_never_outlives_the_course_and_none_is_made_after_it(app):
    item = course(capacity=1, starts_on=date(2027, 3, 1), ends_on=date(2027, 3, 2), offer_hours=72)
    seated, first = researcher(), researcher()
    mine = enrollment.enroll(seated, item, now=NOW)
    one = enrollment.enroll(first, item, now=NOW)

    enrollment.withdraw(seated, mine, now=NOW)

    assert one.state is S.OFFERED
    assert one.offer_expires_at == item.ends_at  # end of 2 March, Oslo time
    waitlist.expire_offers(item.ends_at + timedelta(seconds=1))
    assert one.state is S.LAPSED
    assert item.seats_taken == 0


def test_illegal_moves_raise_invalid_state_with_a_message(app):
    item = course(capacity=1)
    person = researcher()
    seated = enrollment.enroll(person, item, now=NOW)

    with pytest.raises(InvalidState, match="no open offer"):
        waitlist.decline_offer(person, seated, now=NOW)
    seated.move_to(S.COMPLETED)
    with pytest.raises(InvalidState, match="completed"):
        enrollment.withdraw(person, seated, now=NOW)
    with pytest.raises(InvalidState, match="cannot become"):
        seated.move_to(S.OFFERED)


def test_more_capacity_offers_seats_to_the_waitlist(app):
    actor = coordinator()
    item = course(capacity=1)
    people = [researcher() for _ in range(3)]
    enrolled = [enrollment.enroll(person, item, now=NOW) for person in people]

    management.save_course(actor, item, _details(item, capacity=2), now=NOW)

    assert _states(*enrolled) == [S.CONFIRMED, S.OFFERED, S.WAITLISTED]
    assert item.seats_taken == 2


def test_capacity_cannot_drop_below_the_seats_taken(app):
    actor = coordinator()
    item = course(capacity=3)
    for _ in range(2):
        enrollment.enroll(researcher(), item, now=NOW)

    with pytest.raises(Conflict, match="2 people already hold a seat") as refused:
        management.save_course(actor, item, _details(item, capacity=1), now=NOW)
    assert refused.value.field == "capacity"


def test_the_database_refuses_overbooking_and_duplicate_live_enrollments(app):
    item = course(capacity=1)
    person = researcher()
    enrollment.enroll(person, item, now=NOW)
    db.session.commit()

    with pytest.raises(IntegrityError):
        db.session.execute(sa.update(Course).values(seats_taken=Course.capacity + 1))
    db.session.rollback()
    with pytest.raises(IntegrityError):
        db.session.add(CourseEnrollment(course_id=item.id, user_id=person.id, state=S.WAITLISTED))
        db.session.flush()
    db.session.rollback()


def test_after_withdrawing_one_can_enroll_again(app):
    item = course(capacity=2)
    person = researcher()
    first = enrollment.enroll(person, item, now=NOW)
    enrollment.withdraw(person, first, now=NOW)

    again = enrollment.enroll(person, item, now=NOW)

    assert again.id != first.id and again.state is S.CONFIRMED


def _details(item: Course, **changes) -> management.CourseDetails:
    values = {
        name: getattr(item, name)
        for name in (
            "title",
            "starts_on",
            "ends_on",
            "enrollment_opens_at",
            "enrollment_closes_at",
            "capacity",
            "summary",
            "language",
            "format",
            "location",
            "timezone",
            "admission_mode",
            "institution_quota",
            "completion_percent",
            "offer_hours",
            "is_published",
        )
    }
    values.update(changes)
    return management.CourseDetails(**values)


# Selection ---------------------------------------------------------------------------------------

MOTIVATION = "I lead a clinical trial and want to learn how to license our findings."


def test_an_application_is_drafted_then_sent(app):
    item = course(admission_mode=AdmissionMode.SELECTION)
    person = researcher()

    draft = enrollment.save_application(person, item, motivation="Draft", submit=False, now=NOW)
    assert draft.state is S.DRAFT and draft.submitted_at is None
    with pytest.raises(ValidationFailed, match="at least 20") as short:
        enrollment.save_application(person, item, motivation="Too short", submit=True, now=NOW)
    assert short.value.field == "motivation"
    sent = enrollment.save_application(person, item, motivation=MOTIVATION, submit=True, now=NOW)
    again = enrollment.save_application(person, item, motivation=MOTIVATION, submit=True, now=NOW)

    assert sent.id == draft.id == again.id
    assert sent.state is S.APPLIED and sent.submitted_at == NOW
    with pytest.raises(InvalidState, match="can no longer be changed"):
        enrollment.save_application(person, item, motivation="Changed" * 5, submit=True, now=NOW)
    with pytest.raises(InvalidState, match="application"):
        enrollment.enroll(researcher(), item, now=NOW)


def test_applications_after_the_deadline_are_refused(app):
    item = course(admission_mode=AdmissionMode.SELECTION)
    with pytest.raises(InvalidState, match="closed"):
        enrollment.save_application(
            researcher(), item, motivation=MOTIVATION, submit=True, now=NOW + timedelta(days=30)
        )


def test_admission_respects_seats_and_the_institution_quota(app):
    actor = coordinator()
    item = course(capacity=3, admission_mode=AdmissionMode.SELECTION, institution_quota=1)
    hospital = factories.organization("Oslo universitetssykehus", kind=OrganizationKind.HOSPITAL)
    same_a, same_b = researcher(hospital), researcher(hospital)
    others = [researcher() for _ in range(3)]
    applications = {
        person.id: enrollment.save_application(
            person, item, motivation=MOTIVATION, submit=True, now=NOW
        )
        for person in [same_a, same_b, *others]
    }

    enrollment.score_application(actor, applications[same_a.id], 9, now=NOW)
    assert enrollment.admit(actor, applications[same_a.id], now=NOW).state is S.CONFIRMED
    with pytest.raises(Conflict, match="Oslo universitetssykehus already has 1 seats"):
        enrollment.admit(actor, applications[same_b.id], now=NOW)
    enrollment.admit(actor, applications[others[0].id], now=NOW)
    enrollment.admit(actor, applications[others[1].id], now=NOW)
    full = enrollment.admit(actor, applications[others[2].id], now=NOW)
    assert full.state is S.WAITLISTED and waitlist.waitlist_position(full) == 1
    enrollment.reject(actor, applications[same_b.id], now=NOW)
    with pytest.raises(AlreadyDone, match="already turned down"):
        enrollment.reject(actor, applications[same_b.id], now=NOW)
    with pytest.raises(InvalidState, match="Only a sent application"):
        enrollment.admit(actor, applications[same_b.id], now=NOW)
    with pytest.raises(ValidationFailed, match="0 to 10"):
        enrollment.score_application(actor, applications[others[0].id], 11, now=NOW)
    assert applications[same_a.id].score == 9 and applications[same_a.id].scored_by_id == actor.id
