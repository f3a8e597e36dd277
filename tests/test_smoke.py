from talent.extensions import db
from talent.people.models import Role


def test_teacher_logs_in_and_sees_their_home(client, make, login):
    teacher = make.user(Role.TEACHER, name="Tore Lærer")
    db.session.commit()
    login(teacher)
    page = client.get("/").get_data(as_text=True)
    assert "Tore Lærer" in page
    assert 'data-role="teacher"' in page
    assert 'data-role="admin"' not in page
