"""Many teachers book the same slot at the same moment: nobody overbooks it."""

from __future__ import annotations

import threading
from datetime import timedelta

from talent.extensions import db
from talent.people.models import User
from talent.schools.models import SchoolClass, Student
from talent.visits.models import LabVisit, VisitSlot
from talent.visits.services import booking
from talent.visits.services.capacity import SlotFull
from tests.support.integrity import assert_integrity_clean
from tests.visits.conftest import NOW, add_slot

THREADS = 12
PUPILS = 5  # and one adult: 6 persons a group
CAPACITY = 20  # room for three groups


def test_simultaneous_bookings_never_exceed_capacity(app, world, make):
    slot = add_slot(world.site, NOW + timedelta(days=9), capacity=CAPACITY)
    groups = []
    for number in range(THREADS):
        school_class = make.school_class(world.school, f"G{number}")
        pupils = [make.student(school_class) for _ in range(PUPILS)]
        groups.append((school_class.id, [pupil.id for pupil in pupils]))
    slot_id, teacher_id = slot.id, world.teacher.id
    # Commit and hold no transaction: on SQLite an open one would keep the write lock.
    db.session.commit()
    db.session.close()

    barrier = threading.Barrier(THREADS)
    outcomes: list[object] = []
    lock = threading.Lock()

    def attempt(class_id: int, pupil_ids: list[int]) -> None:
        with app.app_context(), app.test_request_context(headers={"Accept-Language": "en"}):
            try:
                barrier.wait(timeout=30)
                school_class = db.session.get(SchoolClass, class_id)
                pupils = [db.session.get(Student, pupil_id) for pupil_id in pupil_ids]
                booking.book_visit(
                    db.session.get(User, teacher_id),
                    db.session.get(VisitSlot, slot_id),
                    school_class=school_class,
                    teacher=db.session.get(User, teacher_id),
                    pupils=pupils,
                    pupils_count=PUPILS,
                    adults_count=1,
                    now=NOW,
                )
                db.session.commit()
                result: object = "booked"
            except SlotFull as error:
                db.session.rollback()
                result = str(error.message)
            except Exception as error:  # noqa: BLE001 - reported by the assertion below
                db.session.rollback()
                result = error
            finally:
                db.session.remove()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=attempt, args=group) for group in groups]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert len(outcomes) == THREADS
    unexpected = [o for o in outcomes if o != "booked" and not isinstance(o, str)]
    assert not unexpected, unexpected
    booked = outcomes.count("booked")
    refused = [o for o in outcomes if o != "booked"]
    assert booked == CAPACITY // (PUPILS + 1)
    assert all("just filled up" in message for message in refused)

    db.session.expire_all()
    slot = db.session.get(VisitSlot, slot_id)
    visits = db.session.query(LabVisit).filter_by(slot_id=slot_id).all()
    assert slot.persons_booked == sum(visit.persons for visit in visits) == booked * 6
    assert slot.persons_booked <= slot.capacity
    assert_integrity_clean(now=NOW)
