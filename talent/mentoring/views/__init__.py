"""Mentoring pages: routes only; the services hold the rules and the policy decides access."""

from __future__ import annotations

from flask import Blueprint, request

bp = Blueprint("mentoring", __name__, url_prefix="/mentoring")


def current_page() -> int:
    """The ?page= number, 1 when missing or not a number."""
    page = request.args.get("page", 1, type=int)
    return page if page and page > 0 else 1


# Register the calendar and timeline providers; route modules register themselves on bp.
from talent.mentoring import timeline  # noqa: E402, F401
from talent.mentoring.services import calendar  # noqa: E402, F401
from talent.mentoring.views import (  # noqa: E402, F401
    pairings,
    profiles,
    safeguarding,
    sessions,
)
