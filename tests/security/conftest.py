"""Every request in these tests gets a clean flask.g, and every HTML page is checked for inline
code that the Content-Security-Policy would block."""

from __future__ import annotations

import pytest

from tests.security.support import check_every_page, isolate_requests


@pytest.fixture(autouse=True)
def isolated_requests(app):
    undo = isolate_requests(app)
    yield
    undo()


@pytest.fixture(autouse=True)
def pages_seen(app) -> list[str]:
    """Paths of the HTML pages rendered in the test, each checked for inline code."""
    seen: list[str] = []
    check_every_page(app, seen)
    return seen


@pytest.fixture
def client(app):
    """A test client whose browser asks for English, so tests can read English messages."""
    test_client = app.test_client()
    test_client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return test_client
