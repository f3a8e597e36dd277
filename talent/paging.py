"""Page arithmetic for lists read a page at a time without Flask-SQLAlchemy's pagination."""

from __future__ import annotations

import math


class PageNumbers:
    """What the pager macro asks of a page, from ``page``, ``per_page`` and ``total``: the
    same names as Flask-SQLAlchemy's pagination."""

    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return math.ceil(self.total / self.per_page)

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def prev_num(self) -> int | None:
        return self.page - 1 if self.has_prev else None

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def next_num(self) -> int | None:
        return self.page + 1 if self.has_next else None
