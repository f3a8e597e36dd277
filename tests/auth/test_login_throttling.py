"""Login throttling with the default settings: waits that grow and end, no password hashing
while a try must wait, a school behind one address, and the scheduled pruning of attempts.

Time moves by passing ``now`` to the service; nothing sleeps.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher

from talent.auth import passwords
from talent.auth.models import LoginAttempt
from talent.auth.services import LoginRefused, authenticate
from talent.auth.throttling import LoginThrottled
from talent.db import utcnow
from talent.extensions import db
from talent.people.models import Role
from talent.scheduler.jobs import feature_jobs
from tests.factories import PASSWORD
from tests.support.together import repeated

GUESSER = "203.0.113.7"
ELSEWHERE = "198.51.100.20"
SCHOOL = "192.0.2.1"

#: Longer than any wait the defaults impose on one address, so each try is allowed.
ALLOWED_AGAIN = timedelta(minutes=16)


def wait_message(words: str) -> str:
    return f"Too many failed attempts. Wait {words} and try again, or reset your password."


@pytest.fixture(autouse=True)
def english(app):
    """A request context in English, in which refusals are read."""
    with app.test_request_context(headers={"Accept-Language": "en"}):
        yield


@pytest.fixture
def argon2_checks(monkeypatch) -> list[str]:
    """The hashes argon2 is asked to check a password against, one entry per check."""
    checked: list[str] = []

    class CountingHasher(PasswordHasher):
        def verify(self, password_hash, password):
            checked.append(password_hash)
            return super().verify(password_hash, password)

    monkeypatch.setattr(passwords, "_hasher", CountingHasher())
    return checked


def attempt(app, email: str, password: str, *, address: str, now) -> str:
    """ "ok", "refused" (wrong password, recorded) or the message of a refusal to wait."""
    try:
        authenticate(email, password, address=address, now=now, limits=app.config)
    except LoginThrottled as throttled:
        return str(throttled.message)
    except LoginRefused:
        return "refused"
    return "ok"


def fail(app, email: str, times: int, *, address: str, start):
    """Fail ``times`` times, each when allowed; return the time of the last failure."""
    now = start
    for number in range(times):
        now = start + number * ALLOWED_AGAIN
        assert attempt(app, email, "wrong guess", address=address, now=now) == "refused"
    return now


def recorded(**where) -> int:
    query = sa.select(sa.func.count()).select_from(LoginAttempt).filter_by(**where)
    return db.session.scalar(query)


def test_the_wait_doubles_from_one_second_after_five_free_failures_up_to_fifteen_minutes(app, kari):
    now = utcnow()
    for _ in range(6):  # five free, and the first that makes the address wait
        assert attempt(app, kari.email, "wrong guess", address=GUESSER, now=now) == "refused"
    for seconds in (1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900):
        just_before = now + timedelta(seconds=seconds, milliseconds=-1)
        assert attempt(app, kari.email, "wrong guess", address=GUESSER, now=just_before) != (
            "refused"
        )
        now += timedelta(seconds=seconds)
        assert attempt(app, kari.email, "wrong guess", address=GUESSER, now=now) == "refused"
    assert recorded(succeeded=False) == 18


def test_the_refusal_says_how_long_to_wait(app, kari):
    last = fail(app, kari.email, 14, address=GUESSER, start=utcnow())  # 9 beyond free: 256 s
    almost = last + timedelta(seconds=255, milliseconds=500)
    assert attempt(app, kari.email, PASSWORD, address=GUESSER, now=last) == wait_message(
        "5 minutes"
    )
    assert attempt(app, kari.email, PASSWORD, address=GUESSER, now=almost) == wait_message(
        "1 second"
    )


def test_the_owner_logs_in_after_the_wait_while_a_guesser_at_the_same_address_keeps_trying(
    app, kari
):
    last = fail(app, kari.email, 8, address=SCHOOL, start=utcnow())  # a wait of 4 s
    for tenth in range(40):  # the guesser keeps trying all through the wait
        now = last + timedelta(milliseconds=100 * tenth)
        assert attempt(app, kari.email, "another guess", address=SCHOOL, now=now) != "refused"
    now = last + timedelta(seconds=3.9)
    assert attempt(app, kari.email, PASSWORD, address=SCHOOL, now=now) == wait_message("1 second")
    assert recorded(succeeded=False) == 8  # the tries during the wait counted for nothing

    assert attempt(app, kari.email, PASSWORD, address=SCHOOL, now=last + timedelta(seconds=4)) == (
        "ok"
    )
    # Only failures since the last successful login count: the budget is whole again.
    later = last + timedelta(seconds=5)
    for _ in range(5):
        assert attempt(app, kari.email, "wrong guess", address=SCHOOL, now=later) == "refused"
    assert attempt(app, kari.email, PASSWORD, address=SCHOOL, now=later) == "ok"


def test_a_guesser_elsewhere_holds_the_owner_up_for_a_minute_at_most(app, kari):
    last = fail(app, kari.email, 20, address=GUESSER, start=utcnow())
    # The guesser's own wait is long; the owner's, at another address, is a minute.
    assert attempt(app, kari.email, "guess", address=GUESSER, now=last) == wait_message(
        "15 minutes"
    )
    assert attempt(app, kari.email, PASSWORD, address=ELSEWHERE, now=last) == wait_message(
        "1 minute"
    )
    for second in range(0, 60, 5):
        now = last + timedelta(seconds=second)
        assert attempt(app, kari.email, "guess", address=GUESSER, now=now) != "refused"
    now = last + timedelta(minutes=1)
    assert attempt(app, kari.email, PASSWORD, address=ELSEWHERE, now=now) == "ok"


def test_guessing_spread_over_many_addresses_waits_as_well(app, kari):
    now = utcnow()
    for number in range(10):
        assert attempt(app, kari.email, "guess", address=f"10.1.0.{number}", now=now) == "refused"
    outcomes = [
        attempt(app, kari.email, "guess", address=f"10.2.0.{number}", now=now)
        for number in range(3)
    ]
    assert outcomes == ["refused", wait_message("1 second"), wait_message("1 second")]
    later = now + timedelta(minutes=5)
    outcomes = [
        attempt(app, kari.email, "guess", address=f"10.3.0.{number}", now=later)
        for number in range(3)
    ]
    assert outcomes == ["refused", wait_message("2 seconds"), wait_message("2 seconds")]


def test_no_password_is_hashed_while_a_try_must_wait(app, kari, argon2_checks):
    start = utcnow()
    fail(app, kari.email, 9, address=GUESSER, start=start)
    last = fail(app, "nobody@example.org", 9, address=GUESSER, start=start)
    assert len(argon2_checks) == 18  # a wrong e-mail costs a check too, against a made-up hash
    outcomes = [
        attempt(app, email, PASSWORD, address=GUESSER, now=last)
        for _ in range(20)
        for email in (kari.email, "nobody@example.org")
    ]
    assert len(argon2_checks) == 18
    assert outcomes == [wait_message("8 seconds")] * 40
    assert recorded() == 18


def test_guesses_sent_together_as_a_wait_ends_get_one_try(app, kari):
    start, email = utcnow(), "kari@example.org"
    fail(app, email, 5, address=GUESSER, start=start)
    db.session.commit()
    now = start + 5 * ALLOWED_AGAIN

    def guess():
        try:
            authenticate(email, "guess", address=GUESSER, now=now, limits=app.config)
        except LoginRefused:
            db.session.commit()  # as the login view keeps a failure
            raise

    outcomes = repeated(app, guess)
    assert outcomes == ["LoginRefused"] + ["LoginThrottled"] * 9
    assert recorded() == 6


def test_an_unknown_email_is_throttled_exactly_like_a_known_one(app, kari):
    def story(email: str) -> list[str]:
        last = fail(app, email, 12, address=GUESSER, start=utcnow())  # a wait of 64 s
        moments = (0, 30, 63, 64)
        return [
            attempt(app, email, PASSWORD, address=GUESSER, now=last + timedelta(seconds=moment))
            for moment in moments
        ]

    known = story(kari.email)
    unknown = story("nobody@example.org")
    waits = [wait_message("2 minutes"), wait_message("34 seconds"), wait_message("1 second")]
    assert known == [*waits, "ok"]
    assert unknown == [*waits, "refused"]


def test_thirty_pupils_behind_one_address_each_making_typos_all_log_in(app, make):
    school = make.school("Ullern videregående skole")
    pupils = [
        make.user(Role.STUDENT, email=f"pupil{number}@example.org", organization=school)
        for number in range(30)
    ]
    emails = [pupil.email for pupil in pupils]
    db.session.commit()
    start = utcnow()
    for email in emails:  # everyone mistypes once as the lesson starts
        assert attempt(app, email, "correct horse batery", address=SCHOOL, now=start) == "refused"
    for number, email in enumerate(emails):  # and half of them twice
        if number % 2:
            now = start + timedelta(seconds=20)
            assert attempt(app, email, "Correct horse battery", address=SCHOOL, now=now) == (
                "refused"
            )
    outcomes = [
        attempt(app, email, PASSWORD, address=SCHOOL, now=start + timedelta(minutes=1))
        for email in emails
    ]
    assert outcomes == ["ok"] * 30


def test_an_address_failing_on_a_hundred_accounts_must_wait_until_the_window_passes(app, kari):
    start = utcnow()
    for number in range(100):
        now = start + timedelta(seconds=number)
        assert attempt(app, f"guess{number}@example.org", "guess", address=GUESSER, now=now) == (
            "refused"
        )
    now = start + timedelta(minutes=5)
    assert attempt(app, kari.email, PASSWORD, address=GUESSER, now=now) == wait_message(
        "10 minutes"
    )
    assert attempt(app, kari.email, PASSWORD, address=ELSEWHERE, now=now) == "ok"
    # The first failure leaves the 15 minutes' window: one more try.
    now = start + timedelta(minutes=15)
    assert attempt(app, kari.email, "guess", address=GUESSER, now=now) == "refused"
    assert attempt(app, kari.email, PASSWORD, address=GUESSER, now=now).startswith("Too many")


def test_old_login_attempts_are_deleted_by_a_scheduled_job(app, kari):
    jobs = {job.name: job for job in feature_jobs()}
    prune = jobs["auth-delete-old-login-attempts"]
    assert prune.every_seconds == 60 * 60
    now = utcnow()
    for age in (0, 29, 31, 90):
        when = now - timedelta(days=age)
        db.session.add(LoginAttempt(email=kari.email, address=GUESSER, attempted_at=when))
    db.session.commit()

    assert prune.func(now=now) == 2  # TALENT_LOGIN_ATTEMPT_DAYS is 30
    assert prune.func(now=now) == 0  # a second scheduler finds nothing to do
    kept = db.session.scalars(sa.select(LoginAttempt.attempted_at)).all()
    assert sorted(now - when for when in kept) == [timedelta(0), timedelta(days=29)]

    app.config["LOGIN_ATTEMPT_DAYS"] = 7
    assert prune.func(now=now) == 1
