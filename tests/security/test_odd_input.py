"""Numbers beyond any database column in a query are refused as bad input, not a 500."""

from talent.extensions import db
from talent.people.models import Role


def test_a_number_beyond_any_column_in_a_query_is_a_bad_request(client, make, login):
    coordinator = make.user(Role.COORDINATOR)
    db.session.commit()
    login(coordinator)
    for url in ("/rosters/?school=2147483648", "/mentoring/?page=9223372036854775808"):
        assert client.get(url).status_code in (200, 400), url
