"""Generated visits keep the rules booking enforces; here, a class is in one place at a time."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime

from talent.generate import Anchors, Sizes
from talent.generate.base import Context, Writer
from talent.generate.visits import free_start

NOW = datetime(2026, 11, 29, 9, 0, tzinfo=UTC)


def test_a_class_gets_no_visit_while_it_is_away_on_another(app):
    ctx = Context(Sizes.of(1), random.Random(1), NOW, "", Anchors(), Writer())
    day = date(2027, 2, 3)
    ctx.facts["class_visits"] = {7: [ctx.at(day, 12, 30)]}

    assert {free_start(ctx, 7, day) for _ in range(20)} == {ctx.at(day, 9)}
    assert free_start(ctx, 8, day) in (ctx.at(day, 9), ctx.at(day, 12))

    ctx.facts["class_visits"][7].append(ctx.at(day, 9))
    assert free_start(ctx, 7, day) is None
