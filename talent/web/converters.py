"""URL converters that keep out-of-range ids away from the database."""

from __future__ import annotations

from werkzeug.routing import IntegerConverter

#: The largest value of a 32-bit signed integer column (PostgreSQL's INTEGER).
MAX_DATABASE_ID = 2**31 - 1


class DatabaseIdConverter(IntegerConverter):
    """``<int:…>`` that does not match ids no table can hold, so they are a plain 404."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_DATABASE_ID)
        super().__init__(map, *args, **kwargs)
