"""Flask-Babel 4's per-request state: the one module that reaches into it.

Flask-Babel keeps the request's locale and zone in a namespace on ``g`` that its public
functions fill and that ``refresh()`` and ``force_locale()`` reset. Talent keeps the request's
catalogue there too (as ``babel_translations``, the name ``force_locale`` resets and restores),
so that a forced locale switches the catalogue with it. Flask-Babel has no public way to reach
this state; tests/test_upstream.py checks each behaviour relied on here.
"""

from __future__ import annotations

from types import SimpleNamespace

from flask import g
from flask_babel import _get_current_context

#: Where Flask-Babel keeps the state on ``g``.
_STATE_ON_G = "_flask_babel"


def request_state() -> SimpleNamespace | None:
    """This request's Flask-Babel state, made if needed; None outside an application context."""
    return _get_current_context()


def request_state_if_made() -> SimpleNamespace | None:
    """The state if Flask-Babel (or Talent) has made it this request: one look at ``g``."""
    return g.get(_STATE_ON_G)


def forget_request_state() -> None:
    """Drop the state, as a new request starts without it (for tests that switch users)."""
    g.pop(_STATE_ON_G, None)
