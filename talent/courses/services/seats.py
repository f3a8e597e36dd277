"""Seat bookkeeping that stays right under concurrent requests.

Every change to who holds a seat first locks the course row (SELECT ... FOR UPDATE on
PostgreSQL; on SQLite the write transaction began IMMEDIATE and already excludes other
writers), so arrivals are served one at a time in the order they got the lock. The counter
itself only moves by a conditional UPDATE, and a CHECK constraint keeps it within capacity.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value

from talent.courses.models import Course
from talent.extensions import db


def lock_course(course_id: int) -> Course:
    """Load the course for update, fresh from the database, and hold it until commit."""
    return db.session.scalars(
        sa.select(Course)
        .where(Course.id == course_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


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
    """Give one seat back."""
    _bump(course, "seats_taken", Course.seats_taken > 0, -1)


def next_queue_number(course: Course) -> int:
    """Hand out the next waitlist ticket of the course."""
    return _bump(course, "last_queue_number", sa.true(), 1)
