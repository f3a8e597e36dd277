"""Assert that no derived counter drifted and no rule across records is broken.

Call ``assert_integrity_clean()`` inside an app context at the end of a test that races
requests or schedulers against each other: it runs every check of ``talent check-integrity``.
"""

from __future__ import annotations

from datetime import datetime

from talent.integrity import find_drift


def assert_integrity_clean(*, now: datetime | None = None) -> None:
    """Fail with one line per drift, if anything drifted."""
    drifts = find_drift(now=now)
    assert not drifts, "integrity drift:\n" + "\n".join(drift.line() for drift in drifts)
