"""The page number a list is asked for."""

from __future__ import annotations

from flask import request

#: Page numbers beyond this are nonsense and would overflow the database's OFFSET.
MAX_PAGE = 100_000


def page_number(name: str = "page") -> int:
    """The ``?page=`` number (or another parameter's), 1 when missing or not a number, at most
    ``MAX_PAGE``."""
    return min(max(request.args.get(name, 1, type=int) or 1, 1), MAX_PAGE)
