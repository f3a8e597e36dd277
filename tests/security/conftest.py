"""Every HTML page in these tests is checked for inline code that the Content-Security-Policy
would block."""

from __future__ import annotations

import pytest

from tests.security.support import check_every_page


@pytest.fixture(autouse=True)
def pages_seen(app) -> list[str]:
    """Paths of the HTML pages rendered in the test, each checked for inline code."""
    seen: list[str] = []
    check_every_page(app, seen)
    return seen
