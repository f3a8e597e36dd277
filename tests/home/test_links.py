"""Every link on every dashboard leads to a page its user may open: the place where the
decision is made, never a 403, 404 or 500."""

from __future__ import annotations

import re
from html import unescape

from talent.extensions import db
from tests import factories
from tests.home.conftest import get_home
from tests.home.test_query_counts import fill, people  # noqa: F401 - the shared fixture

LINK = re.compile(r'href="(/[^"]*)"')


def _main(page: str) -> str:
    return page[page.index("<main") : page.index("</main>")]


def test_every_dashboard_link_opens(app, people, count_queries):  # noqa: F811
    fill(people, range(1, 4), open_pairings=3)
    for name, user in people["users"].items():
        client = app.test_client()
        client.post("/login", data={"email": user.email, "password": factories.PASSWORD})
        page, _ = get_home(client)
        links = sorted({unescape(href) for href in LINK.findall(_main(page))})
        assert links, name
        for href in links:
            response = client.get(href)
            assert response.status_code == 200, f"{name}: {href} → {response.status_code}"


def test_every_board_renders_in_norwegian(app, people, count_queries):  # noqa: F811
    fill(people, range(1, 4), open_pairings=3)
    for user in people["users"].values():
        user.language = "nb"
    db.session.commit()
    for name, user in people["users"].items():
        client = app.test_client()
        client.post("/login", data={"email": user.email, "password": factories.PASSWORD})
        page, _ = get_home(client)
        assert '<html lang="nb">' in page, name
