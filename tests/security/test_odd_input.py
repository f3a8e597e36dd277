"""Odd input the database cannot hold (NUL, numbers beyond any column) is refused, not a 500."""

from talent.extensions import db
from talent.people.models import Role


def test_nul_in_a_query_string_is_a_bad_request(client):
    assert client.get("/courses?q=a%00b").status_code == 400


def test_nul_in_a_form_is_a_bad_request_and_changes_nothing(client, make, login):
    user = make.user(Role.TEACHER, name="Kari")
    db.session.commit()
    login(user)
    response = client.post(
        "/profile", data={"name": "Ka\x00ri", "language": "en", "timezone": "Europe/Oslo"}
    )
    assert response.status_code == 400
    db.session.refresh(user)
    assert user.name == "Kari"


def test_a_number_beyond_any_column_in_a_query_is_a_bad_request(client, make, login):
    coordinator = make.user(Role.COORDINATOR)
    db.session.commit()
    login(coordinator)
    for url in ("/rosters/?school=2147483648", "/mentoring/?page=9223372036854775808"):
        assert client.get(url).status_code in (200, 400), url
