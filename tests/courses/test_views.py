"""The course pages through real requests: public catalogue and feeds, enrolling, offers,
applications, coordinator forms, attendance, certificates, exports, and bad input."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from icalendar import Calendar

from talent.courses.models import AdmissionMode, Course, CourseEnrollment, EnrollmentState
from talent.courses.services import attendance, enrollment
from talent.db import utcnow
from talent.extensions import db
from talent.people.models import Role
from tests import factories
from tests.courses.conftest import coordinator, course, researcher
from tests.support.csv_files import HOSTILE_NAME, LANGUAGES, raw_lines, read_csv

S = EnrollmentState


def _live_course(**fields) -> Course:
    """A published course open for enrollment now, starting in three weeks."""
    now = utcnow()
    start = (now + timedelta(days=21)).date()
    fields.setdefault("starts_on", start)
    fields.setdefault("ends_on", start + timedelta(days=2))
    return course(opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=14), **fields)


def _client(app, user):
    client = app.test_client()
    response = client.post("/login", data={"email": user.email, "password": factories.PASSWORD})
    assert response.status_code == 302
    return client


def _text(response) -> str:
    return response.get_data(as_text=True)


# Public pages ----------------------------------------------------------------------------------


def test_the_catalogue_is_public_and_shows_seats_left(app, client):
    partner = factories.organization("Nansen Neuroscience")
    shown = _live_course(
        title="Patents for clinicians", capacity=12, partners=[partner], sessions=2
    )
    _live_course(title="Secret draft", is_published=False)
    course(title="Last year's course", starts_on=date(2020, 1, 6), ends_on=date(2020, 1, 7))
    db.session.commit()

    page = _text(client.get("/courses"))

    assert "Patents for clinicians" in page and "Nansen Neuroscience" in page
    assert "12 seats left" in page
    assert "Secret draft" not in page and "Last year" not in page
    assert _text(client.get(f"/courses/{shown.id}")).count("Log in to enroll") == 1


def test_the_catalogue_filters_and_shrugs_off_nonsense(app, client):
    _live_course(title="Business models", format="online")
    _live_course(title="Regulatory affairs", language="nb")
    db.session.commit()

    assert "Regulatory" not in _text(client.get("/courses?q=business"))
    assert "Business" not in _text(client.get("/courses?format=on_site&language=nb"))
    for query in ("format=spaceship", "partner=abc", "page=-3", "page=99999999999999", "q=%00"):
        assert client.get(f"/courses?{query}").status_code == 200, query
        assert client.get(f"/courses.json?{query}").status_code == 200, query


def test_json_and_icalendar_feeds(app, client):
    item = _live_course(title="IP basics", sessions=2, capacity=7)
    db.session.commit()

    data = client.get("/courses.json").get_json()
    [document] = data["courses"]
    assert document["title"] == "IP basics" and document["seats_left"] == 7
    assert len(document["sessions"]) == 2 and document["is_open_for_enrollment"] is True

    response = client.get("/courses.ics")
    assert response.mimetype == "text/calendar"
    calendar = Calendar.from_ical(response.data)
    uids = sorted(str(event["uid"]) for event in calendar.walk("VEVENT"))
    assert uids == sorted(f"course-session-{s.id}@localhost" for s in item.sessions)


def test_unpublished_courses_are_hidden_except_from_coordinators(app, client):
    item = _live_course(is_published=False)
    staff = coordinator()
    db.session.commit()

    assert client.get(f"/courses/{item.id}").status_code == 404
    assert client.get("/courses/999999").status_code == 404
    assert _client(app, staff).get(f"/courses/{item.id}").status_code == 200


# Enrolling, offers -------------------------------------------------------------------------------


def test_enroll_waitlist_withdraw_and_accept_through_the_pages(app):
    item = _live_course(capacity=1)
    first, second = researcher(), researcher()
    db.session.commit()
    one, two = _client(app, first), _client(app, second)
    url = f"/courses/{item.id}"

    assert one.post(f"{url}/enroll").status_code == 302
    assert one.post(f"{url}/enroll").status_code == 302  # double click
    two.post(f"{url}/enroll")
    assert "number 1 on the waitlist" in _text(two.get(url))
    assert db.session.scalar(sa.select(sa.func.count(CourseEnrollment.id))) == 2

    mine = db.session.scalar(
        sa.select(CourseEnrollment).where(CourseEnrollment.user_id == first.id)
    )
    assert two.post(f"/courses/enrollments/{mine.id}/withdraw").status_code == 403
    one.post(f"/courses/enrollments/{mine.id}/withdraw")
    page = _text(two.get(url))
    assert "A seat has freed for you" in page
    offer = db.session.scalar(
        sa.select(CourseEnrollment).where(CourseEnrollment.user_id == second.id)
    )
    response = two.post(f"/courses/enrollments/{offer.id}/accept", follow_redirects=True)
    assert "You have a seat" in _text(response)
    again = two.post(f"/courses/enrollments/{offer.id}/accept", follow_redirects=True)
    assert "You already accepted the seat" in _text(again)  # back button and again
    withdrawn = one.post(f"/courses/enrollments/{mine.id}/withdraw", follow_redirects=True)
    assert "was already withdrawn" in _text(withdrawn)
    db.session.expire_all()
    assert offer.state is S.CONFIRMED
    assert "enrolled" in _text(two.get("/courses/mine"))


def test_enrolling_after_the_deadline_says_so(app):
    now = utcnow()
    item = course(
        opens_at=now - timedelta(days=9),
        closes_at=now - timedelta(days=1),
        starts_on=(now + timedelta(days=5)).date(),
        ends_on=(now + timedelta(days=6)).date(),
    )
    person = researcher()
    db.session.commit()
    client = _client(app, person)

    page = _text(client.post(f"/courses/{item.id}/enroll", follow_redirects=True))

    assert "Enrollment for this course has closed." in page
    assert db.session.scalar(sa.select(sa.func.count(CourseEnrollment.id))) == 0


def test_pupils_and_visitors_cannot_enroll(app, client):
    item = _live_course()
    pupil = factories.user(Role.STUDENT)
    db.session.commit()

    assert client.post(f"/courses/{item.id}/enroll").status_code == 302  # to the login page
    assert _client(app, pupil).post(f"/courses/{item.id}/enroll").status_code == 403


# Applications ----------------------------------------------------------------------------------


def test_a_motivation_with_script_is_shown_as_text(app):
    item = _live_course(admission_mode=AdmissionMode.SELECTION, capacity=1)
    person, staff = researcher(), coordinator()
    db.session.commit()
    applicant = _client(app, person)
    motivation = "<script>alert('x')</script> I want to learn licensing, really."

    applicant.post(f"/courses/{item.id}/apply", data={"motivation": "draft", "save": "y"})
    response = applicant.post(
        f"/courses/{item.id}/apply", data={"motivation": motivation, "send": "y"}
    )
    assert response.status_code == 302
    again = applicant.post(
        f"/courses/{item.id}/apply", data={"motivation": motivation, "send": "y"}
    )
    assert again.status_code == 302  # the same application sent twice

    page = _text(_client(app, staff).get(f"/courses/{item.id}/applications"))
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page


def test_a_short_motivation_is_refused_beside_the_field(app):
    item = _live_course(admission_mode=AdmissionMode.SELECTION)
    person = researcher()
    db.session.commit()

    page = _text(
        _client(app, person).post(
            f"/courses/{item.id}/apply", data={"motivation": "Hi", "send": "y"}
        )
    )

    assert "at least 20 characters" in page and 'id="motivation-error"' in page
    assert "Hi</textarea>" in page


def test_the_coordinator_scores_and_admits(app):
    item = _live_course(admission_mode=AdmissionMode.SELECTION, capacity=1)
    person, staff = researcher(), coordinator()
    applied = enrollment.save_application(
        person, item, motivation="A long enough motivation, honestly.", submit=True, now=utcnow()
    )
    db.session.commit()
    client = _client(app, staff)

    bad = client.post(
        f"/courses/enrollments/{applied.id}/review", data={"score": "99", "save": "y"}
    )
    assert bad.status_code == 302
    client.post(f"/courses/enrollments/{applied.id}/review", data={"score": "8", "admit": "y"})

    db.session.expire_all()
    assert (applied.score, applied.state) == (8, S.CONFIRMED)


# Coordinator forms -----------------------------------------------------------------------------


def _course_form(**changes) -> dict:
    data = {
        "title": "Product development for researchers",
        "summary": "From lab to market.",
        "description": "Day one.\n\nDay two.",
        "language": "en",
        "format": "hybrid",
        "ects": "2.5",
        "hours": "",
        "location": "Oslo",
        "timezone": "Europe/Oslo",
        "starts_on": "2027-09-06",
        "ends_on": "2027-09-08",
        "enrollment_opens_at": "2027-05-01T09:00",
        "enrollment_closes_at": "2027-08-20T23:59",
        "capacity": "2",
        "admission_mode": "first_come",
        "institution_quota": "",
        "eligible_roles": ["researcher"],
        "eligible_kinds": ["hospital", "university"],
        "completion_percent": "80",
        "offer_hours": "48",
        "is_published": "y",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_a_coordinator_creates_a_course_and_adds_a_session(app):
    staff = coordinator()
    partner = factories.organization("University of Oslo")
    db.session.commit()
    client = _client(app, staff)

    response = client.post("/courses/new", data=_course_form(partners=[str(partner.id)]))

    assert response.status_code == 302, _text(response)
    item = db.session.scalar(sa.select(Course))
    assert item.enrollment_opens_at == datetime(2027, 5, 1, 7, 0, tzinfo=UTC)  # CEST
    assert item.eligible_kinds == ["hospital", "university"] and item.partners == [partner]
    outside = client.post(
        f"/courses/{item.id}/sessions/new",
        data={"title": "Kick-off", "starts_at": "2027-09-05T09:00", "ends_at": "2027-09-05T12:00"},
    )
    assert outside.status_code == 200
    assert "Sessions must lie within the course dates, 2027-09-06 to 2027-09-08." in _text(outside)
    inside = client.post(
        f"/courses/{item.id}/sessions/new",
        data={"title": "Kick-off", "starts_at": "2027-09-06T09:00", "ends_at": "2027-09-06T12:00"},
    )
    assert inside.status_code == 302
    page = _text(client.get(f"/courses/{item.id}/edit"))
    assert 'value="2027-05-01T09:00"' in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"ends_on": "2027-09-01"}, "cannot end before it starts"),
        ({"capacity": "0"}, "Number must be between 1 and 500"),
        ({"capacity": "lots"}, "Not a valid integer value"),
        ({"starts_on": "0001-01-01"}, "Give a date between 2000 and 2100"),
        ({"starts_on": "not a date"}, "Not a valid date value"),
        ({"enrollment_closes_at": "2027-04-01T09:00"}, "Enrollment must close after it opens"),
        ({"timezone": "Mars/Olympus"}, "Choose from the list"),
        ({"eligible_roles": ["admin"]}, "Choose from the list"),
        ({"title": ""}, "This field is required"),
    ],
)
def test_bad_course_input_is_refused_beside_the_field(app, changes, message):
    staff = coordinator()
    db.session.commit()

    response = _client(app, staff).post("/courses/new", data=_course_form(**changes))

    assert response.status_code == 200 and message in _text(response)
    assert db.session.scalar(sa.select(sa.func.count(Course.id))) == 0


def test_capacity_below_the_enrolled_count_is_refused(app):
    item = _live_course(capacity=3)
    staff = coordinator()
    for _ in range(2):
        enrollment.enroll(researcher(), item, now=utcnow())
    db.session.commit()
    client = _client(app, staff)
    form = client.get(f"/courses/{item.id}/edit")
    assert form.status_code == 200

    response = client.post(
        f"/courses/{item.id}/edit",
        data=_course_form(
            capacity="1",
            starts_on=item.starts_on.isoformat(),
            ends_on=item.ends_on.isoformat(),
            enrollment_opens_at="2027-01-01T00:00",
        ),
    )

    assert "2 people already hold a seat; the capacity cannot be lower." in _text(response)
    db.session.expire_all()
    assert item.capacity == 3


def test_copying_a_course(app):
    item = _live_course(sessions=2)
    staff = coordinator()
    db.session.commit()
    client = _client(app, staff)

    assert client.get(f"/courses/{item.id}/copy").status_code == 200
    next_year = item.starts_on.replace(year=item.starts_on.year + 1)
    response = client.post(f"/courses/{item.id}/copy", data={"starts_on": next_year.isoformat()})

    assert response.status_code == 302
    copy = db.session.scalar(sa.select(Course).where(Course.copied_from_id == item.id))
    assert copy.starts_on == next_year and len(copy.sessions) == 2


# Attendance and certificates -------------------------------------------------------------------


def test_attendance_completion_certificate_and_verification(app, client):
    now = utcnow()
    item = course(
        sessions=0,
        starts_on=(now - timedelta(days=1)).date(),
        ends_on=(now + timedelta(days=1)).date(),
        opens_at=now - timedelta(days=9),
        closes_at=now + timedelta(days=1),
        completion_percent=50,
    )
    from talent.courses.models import CourseSession
    from talent.courses.services.management import new_attendance_code

    sessions = [
        CourseSession(
            course=item,
            title=title,
            starts_at=now - timedelta(hours=hours),
            ends_at=now + timedelta(hours=1),
            attendance_code=new_attendance_code(),
        )
        for title, hours in (("Morning", 2), ("Noon", 1))
    ]
    db.session.add_all(sessions)
    staff, person, other = coordinator(), researcher(name="Kari Nordmann"), researcher()
    seated = enrollment.enroll(person, item, now=now)
    db.session.commit()
    participant, coordinator_client = _client(app, person), _client(app, staff)

    wrong = participant.post("/courses/check-in", data={"code": "XXXXXX"})
    assert wrong.status_code == 400 and "does not match" in _text(wrong)
    assert participant.get(f"/courses/enrollments/{seated.id}/certificate.pdf").status_code == 404
    participant.post("/courses/check-in", data={"code": sessions[0].attendance_code})
    coordinator_client.post(
        f"/courses/sessions/{sessions[1].id}/attendance", data={"present": [str(seated.id)]}
    )

    db.session.expire_all()
    assert seated.state is S.COMPLETED
    pdf = participant.get(f"/courses/enrollments/{seated.id}/certificate.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.data.startswith(b"%PDF")
    assert (
        _client(app, other).get(f"/courses/enrollments/{seated.id}/certificate.pdf").status_code
        == 403
    )
    assert (
        coordinator_client.get(f"/courses/enrollments/{seated.id}/certificate.pdf").status_code
        == 200
    )

    code = seated.certificate.code
    spaced = " ".join(code[i : i + 4] for i in range(0, 16, 4)).lower()
    genuine = client.get("/certificates/verify", query_string={"code": spaced})
    assert genuine.status_code == 200 and "Kari Nordmann" in _text(genuine)
    forged = client.get("/certificates/verify", query_string={"code": "AAAA-BBBB-CCCC-DDDD"})
    assert forged.status_code == 404 and "No certificate has this code" in _text(forged)
    garbage = client.get("/certificates/verify", query_string={"code": "<script>" * 5})
    assert (
        garbage.status_code in (200, 404) and "<script>" not in _text(garbage).split("</nav>")[-1]
    )
    assert client.get("/certificates/verify").status_code == 200


# Exports and messages --------------------------------------------------------------------------


def test_csv_exports_neutralise_formulas(app):
    item = _live_course(capacity=1)
    staff = coordinator()
    evil = researcher(name='=HYPERLINK("http://evil.example","click")')
    waiting = researcher(name="+cmd|' /C calc'!A0")
    enrollment.enroll(evil, item, now=utcnow())
    enrollment.enroll(waiting, item, now=utcnow())
    db.session.commit()
    client = _client(app, staff)

    for kind in ("roster", "waitlist", "applications", "attendance"):
        response = client.get(f"/courses/{item.id}/export/{kind}.csv")
        assert response.status_code == 200 and response.mimetype == "text/csv", kind
    roster = list(
        csv.reader(io.StringIO(_text(client.get(f"/courses/{item.id}/export/roster.csv"))))
    )
    assert roster[1][0] == '\'=HYPERLINK("http://evil.example","click")'
    line = _text(client.get(f"/courses/{item.id}/export/waitlist.csv")).splitlines()[1]
    assert "'+cmd" in line
    assert client.get(f"/courses/{item.id}/export/passwords.csv").status_code == 404


def test_coordinator_pages_answer_and_others_are_kept_out(app):
    item = _live_course(sessions=1)
    staff, person = coordinator(), researcher()
    seated = enrollment.enroll(person, item, now=utcnow())
    db.session.commit()
    staff_client, person_client = _client(app, staff), _client(app, person)
    session_id = item.sessions[0].id
    pages = [
        "/courses/manage",
        "/courses/new",
        f"/courses/{item.id}/edit",
        f"/courses/{item.id}/overview",
        f"/courses/{item.id}/roster",
        f"/courses/{item.id}/waitlist",
        f"/courses/{item.id}/applications",
        f"/courses/{item.id}/message",
        f"/courses/{item.id}/copy",
        f"/courses/{item.id}/sessions/new",
        f"/courses/sessions/{session_id}/edit",
        f"/courses/sessions/{session_id}/attendance",
    ]
    for url in pages:
        assert staff_client.get(url).status_code == 200, url
        assert person_client.get(url).status_code == 403, url
    assert person_client.post(f"/courses/enrollments/{seated.id}/remove").status_code == 403
    overview = _text(staff_client.get(f"/courses/{item.id}/overview"))
    assert item.sessions[0].attendance_code in overview


def test_the_coordinator_messages_participants_once(app):
    item = _live_course()
    staff = coordinator()
    enrollment.enroll(researcher(), item, now=utcnow())
    db.session.commit()
    client = _client(app, staff)
    form = _text(client.get(f"/courses/{item.id}/message"))
    key = re.search(r'name="submission_key"[^>]*value="([^"]+)"', form).group(1)
    data = {"subject": "Room change", "body": "We meet in room 2.", "submission_key": key}
    assert client.post(f"/courses/{item.id}/message", data=data).status_code == 302
    # A form shown again (with its own key) and sent without a message:
    empty = client.post(
        f"/courses/{item.id}/message", data={**data, "body": "", "submission_key": "x" * 24}
    )
    assert "This field is required" in _text(empty)


# CSRF ------------------------------------------------------------------------------------------


@pytest.fixture
def app_settings():
    return {}


def test_forms_need_their_csrf_token(app):
    app.config["WTF_CSRF_ENABLED"] = True
    item = _live_course()
    person = researcher()
    db.session.commit()
    client = app.test_client()
    login_page = _text(client.get("/login"))
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login_page).group(1)
    client.post(
        "/login", data={"email": person.email, "password": factories.PASSWORD, "csrf_token": token}
    )

    refused = client.post(f"/courses/{item.id}/enroll")
    assert refused.status_code == 400
    page = _text(client.get(f"/courses/{item.id}"))
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert client.post(f"/courses/{item.id}/enroll", data={"csrf_token": token}).status_code == 302
    assert attendance.participants_query(item) is not None


def test_nul_characters_are_dropped_not_stored(app):
    item = _live_course(admission_mode=AdmissionMode.SELECTION)
    person = researcher()
    db.session.commit()
    client = _client(app, person)

    response = client.post(
        f"/courses/{item.id}/apply",
        data={"motivation": "I want\x00 to learn about patents, please.", "send": "y"},
    )

    assert response.status_code == 302
    stored = db.session.scalar(sa.select(CourseEnrollment.motivation))
    assert stored == "I want to learn about patents, please."
    assert client.post("/courses/check-in", data={"code": "\x00"}).status_code == 400
    assert client.get("/certificates/verify?code=%00").status_code == 200


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_course_export_keeps_a_hostile_name_in_one_cell(app, language):
    item = _live_course(capacity=1)
    picked = _live_course(admission_mode=AdmissionMode.SELECTION, capacity=1)
    staff = coordinator(language=language)
    eve, waiting = researcher(name=HOSTILE_NAME), researcher(name="-3+3")
    enrollment.enroll(eve, item, now=utcnow())
    enrollment.enroll(waiting, item, now=utcnow())
    applied = enrollment.save_application(
        eve, picked, motivation="A long enough motivation, honestly.", submit=True, now=utcnow()
    )
    applied.score = 8
    db.session.commit()
    client = _client(app, staff)

    def rows(course_id, kind):
        return read_csv(client.get(f"/courses/{course_id}/export/{kind}.csv"), language)[1:]

    roster, attendance_sheet = rows(item.id, "roster"), rows(item.id, "attendance")
    quoted = raw_lines(client.get(f"/courses/{item.id}/export/roster.csv"))[1]
    assert quoted.startswith(f'"{HOSTILE_NAME}"')  # one cell whichever delimiter splits it
    assert roster[0][0] == attendance_sheet[0][0] == HOSTILE_NAME
    assert roster[0][4:6] == ["0", "0"]  # sessions attended and held: numbers, no apostrophe
    waitlist = rows(item.id, "waitlist")
    assert waitlist[0][:2] == ["1", "'-3+3"]
    [application] = rows(picked.id, "applications")
    assert application[0] == HOSTILE_NAME and application[4] == "8"
