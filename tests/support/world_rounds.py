"""Share one world among routes that change different things: a world costs a second to build.

Each route claims the world's objects its URLs name (learnt by handing the URL functions a
stand-in that notes what they ask for) and those its change reaches beyond them; routes whose
claims do not meet go into the same round, and each round gets a fresh world.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from talent.extensions import db
from tests import factories
from tests.conftest import empty_all_tables
from tests.routes_world import build_world


class _Noting:
    """Answers any attribute, index or formatting, and notes the world's attributes asked for."""

    def __init__(self, seen: set[str], top: bool):
        self._seen, self._top = seen, top

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        if self._top:
            self._seen.add(name)
        return _Noting(self._seen, top=False)

    def __getitem__(self, key):
        return self

    def __format__(self, spec: str) -> str:
        return "1"


def named_objects(functions: Iterable[Callable | None]) -> set[str]:
    """The world's attributes the given functions of the world use."""
    seen: set[str] = set()
    for function in functions:
        if function is not None:
            function(_Noting(seen, top=True))
    return seen


def plan_rounds(claims: dict[str, set[str]]) -> dict[str, int]:
    """Put each route (in order) into the first round none of whose routes claims the same."""
    rounds: list[set[str]] = []
    placed = {}
    for endpoint, claimed in claims.items():
        number = next((n for n, taken in enumerate(rounds) if not taken & claimed), len(rounds))
        if number == len(rounds):
            rounds.append(set())
        rounds[number] |= claimed
        placed[endpoint] = number
    return placed


class Worlds:
    """The world of the round being sent; a new round empties the database and builds anew."""

    def __init__(self):
        self.round: int | None = None
        self.world = None
        self.built = 0

    def enter(self, number: int):
        if number != self.round:
            db.session.rollback()
            empty_all_tables()
            self.world = build_world(factories)
            self.round = number
            self.built += 1
        return self.world
