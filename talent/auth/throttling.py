"""Login throttling: failed logins make the next try wait a growing time, never lock anyone out.

Three budgets, counted from ``login_attempts`` so they hold across workers and hosts:

- one address on one account: after LOGIN_FREE_FAILURES failures, each further failure makes
  that address wait 1 s, 2 s, 4 s … up to LOGIN_MAX_DELAY_MINUTES before its next try;
- one account from all other addresses: the same after LOGIN_FREE_FAILURES_PER_ACCOUNT, but
  only up to LOGIN_MAX_ACCOUNT_DELAY_MINUTES. Guessing spread over many addresses gets one
  try per that wait in all, while a guesser at one address, who may fail only once per
  LOGIN_MAX_DELAY_MINUTES, holds up the owner somewhere else for at most that short wait;
- one address on any accounts: at most LOGIN_MAX_FAILURES_PER_ADDRESS failures within
  LOGIN_ADDRESS_WINDOW_MINUTES, a ceiling a school behind one shared address does not reach.

Failures count for LOGIN_FAILURE_HOURS, and only those since the account's last successful
login. A try that must wait is refused before any password is checked and is not recorded: it
costs no hashing, and trying during a wait does not make it longer. An e-mail without an
account is throttled exactly like one with.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import LazyString, format_timedelta
from flask_babel import lazy_gettext as _l

from talent.auth.models import LoginAttempt
from talent.errors import NotAllowed
from talent.extensions import db

log = logging.getLogger(__name__)

#: Doubling stops here (2**40 s is far beyond any cap); keeps the arithmetic small.
_MAX_DOUBLINGS = 40


class LoginThrottled(NotAllowed):
    """Too many failed logins: wait before trying again. The same for every e-mail."""


def delay_after(failures: int, *, free: int, cap: timedelta) -> timedelta:
    """The wait imposed by the latest of ``failures``: none for the first ``free``, then 1 s,
    doubling with every further failure, up to ``cap``."""
    beyond = failures - free
    if beyond <= 0:
        return timedelta(0)
    return min(timedelta(seconds=2 ** min(beyond - 1, _MAX_DOUBLINGS)), cap)


def lock_attempts_on(email: str) -> None:
    """Make logins to one account wait for each other until the transaction ends, so a burst
    sent the moment a wait ends gets one guess rather than one per request. On SQLite every
    write transaction runs alone already (BEGIN IMMEDIATE)."""
    if db.session.get_bind().dialect.name == "postgresql":
        key = sa.func.hashtextextended(sa.literal("login:") + email, 0)
        db.session.execute(sa.select(sa.func.pg_advisory_xact_lock(key)))


def refuse_if_throttled(email: str, address: str, *, now: datetime, limits: Mapping) -> None:
    """Raise LoginThrottled, saying how long to wait, while this address must wait to try
    logging in to this account; ``limits`` holds the LOGIN_* settings."""
    wait = max(
        _account_wait(email, address, now=now, limits=limits),
        _address_wait(address, now=now, limits=limits),
    )
    if wait > timedelta(0):
        log.warning("login throttled for %s from %s for %s", email, address, wait)
        raise LoginThrottled(
            _l(
                "Too many failed attempts. Wait %(wait)s and try again, or reset your password.",
                wait=_wait_in_words(wait),
            )
        )


def _account_wait(email: str, address: str, *, now: datetime, limits: Mapping) -> timedelta:
    last_success = db.session.scalar(
        sa.select(sa.func.max(LoginAttempt.attempted_at)).where(
            LoginAttempt.email == email, LoginAttempt.succeeded
        )
    )
    since = now - timedelta(hours=limits["LOGIN_FAILURE_HOURS"])
    if last_success is not None:
        since = max(since, last_success)
    from_here = LoginAttempt.address == address
    counts = db.session.execute(
        sa.select(from_here, sa.func.count(), sa.func.max(LoginAttempt.attempted_at))
        .where(LoginAttempt.email == email, ~LoginAttempt.succeeded)
        .where(LoginAttempt.attempted_at >= since)
        .group_by(from_here)
    )
    wait = timedelta(0)
    for is_here, failures, latest in counts:
        if is_here:
            free, cap = limits["LOGIN_FREE_FAILURES"], limits["LOGIN_MAX_DELAY_MINUTES"]
        else:
            free = limits["LOGIN_FREE_FAILURES_PER_ACCOUNT"]
            cap = limits["LOGIN_MAX_ACCOUNT_DELAY_MINUTES"]
        delay = delay_after(failures, free=free, cap=timedelta(minutes=cap))
        wait = max(wait, latest + delay - now)
    return wait


def _address_wait(address: str, *, now: datetime, limits: Mapping) -> timedelta:
    """Until the oldest failure that keeps the address at its ceiling leaves the window."""
    window = timedelta(minutes=limits["LOGIN_ADDRESS_WINDOW_MINUTES"])
    at_ceiling = db.session.scalar(
        sa.select(LoginAttempt.attempted_at)
        .where(LoginAttempt.address == address, ~LoginAttempt.succeeded)
        .where(LoginAttempt.attempted_at > now - window)
        .order_by(LoginAttempt.attempted_at.desc())
        .offset(limits["LOGIN_MAX_FAILURES_PER_ADDRESS"] - 1)
        .limit(1)
    )
    return timedelta(0) if at_ceiling is None else at_ceiling + window - now


def _wait_in_words(wait: timedelta) -> LazyString:
    """The wait as the reader's language says it ("12 seconds", "5 minutes"), rounded up so it
    never promises too short a wait."""
    seconds = math.ceil(wait.total_seconds())
    rounded = (
        timedelta(seconds=seconds) if seconds < 60 else timedelta(minutes=math.ceil(seconds / 60))
    )
    return LazyString(format_timedelta, rounded)
