"""Booking rules: capacity, adults, age, a class in two places, blackouts, consents; moving
re-checks them all; state transitions are explicit."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from talent.errors import AlreadyDone, InvalidState, ValidationFailed
from talent.extensions import db
from talent.reminders.models import Notification, NotificationState
from talent.visits.models import ChecklistKind, SchoolBlackout, VisitSlot, VisitState
from talent.visits.services import booking
from talent.visits.services.capacity import SlotFull
from talent.visits.services.rules import RulesBroken
from tests.visits.conftest import NOW, add_site, add_slot, give_consents

pytestmark = pytest.mark.usefixtures("in_request")

TUESDAY = NOW + timedelta(days=8, hours=1)  # Tuesday 15 September 2026, 09:00 UTC


def messages(error) -> list[str]:
    return [str(problem.message) for problem in error.problems]


def test_booking_takes_places_and_plans_checklist_and_reminders(world, book):
    slot = add_slot(world.site, TUESDAY, capacity=30)
    visit = book(slot, pupils=12, adults=2)
    assert visit.state is VisitState.REQUESTED
    assert slot.persons_booked == 14
    assert {item.kind for item in visit.checklist} == set(ChecklistKind)
    assert all(item.due_on == date(2026, 9, 8) for item in visit.checklist)
    kinds = {
        (n.kind, n.recipient_id)
        for n in db.session.scalars(
            sa.select(Notification).where(Notification.subject_id == visit.id)
        )
    }
    assert ("visits.booked", world.host.id) in kinds
    assert ("visits.checklist_due", world.teacher.id) in kinds
    assert ("visits.soon", world.host.id) in kinds
    assert ("visits.feedback", world.teacher.id) in kinds


def test_capacity_counts_pupils_and_adults(world, book):
    slot = add_slot(world.site, TUESDAY, capacity=12)
    with pytest.raises(RulesBroken) as error:
        book(slot, pupils=11, adults=2)
    assert "at most 12 persons" in messages(error.value)[0]
    book(slot, pupils=10, adults=1)
    assert slot.persons_booked == 11


def test_a_full_slot_says_it_just_filled(world, book, make):
    slot = add_slot(world.site, TUESDAY, capacity=14)
    book(slot, pupils=10, adults=1)
    other_class = make.school_class(world.school, "3STB")
    others = [make.student(other_class) for _ in range(5)]
    with pytest.raises(SlotFull) as error:
        book(slot, pupils=5, adults=1, school_class=other_class, chosen=others)
    assert "just filled up" in str(error.value.message)
    assert "only 3 places" in str(error.value.message)
    assert slot.persons_booked == 11


def test_one_adult_per_ten_pupils_configurable_per_site(world, book):
    slot = add_slot(world.site, TUESDAY)
    with pytest.raises(RulesBroken) as error:
        book(slot, pupils=21, adults=2)
    assert "at least 3 adults for 21 pupils" in messages(error.value)[0]
    world.site.pupils_per_adult = 5
    with pytest.raises(RulesBroken) as error:
        book(slot, pupils=12, adults=2)
    assert "at least 3 adults" in messages(error.value)[0]
    assert book(slot, pupils=12, adults=3).adults_count == 3


def test_more_pupils_than_the_class_has(world, book):
    slot = add_slot(world.site, TUESDAY, capacity=40)
    with pytest.raises(RulesBroken) as error:
        book(slot, pupils=25, adults=3, chosen=world.pupils)
    assert error.value.problems[0].field == "pupils_count"
    assert "2STA has 24 pupils" in messages(error.value)[0]


def test_ticked_pupils_must_match_the_number(world, book):
    slot = add_slot(world.site, TUESDAY)
    with pytest.raises(RulesBroken) as error:
        book(slot, pupils=10, chosen=world.pupils[:8])
    assert error.value.problems[0].field == "pupils"


def test_pupils_from_another_class_are_refused(world, make):
    other_class = make.school_class(world.other_school, "1A")
    stranger = make.student(other_class)
    with pytest.raises(ValidationFailed):
        booking.load_pupils(world.school_class, [world.pupils[0].id, stranger.id])


def test_site_minimum_age(world, book, make):
    site = add_site(world.company, name="Radiation lab", minimum_age=16)
    slot = add_slot(site, TUESDAY)
    young = make.student(world.school_class, "Young Yngve", birth_date=date(2011, 1, 1))
    with pytest.raises(RulesBroken) as error:
        book(slot, pupils=2, adults=1, chosen=[world.pupils[0], young])
    assert "Young Yngve (15)" in messages(error.value)[0]
    assert error.value.problems[0].field == "pupils"


def test_a_class_cannot_be_in_two_places_at_once(world, book, make):
    other_site = add_site(world.other_company, name="Isotope lab")
    book(add_slot(world.site, TUESDAY), pupils=10)
    overlapping = add_slot(other_site, TUESDAY + timedelta(hours=1))
    with pytest.raises(RulesBroken) as error:
        book(overlapping, pupils=10)
    assert "cannot be in two places at once" in messages(error.value)[0]
    later = add_slot(other_site, TUESDAY + timedelta(hours=2))
    assert book(later, pupils=10).state is VisitState.REQUESTED


def test_school_blackout_dates(world, book):
    db.session.add(
        SchoolBlackout(
            school_id=world.school.id,
            starts_on=date(2026, 9, 14),
            ends_on=date(2026, 9, 18),
            reason="Exam week",
        )
    )
    slot = add_slot(world.site, TUESDAY)
    with pytest.raises(RulesBroken) as error:
        book(slot, pupils=10)
    assert "Exam week" in messages(error.value)[0]
    # Another school's blackout does not matter.
    db.session.execute(sa.delete(SchoolBlackout))
    assert book(slot, pupils=10).state is VisitState.REQUESTED


def test_slot_in_the_past_or_cancelled(world, book):
    past = add_slot(world.site, NOW - timedelta(hours=1))
    with pytest.raises(RulesBroken) as error:
        book(past, pupils=10)
    assert "already started" in messages(error.value)[0]
    cancelled = add_slot(world.site, TUESDAY, cancelled_at=NOW)
    with pytest.raises(RulesBroken):
        book(cancelled, pupils=10)


def test_confirmation_lists_pupils_without_consent(world, book):
    slot = add_slot(world.site, TUESDAY)
    visit = book(slot, pupils=3, adults=1)
    give_consents(world.pupils[:2])
    with pytest.raises(RulesBroken) as error:
        booking.confirm_visit(world.host, visit, now=NOW)
    lines = messages(error.value)
    assert "1 pupils have no valid consent" in lines[0]
    assert lines[1].startswith("Pupil 03")
    give_consents(world.pupils[2:3])
    booking.confirm_visit(world.host, visit, now=NOW)
    assert visit.state is VisitState.CONFIRMED
    assert visit.decided_by == world.host


def test_adults_of_age_need_no_consent(world, book, make):
    slot = add_slot(world.site, TUESDAY)
    adult = make.student(world.school_class, "Adult Ada", birth_date=date(2007, 1, 1))
    visit = book(slot, pupils=1, adults=1, chosen=[adult])
    booking.confirm_visit(world.host, visit, now=NOW)
    assert visit.state is VisitState.CONFIRMED


def test_moving_rechecks_every_rule_and_asks_for_confirmation_again(world, book):
    slot = add_slot(world.site, TUESDAY, capacity=30)
    visit = book(slot, pupils=10, adults=1)
    give_consents(world.pupils[:10])
    booking.confirm_visit(world.host, visit, now=NOW)
    small = add_slot(world.site, TUESDAY + timedelta(days=7), capacity=8)
    with pytest.raises(RulesBroken):
        booking.move_visit(world.teacher, visit, small, now=NOW)
    db.session.add(
        SchoolBlackout(
            school_id=world.school.id,
            starts_on=date(2026, 9, 29),
            ends_on=date(2026, 9, 29),
            reason="Study day",
        )
    )
    blacked = add_slot(world.site, TUESDAY + timedelta(days=14))
    with pytest.raises(RulesBroken) as error:
        booking.move_visit(world.teacher, visit, blacked, now=NOW)
    assert "Study day" in messages(error.value)[0]

    target = add_slot(world.site, TUESDAY + timedelta(days=21))
    booking.move_visit(world.teacher, visit, target, now=NOW)
    assert visit.slot == target
    assert visit.state is VisitState.REQUESTED
    assert slot.persons_booked == 0
    assert target.persons_booked == 11
    moved = db.session.scalars(
        sa.select(Notification).where(Notification.kind == "visits.moved")
    ).all()
    assert {n.recipient_id for n in moved} == {world.host.id}


def test_moving_within_the_same_class_time_is_not_a_clash_with_itself(world, book):
    slot = add_slot(world.site, TUESDAY, capacity=30)
    visit = book(slot, pupils=10)
    overlapping = add_slot(world.site, TUESDAY + timedelta(hours=2), capacity=30)
    booking.move_visit(world.teacher, visit, overlapping, now=NOW)
    assert visit.slot == overlapping


def test_cancelling_tells_everyone_and_drops_reminders(world, book):
    slot = add_slot(world.site, TUESDAY)
    visit = book(slot, pupils=10)
    with pytest.raises(ValidationFailed):
        booking.cancel_visit(world.teacher, visit, reason="  ", now=NOW)
    booking.cancel_visit(world.teacher, visit, reason="Bus strike", now=NOW)
    assert visit.state is VisitState.CANCELLED
    assert slot.persons_booked == 0
    notices = db.session.scalars(
        sa.select(Notification).where(Notification.kind == "visits.cancelled")
    ).all()
    assert [n.recipient_id for n in notices] == [world.host.id]
    assert notices[0].context["reason"] == "Bus strike"
    pending = db.session.scalars(
        sa.select(Notification).where(
            Notification.kind.in_(["visits.soon", "visits.checklist_due", "visits.feedback"])
        )
    ).all()
    assert pending and all(n.state is NotificationState.CANCELLED for n in pending)
    with pytest.raises(AlreadyDone, match="already cancelled"):
        booking.cancel_visit(world.teacher, visit, reason="Again", now=NOW)


def test_decline_needs_a_reason_and_frees_the_places(world, book):
    slot = add_slot(world.site, TUESDAY)
    visit = book(slot, pupils=10)
    with pytest.raises(ValidationFailed) as error:
        booking.decline_visit(world.host, visit, reason="", now=NOW)
    assert error.value.field == "reason"
    booking.decline_visit(world.host, visit, reason="Lab closed for service", now=NOW)
    assert visit.state is VisitState.DECLINED
    assert slot.persons_booked == 0
    with pytest.raises(InvalidState):
        booking.confirm_visit(world.host, visit, now=NOW)


def test_changing_the_group_adjusts_the_places(world, book):
    slot = add_slot(world.site, TUESDAY, capacity=20)
    visit = book(slot, pupils=10, adults=1)
    booking.update_visit(
        world.teacher,
        visit,
        pupils=world.pupils[:15],
        pupils_count=15,
        adults_count=2,
        notes="Two wheelchair users",
        now=NOW,
    )
    assert slot.persons_booked == 17
    assert len(visit.participants) == 15
    with pytest.raises(RulesBroken):
        booking.update_visit(
            world.teacher,
            visit,
            pupils=world.pupils[:19],
            pupils_count=19,
            adults_count=2,
            notes="",
            now=NOW,
        )
    db.session.rollback()


def test_cancelling_a_slot_cancels_its_visits(world, book):
    slot = add_slot(world.site, TUESDAY)
    visit = book(slot, pupils=10)
    assert booking.cancel_slot(world.host, slot, reason="Power outage", now=NOW) == 1
    assert visit.state is VisitState.CANCELLED
    assert slot.is_cancelled


def test_the_check_constraint_guards_capacity(world):
    slot = add_slot(world.site, TUESDAY, capacity=5)
    db.session.commit()
    with pytest.raises(sa.exc.IntegrityError):
        db.session.execute(
            sa.update(VisitSlot).where(VisitSlot.id == slot.id).values(persons_booked=6)
        )
        db.session.flush()
    db.session.rollback()
