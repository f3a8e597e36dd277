"""`talent check-integrity` lists every broken rule across records, and `--repair` cannot mend
them: it still exits 1."""

from __future__ import annotations

import pytest

from talent.extensions import db
from tests.integrity.conftest import NOW, first, sql

VISIT_AHEAD = (
    "SELECT v.id, v.slot_id, v.school_class_id FROM lab_visits v "
    "JOIN visit_slots s ON s.id = v.slot_id WHERE v.state = :state AND s.starts_at > :now "
    "AND EXISTS (SELECT 1 FROM visit_participants p WHERE p.visit_id = v.id) ORDER BY v.id"
)


def visit_ahead(state: str = "confirmed"):
    return first(VISIT_AHEAD, state=state, now=NOW)


def test_a_slot_holding_more_persons_than_its_capacity_is_listed(world, check):
    slot_id, booked = first("SELECT id, persons_booked FROM visit_slots WHERE persons_booked > 1")
    sql("UPDATE visit_slots SET capacity = 1, persons_booked = 1 WHERE id = :id", id=slot_id)

    result = check("--repair")

    assert result.exit_code == 1
    assert (
        f"visits.slot_within_capacity: visit slot {slot_id}: says capacity 1, the rows say "
        f"{booked} persons on visits holding a place" in result.output
    )


def test_an_open_visit_on_a_cancelled_slot_is_listed(world, check):
    visit_id, slot_id, _ = visit_ahead()
    sql("UPDATE visit_slots SET cancelled_at = :now WHERE id = :id", now=NOW, id=slot_id)

    result = check()

    assert result.exit_code == 1
    assert (
        f"visits.open_visit_on_cancelled_slot: lab visit {visit_id}: says state confirmed, "
        f"the rows say its slot {slot_id} is cancelled" in result.output
    )


def test_a_class_booked_in_two_places_at_once_is_listed(world, check):
    visit_id, slot_id, class_id = visit_ahead()
    other_id, other_slot_id, _ = visit_ahead("requested")
    sql(
        "UPDATE visit_slots SET starts_at = (SELECT starts_at FROM visit_slots WHERE id = :one), "
        "ends_at = (SELECT ends_at FROM visit_slots WHERE id = :one) WHERE id = :other",
        one=slot_id,
        other=other_slot_id,
    )
    sql("UPDATE lab_visits SET school_class_id = :c WHERE id = :id", c=class_id, id=other_id)

    result = check()

    assert result.exit_code == 1
    one, other = sorted((visit_id, other_id))
    assert (
        f"visits.class_in_one_place: school class {class_id}: says lab visits {one} and {other} "
        "are open, the rows say their slots overlap in time" in result.output
    )


def test_a_minor_without_lab_visit_consent_on_a_confirmed_visit_ahead_is_listed(world, check):
    visit_id, _, _ = visit_ahead()
    pupil_id = first("SELECT student_id FROM visit_participants WHERE visit_id = :id", id=visit_id)[
        0
    ]
    adult_id = first(
        "SELECT student_id FROM visit_participants WHERE visit_id = :id AND student_id <> :p",
        id=visit_id,
        p=pupil_id,
    )[0]
    sql("UPDATE students SET birth_date = '2011-03-01' WHERE id = :id", id=pupil_id)
    sql("UPDATE students SET birth_date = '2001-03-01' WHERE id = :id", id=adult_id)
    sql(
        "UPDATE consents SET withdrawn_at = :now, withdrawn_by = 'Guardian' "
        "WHERE student_id IN (:p, :a) AND kind = 'lab_visits'",
        now=NOW,
        p=pupil_id,
        a=adult_id,
    )

    result = check()

    assert result.exit_code == 1
    assert (
        f"visits.minors_have_consent: lab visit {visit_id}, pupil {pupil_id}: says confirmed for "
        in result.output
    )
    assert "aged 16 with no lab-visit consent in force" in result.output
    assert f"pupil {adult_id}:" not in result.output, "of age: needs no guardian's consent"


def test_a_consent_that_runs_out_before_the_visit_is_listed(world, check):
    visit_id, _, _ = visit_ahead()
    pupil_id = first("SELECT student_id FROM visit_participants WHERE visit_id = :id", id=visit_id)[
        0
    ]
    sql("UPDATE students SET birth_date = '2011-03-01' WHERE id = :id", id=pupil_id)
    sql(
        "UPDATE consents SET expires_on = '2026-11-30' WHERE student_id = :p "
        "AND kind = 'lab_visits' AND withdrawn_at IS NULL",
        p=pupil_id,
    )

    result = check()

    assert result.exit_code == 1
    assert f"lab visit {visit_id}, pupil {pupil_id}:" in result.output
    assert "consent expired" in result.output


def test_a_pupil_below_the_sites_minimum_age_is_listed(world, check):
    visit_id, slot_id, _ = visit_ahead("requested")
    sql(
        "UPDATE lab_sites SET minimum_age = 25 "
        "WHERE id = (SELECT site_id FROM visit_slots WHERE id = :id)",
        id=slot_id,
    )

    result = check()

    assert result.exit_code == 1
    assert f"visits.pupils_old_enough: lab visit {visit_id}, pupil " in result.output
    assert "at a site from 25 years, the rows say aged" in result.output


def test_a_mentor_with_more_open_pairings_than_capacity_is_listed(world, check):
    mentor_id, count = first(
        "SELECT id, open_pairings FROM mentor_profiles WHERE open_pairings > 0"
    )
    sql("UPDATE mentor_profiles SET capacity = 0, open_pairings = 0 WHERE id = :id", id=mentor_id)

    result = check("--repair")

    assert result.exit_code == 1
    assert (
        f"mentoring.mentor_within_capacity: mentor profile {mentor_id}: says capacity 0, "
        f"the rows say {count} open pairings" in result.output
    )
    assert "repaired mentoring.open_pairings" not in result.output


def test_a_minor_paired_with_a_mentor_whose_vetting_lapsed_is_listed(world, check):
    pairing_id, mentor_id, pupil_id = first(
        "SELECT p.id, p.mentor_id, m.student_id FROM pairings p "
        "JOIN mentee_profiles m ON m.id = p.mentee_id "
        "WHERE p.state = 'active' AND m.kind = 'pupil' ORDER BY p.id"
    )
    sql("UPDATE students SET birth_date = '2011-03-01' WHERE id = :id", id=pupil_id)
    sql(
        "UPDATE mentor_profiles SET police_certificate_on = '2023-01-01', "
        "police_certificate_expires_on = '2026-11-29' WHERE id = :id",
        id=mentor_id,
    )

    result = check()

    assert result.exit_code == 1
    assert (
        f"mentoring.minors_have_vetted_mentors: pairing {pairing_id} (mentor profile {mentor_id}, "
        f"pupil {pupil_id}): says state active with a pupil under 18" in result.output
    )


def test_a_course_with_more_seat_holders_than_capacity_is_listed(world, check):
    course_id, taken = first("SELECT id, seats_taken FROM courses WHERE seats_taken > 1")
    sql("UPDATE courses SET capacity = 1, seats_taken = 1 WHERE id = :id", id=course_id)

    result = check()

    assert result.exit_code == 1
    assert (
        f"courses.course_within_capacity: course {course_id}: says capacity 1, the rows say "
        f"{taken} enrollments holding a seat" in result.output
    )


def test_a_waitlist_ticket_handed_out_twice_is_listed(world, check):
    course_id = first(
        "SELECT course_id FROM course_enrollments GROUP BY course_id "
        "HAVING COUNT(*) > 1 ORDER BY course_id"
    )[0]
    sql(
        "UPDATE course_enrollments SET queue_number = 1 WHERE id IN (SELECT id FROM "
        "course_enrollments WHERE course_id = :c ORDER BY id LIMIT 2)",
        c=course_id,
    )
    sql("UPDATE courses SET last_queue_number = 1 WHERE id = :c", c=course_id)

    result = check()

    assert result.exit_code == 1
    assert (
        f"courses.tickets_unique: course {course_id}: says waitlist ticket 1 handed out once, "
        "the rows say 2 enrollments hold it" in result.output
    )


def test_a_certificate_of_an_enrollment_no_longer_completed_is_listed(world, check):
    certificate_id, enrollment_id = first(
        "SELECT id, enrollment_id FROM course_certificates WHERE revoked_at IS NULL ORDER BY id"
    )
    sql("UPDATE course_enrollments SET state = 'confirmed' WHERE id = :id", id=enrollment_id)

    result = check()

    assert result.exit_code == 1
    assert (
        f"courses.certificates_for_completed: certificate {certificate_id} (enrollment "
        f"{enrollment_id}): says in force, the rows say the enrollment is confirmed"
        in result.output
    )


def test_a_programme_with_more_places_taken_than_capacity_is_listed(world, check):
    programme_id, taken = first("SELECT id, places_taken FROM programmes WHERE places_taken > 0")
    sql("UPDATE programmes SET capacity = 0, places_taken = 0 WHERE id = :id", id=programme_id)

    result = check()

    assert result.exit_code == 1
    assert (
        f"programmes.programme_within_capacity: programme {programme_id}: says capacity 0, "
        f"the rows say {taken} active or completed enrollments" in result.output
    )


def test_an_active_minor_whose_programme_consent_was_withdrawn_is_listed(world, check):
    enrollment_id, programme_id, pupil_id = first(
        "SELECT id, programme_id, student_id FROM programme_enrollments WHERE state = 'active' "
        "ORDER BY id"
    )
    sql("UPDATE students SET birth_date = '2011-03-01' WHERE id = :id", id=pupil_id)
    sql(
        "UPDATE consents SET withdrawn_at = :now, withdrawn_by = 'Guardian' "
        "WHERE student_id = :p AND kind = 'programme'",
        now=NOW,
        p=pupil_id,
    )

    result = check()

    assert result.exit_code == 1
    assert (
        f"programmes.active_minors_have_consent: programme enrollment {enrollment_id} "
        f"(programme {programme_id}, pupil {pupil_id}): says active, pupil under 18"
        in result.output
    )


# The rules below are kept by partial unique indexes, so rows breaking them cannot be written
# while the index exists. The test drops the index inside its transaction; the command runs in
# the same session, lists the drift and rolls back, which brings the index back.

DUPLICATES = {
    "mentoring.one_open_pairing_per_mentee": (
        "uq_pairings_open_mentee_programme",
        "INSERT INTO pairings (programme_id, mentor_id, mentee_id, state, starts_on, "
        "planned_end_on, cadence_days, proposed_at, respond_by, decline_reason, end_reason, "
        "cadence_from, nudged_cycles, created_at) SELECT programme_id, mentor_id, mentee_id, "
        "state, starts_on, planned_end_on, cadence_days, proposed_at, respond_by, "
        "decline_reason, end_reason, cadence_from, nudged_cycles, created_at FROM pairings "
        "WHERE id = (SELECT MIN(id) FROM pairings WHERE state = 'active')",
        "mentee profile {0} in mentoring programme {1}: says at most one open pairing, "
        "the rows say 2 open pairings",
        "SELECT mentee_id, programme_id FROM pairings WHERE state = 'active' ORDER BY id",
    ),
    "courses.one_live_enrollment_per_person": (
        "uq_course_enrollments_live",
        "INSERT INTO course_enrollments (course_id, user_id, state, motivation, created_at) "
        "SELECT course_id, user_id, 'applied', '', created_at FROM course_enrollments "
        "WHERE id = (SELECT MIN(id) FROM course_enrollments WHERE state = 'confirmed')",
        "course {0}, user {1}: says at most one live enrollment, the rows say 2 live enrollments",
        "SELECT course_id, user_id FROM course_enrollments WHERE state = 'confirmed' ORDER BY id",
    ),
    "programmes.one_current_enrollment_per_pupil": (
        "uq_programme_enrollments_current",
        "INSERT INTO programme_enrollments (programme_id, student_id, state, withdrawal_reason, "
        "applied_at) SELECT programme_id, student_id, 'applied', '', applied_at "
        "FROM programme_enrollments WHERE id = "
        "(SELECT MIN(id) FROM programme_enrollments WHERE state = 'active')",
        "programme {0}, pupil {1}: says at most one current enrollment, "
        "the rows say 2 enrollments not withdrawn",
        "SELECT programme_id, student_id FROM programme_enrollments WHERE state = 'active' "
        "ORDER BY id",
    ),
}


@pytest.mark.parametrize("rule", sorted(DUPLICATES))
def test_a_second_live_row_where_a_unique_index_allows_one_is_listed(world, check, rule):
    index, duplicate, message, keys = DUPLICATES[rule]
    key = first(keys)
    db.session.execute(db.text(f"DROP INDEX {index}"))
    db.session.execute(db.text(duplicate))

    result = check()

    assert result.exit_code == 1
    assert f"{rule}: {message.format(*key)}" in result.output
    assert check().exit_code == 0, "the command rolled back, and the index is back"
