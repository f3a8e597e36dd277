"""The order features register in changes no permission decision over the route world."""

from __future__ import annotations

import json
import subprocess
import sys

from talent.auth import policy
from talent.extensions import db
from talent.features import FEATURES
from tests.auth.permission_decisions import decisions
from tests.routes_world import build_world


def _decided_in_a_fresh_process(database_url: str, order) -> list[str]:
    finished = subprocess.run(
        [sys.executable, "-m", "tests.auth.permission_decisions", database_url, *order],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert finished.returncode == 0, finished.stderr
    return json.loads(finished.stdout)


def test_features_registered_in_reverse_decide_the_same(app, make, database_url):
    pupil_id = build_world(make).pupil.id
    db.session.close()  # the fresh processes read what the world committed
    forwards = _decided_in_a_fresh_process(database_url, FEATURES)
    backwards = _decided_in_a_fresh_process(database_url, tuple(reversed(FEATURES)))
    here = decisions()
    # Every feature's rules were consulted, the mentor's grant on the mentee among them.
    assert len(policy.registered_rules()) > 50
    assert f"mentor@example.org pupils.view Student {pupil_id} True" in here
    assert forwards == here
    assert backwards == forwards
