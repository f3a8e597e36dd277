"""A NUL character anywhere in a query or form is refused with 400 before any view runs."""

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
