"""What the mentoring route modules share: the blueprint and helpers."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, url_for
from flask_babel import gettext

bp = Blueprint("mentoring", __name__, url_prefix="/mentoring")


#: An id no row has, marking where the id goes in an address.
_ID_MARK = 987654321


def url_with_id(endpoint: str, id_name: str) -> str:
    """The endpoint's address with ``%d`` where the id goes.

    A list builds it once and fills in each line's id, where ``url_for`` per line cost about
    10 µs each.
    """
    url = url_for(endpoint, **{id_name: _ID_MARK}).replace("%", "%%")
    return url.replace(str(_ID_MARK), "%d")


def hours_text() -> Callable[[int], str]:
    """A function writing minutes as "1 h 30 min" in the user's language.

    Its three formats are translated once, not once a line as the ``hours`` macro does.
    """
    both = gettext("%(h)d h %(m)d min")
    whole_hours = gettext("%(h)d h")
    only_minutes = gettext("%(m)d min")

    def text(minutes: int) -> str:
        h, m = divmod(minutes, 60)
        if h and m:
            return both % {"h": h, "m": m}
        if h:
            return whole_hours % {"h": h}
        return only_minutes % {"m": m}

    return text
