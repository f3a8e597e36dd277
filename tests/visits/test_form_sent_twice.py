"""A creating form sent twice — or ten times at once — creates once (talent/web/submissions.py),
shown with the blackout dates form; a refused sending does not use up the form's key."""

from __future__ import annotations

import threading
from datetime import timedelta

import sqlalchemy as sa

from talent.extensions import db
from talent.visits.models import SchoolBlackout
from talent.web.submissions import FormSubmission, forget_old_submissions
from tests.support.forms import error_beside, filled
from tests.visits.conftest import future

FORM = "/visits/blackouts"


def _blackouts() -> int:
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.count(SchoolBlackout.id)))


def _exam_week(client) -> dict[str, list[str]]:
    day = future(days=20).date().isoformat()
    page = client.get(FORM).get_data(as_text=True)
    return filled(page, FORM, reason="Exam week", starts_on=day, ends_on=day)


def test_the_same_form_sent_twice_creates_once_and_goes_where_the_first_went(client, login, world):
    login(world.teacher)
    data = _exam_week(client)
    assert len(data["submission_key"][0]) >= 16
    first = client.post(FORM, data=data)
    second = client.post(FORM, data=data)
    assert first.status_code == second.status_code == 302
    assert second.location == first.location
    assert _blackouts() == 1
    page = client.get(second.location).get_data(as_text=True)
    assert "This form was already sent; what it holds is saved once." in page
    # A form shown anew carries a new key and is taken.
    assert client.post(FORM, data=_exam_week(client)).status_code == 302
    assert _blackouts() == 2


def test_a_refused_sending_keeps_the_key_for_the_corrected_one(client, login, world):
    login(world.teacher)
    data = _exam_week(client)
    day = future(days=20).date()
    wrong = dict(data, ends_on=[(day - timedelta(days=1)).isoformat()])
    page = client.post(FORM, data=wrong).get_data(as_text=True)
    assert "The last day comes before the first" in error_beside(page, "ends_on") + page
    corrected = filled(page, FORM, ends_on=day.isoformat())
    assert corrected["submission_key"] == data["submission_key"]
    assert client.post(FORM, data=corrected).status_code == 302
    assert _blackouts() == 1


def test_ten_sendings_at_once_create_once(app, client, login, world):
    login(world.teacher)
    data = _exam_week(client)
    cookie = client.get_cookie("session")
    db.session.commit()
    db.session.close()  # hold no transaction: on SQLite it would keep the write lock
    barrier = threading.Barrier(10)
    statuses: list[int] = []

    def send() -> None:
        with app.app_context():
            other = app.test_client()
            other.set_cookie(cookie.key, cookie.value)
            barrier.wait(timeout=30)
            statuses.append(other.post(FORM, data=data).status_code)
            db.session.remove()

    threads = [threading.Thread(target=send) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert statuses == [302] * 10
    assert _blackouts() == 1


def test_keys_are_forgotten_after_two_days(client, login, world):
    login(world.teacher)
    client.post(FORM, data=_exam_week(client))
    taken = db.session.scalar(sa.select(FormSubmission))
    assert forget_old_submissions(taken.created_at + timedelta(days=1)) == 0
    assert forget_old_submissions(taken.created_at + timedelta(days=2, seconds=1)) == 1
