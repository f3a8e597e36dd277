import pytest


@pytest.fixture(autouse=True)
def english(app, client):
    """Read messages in English: outside requests, and in requests without a logged-in user."""
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    with app.test_request_context(headers={"Accept-Language": "en"}):
        yield
