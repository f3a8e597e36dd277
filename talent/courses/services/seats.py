"""Seat bookkeeping that stays right under concurrent requests.

Every change of an enrollment's state first locks the course row, the aggregate the seats
hang on (``talent.locking.lock``), so arrivals are served one at a time in the order they got
the lock and each decides on what the one before it wrote. The counter itself only moves by a
conditional UPDATE, and a CHECK constraint keeps it within 0 and the capacity: a seat given
back that was never taken fails loudly instead of hiding the drift.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value

from talent.courses.models import Course, CourseEnrollment
from talent.extensions import db
from talent.locking import lock


def lock_course(course_id: int) -> Course:
    """Lock the course and read it again; every state change of its enrollments queues here."""
    return lock(db.session.get_one(Course, course_id))


def lock_enrollment(enrollment: CourseEnrollment) -> Course:
    """Lock the enrollment's course, then read the enrollment again (another request may just
    have moved it); return the course."""
    course = lock_course(enrollment.course_id)
    db.session.refresh(enrollment)
    return course


def _bump(course: Course, column: str, condition, delta: int) -> int | None:
    counter = getattr(Course, column)
    new_value = db.session.execute(
        sa.update(Course)
        .where(Course.id == course.id, condition)
        .values({column: counter + delta})
        .returning(counter)
        .execution_options(synchronize_session=False)
    ).scalar()
    if new_value is not None:
        set_committed_value(course, column, new_value)
    return new_value


def take_seat(course: Course) -> bool:
    """Take one seat if one is free; False when the course is full."""
    return _bump(course, "seats_taken", Course.seats_taken < Course.capacity, 1) is not None


def release_seat(course: Course) -> None:
    """Give one seat back (the course is locked and the seat was held)."""
    _bump(course, "seats_taken", sa.true(), -1)


def next_queue_number(course: Course) -> int:
    """Hand out the next waitlist ticket of the course."""
    return _bump(course, "last_queue_number", sa.true(), 1)
