"""`talent check-integrity` recomputes every derived counter, lists each drift, and `--repair`
sets it right."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from talent.courses.models import Course
from talent.extensions import db
from talent.integrity import find_drift
from talent.mentoring.models import MentorProfile, Pairing
from talent.programmes.models import Programme
from talent.visits.models import VisitSlot
from tests.integrity.conftest import NOW, first, sql
from tests.support.integrity import assert_integrity_clean


def test_a_generated_world_passes_every_check(world, check):
    result = check()

    assert result.exit_code == 0, result.output
    assert "All 21 checks passed" in result.output
    assert_integrity_clean(now=NOW)


def test_a_slot_counting_fewer_persons_than_its_visits_hold_is_listed(world, check):
    slot_id, booked = first(
        "SELECT id, persons_booked FROM visit_slots WHERE persons_booked > 0 ORDER BY id"
    )
    sql("UPDATE visit_slots SET persons_booked = 0 WHERE id = :id", id=slot_id)

    result = check()

    assert result.exit_code == 1
    assert (
        f"visits.persons_booked: visit slot {slot_id}: says persons_booked = 0, "
        f"the rows say {booked}" in result.output
    )
    assert "1 drifts found in" in result.output
    assert "(1 of them counters that --repair sets right)" in result.output


def test_a_mentor_counting_wrong_open_pairings_is_listed(world, check):
    mentor_id, count = first(
        "SELECT id, open_pairings FROM mentor_profiles WHERE open_pairings > 0 ORDER BY id"
    )
    sql("UPDATE mentor_profiles SET open_pairings = open_pairings - 1 WHERE id = :id", id=mentor_id)

    result = check()

    assert result.exit_code == 1
    assert (
        f"mentoring.open_pairings: mentor profile {mentor_id}: says open_pairings = {count - 1}, "
        f"the rows say {count}" in result.output
    )


def test_a_pairing_whose_latest_session_day_is_wrong_is_listed(world, check):
    pairing_id, latest = first(
        "SELECT pairing_id, MAX(held_on) FROM mentoring_sessions GROUP BY pairing_id ORDER BY 1"
    )
    sql(
        "UPDATE pairings SET last_session_on = :day WHERE id = :id",
        day=date(2020, 1, 1),
        id=pairing_id,
    )

    result = check()

    assert result.exit_code == 1
    assert (
        f"mentoring.last_session_on: pairing {pairing_id}: says last_session_on = 2020-01-01"
        in (result.output)
    )
    assert str(latest) in result.output


def test_a_course_counting_a_seat_nobody_holds_is_listed(world, check):
    course_id, taken = first(
        "SELECT id, seats_taken FROM courses WHERE seats_taken < capacity ORDER BY id"
    )
    sql("UPDATE courses SET seats_taken = seats_taken + 1 WHERE id = :id", id=course_id)

    result = check()

    assert result.exit_code == 1
    assert (
        f"courses.seats_taken: course {course_id}: says seats_taken = {taken + 1}, "
        f"the rows say {taken}" in result.output
    )


def test_a_waitlist_counter_behind_a_ticket_handed_out_is_listed(world, check):
    course_id, enrollment_id = first(
        "SELECT course_id, id FROM course_enrollments WHERE state = 'applied' ORDER BY id"
    )
    sql(
        "UPDATE course_enrollments SET state = 'waitlisted', queue_number = 7 WHERE id = :id",
        id=enrollment_id,
    )
    sql("UPDATE courses SET last_queue_number = 3 WHERE id = :id", id=course_id)

    result = check()

    assert result.exit_code == 1
    assert (
        f"courses.last_queue_number: course {course_id}: says last_queue_number = 3, "
        "the rows say 7" in result.output
    )


def test_a_programme_counting_wrong_places_is_listed(world, check):
    programme_id, taken = first(
        "SELECT id, places_taken FROM programmes WHERE places_taken > 0 ORDER BY id"
    )
    sql("UPDATE programmes SET places_taken = places_taken - 1 WHERE id = :id", id=programme_id)

    result = check()

    assert result.exit_code == 1
    assert (
        f"programmes.places_taken: programme {programme_id}: says places_taken = {taken - 1}, "
        f"the rows say {taken}" in result.output
    )


def test_repair_sets_every_drifted_counter_and_a_second_run_is_clean(world, check):
    slot_id, booked = first("SELECT id, persons_booked FROM visit_slots WHERE persons_booked > 0")
    mentor_id, pairings = first(
        "SELECT id, open_pairings FROM mentor_profiles WHERE open_pairings > 0"
    )
    pairing_id, latest = first(
        "SELECT pairing_id, MAX(held_on) FROM mentoring_sessions GROUP BY pairing_id"
    )
    course_id, seats = first("SELECT id, seats_taken FROM courses WHERE seats_taken > 0")
    programme_id, places = first("SELECT id, places_taken FROM programmes WHERE places_taken > 0")
    sql("UPDATE visit_slots SET persons_booked = persons_booked - 1 WHERE id = :id", id=slot_id)
    sql("UPDATE mentor_profiles SET open_pairings = 0 WHERE id = :id", id=mentor_id)
    sql("UPDATE pairings SET last_session_on = NULL WHERE id = :id", id=pairing_id)
    sql("UPDATE courses SET seats_taken = seats_taken - 1 WHERE id = :id", id=course_id)
    sql("UPDATE programmes SET places_taken = places_taken - 1 WHERE id = :id", id=programme_id)
    assert len(find_drift(now=NOW)) == 5

    repaired = check("--repair")

    assert repaired.exit_code == 0, repaired.output
    assert (
        f"✓ repaired visits.persons_booked: visit slot {slot_id}: "
        f"persons_booked = {booked - 1} → {booked}" in repaired.output
    )
    assert repaired.output.count("✓ repaired") == 5
    assert "5 counters repaired; nothing else drifted." in repaired.output
    db.session.expire_all()
    assert db.session.get(VisitSlot, slot_id).persons_booked == booked
    assert db.session.get(MentorProfile, mentor_id).open_pairings == pairings
    assert str(db.session.get(Pairing, pairing_id).last_session_on) == str(latest)
    assert db.session.get(Course, course_id).seats_taken == seats
    assert db.session.get(Programme, programme_id).places_taken == places
    again = check()
    assert again.exit_code == 0, again.output
    assert "All 21 checks passed" in again.output


def test_repair_leaves_a_counter_whose_rows_exceed_the_capacity_and_fails(world, check):
    slot_id = first("SELECT id FROM visit_slots WHERE persons_booked > 1 ORDER BY id")[0]
    sql("UPDATE visit_slots SET capacity = 1, persons_booked = 1 WHERE id = :id", id=slot_id)
    course_id = first("SELECT id FROM courses WHERE seats_taken > 0 ORDER BY id")[0]
    sql("UPDATE courses SET seats_taken = seats_taken - 1 WHERE id = :id", id=course_id)

    result = check("--repair")

    assert result.exit_code == 1
    assert f"✓ repaired courses.seats_taken: course {course_id}" in result.output
    assert f"visits.slot_within_capacity: visit slot {slot_id}: says capacity 1" in result.output
    assert "repaired visits.persons_booked" not in result.output
    assert "1 counters repaired; 2 drifts left for a person to fix." in result.output
    db.session.expire_all()
    assert db.session.get(VisitSlot, slot_id).persons_booked == 1
    assert sorted(d.check for d in find_drift(now=NOW)) == [
        "visits.persons_booked",
        "visits.slot_within_capacity",
    ]


def test_repair_recounts_under_the_lock_what_changed_since_the_check(world):
    from talent.integrity import repair_counters

    slot_id, booked = first("SELECT id, persons_booked FROM visit_slots WHERE persons_booked > 1")
    sql("UPDATE visit_slots SET persons_booked = 1 WHERE id = :id", id=slot_id)
    drifts = find_drift(now=NOW)
    assert [(drift.row_id, drift.computed) for drift in drifts] == [(slot_id, booked)]
    # A visit on the slot is cancelled between the check and the repair.
    visit_id, persons = first(
        "SELECT id, pupils_count + adults_count FROM lab_visits WHERE slot_id = :id "
        "AND state IN ('requested', 'confirmed', 'completed')",
        id=slot_id,
    )
    sql("UPDATE lab_visits SET state = 'cancelled' WHERE id = :id", id=visit_id)

    repaired = repair_counters(drifts)
    db.session.commit()

    assert [fixed.computed for fixed in repaired] == [booked - persons]
    assert (
        db.session.scalar(sa.select(VisitSlot.persons_booked).where(VisitSlot.id == slot_id))
        == booked - persons
    )
