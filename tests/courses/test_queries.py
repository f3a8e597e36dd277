"""The catalogue, a course page, the roster and the waitlist cost the same number of queries
with little data as with much."""

from __future__ import annotations

from datetime import timedelta

import pytest

from talent.courses.models import AdmissionMode
from talent.courses.services import attendance, enrollment
from talent.db import utcnow
from talent.extensions import db
from tests import factories
from tests.courses.conftest import coordinator, course, researcher


def _world(size: int):
    now = utcnow()
    start = (now + timedelta(days=20)).date()
    partners = [factories.organization() for _ in range(3)]
    courses = [
        course(
            capacity=size,
            sessions=size,
            starts_on=start,
            ends_on=start + timedelta(days=size),
            opens_at=now - timedelta(days=1),
            closes_at=now + timedelta(days=10),
            partners=partners[: 1 + number % 3],
            admission_mode=AdmissionMode.SELECTION if number % 2 else AdmissionMode.FIRST_COME,
        )
        for number in range(size)
    ]
    target = courses[0]
    target.admission_mode = AdmissionMode.FIRST_COME
    people = [researcher() for _ in range(3 * size)]
    for person in people:
        enrollment.enroll(person, target, now=now)
    staff = coordinator()
    for session in target.sessions:
        seated = [e.id for e in db.session.scalars(attendance.participants_query(target))]
        attendance.record_attendance(staff, session, seated[::2], now=session.ends_at)
    db.session.commit()
    return target, staff, people[0]


def _pages(course_id: int) -> dict[str, str]:
    return {
        "catalogue": "/courses",
        "json": "/courses.json",
        "ics": "/courses.ics",
        "course": f"/courses/{course_id}",
        "roster": f"/courses/{course_id}/roster",
        "waitlist": f"/courses/{course_id}/waitlist",
        "overview": f"/courses/{course_id}/overview",
        "applications": f"/courses/{course_id}/applications",
        "mine": "/courses/mine",
    }


def _count(app, client, count_queries, url: str) -> int:
    with count_queries() as counter:
        response = client.get(url)
    assert response.status_code == 200, url
    return counter.count


@pytest.mark.parametrize("page", list(_pages(0)))
def test_query_counts_do_not_grow_with_data(app, count_queries, page):
    counts = []
    for size in (2, 12):
        target, staff, person = _world(size)
        who = person if page in ("mine", "course") else staff
        client = app.test_client()
        client.post("/login", data={"email": who.email, "password": factories.PASSWORD})
        url = _pages(target.id)[page]
        client.get(url)  # warm up caches (templates, metadata)
        counts.append(_count(app, client, count_queries, url))
    assert counts[0] == counts[1] <= 15, counts  # 15: the budget of a main page
