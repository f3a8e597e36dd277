"""Bad input to the pupil features' pages gives a message, never a server error."""

from __future__ import annotations

import pytest

from talent.extensions import db
from talent.people.models import Role
from tests.programmes import factories as pf

NUL = "Kari\x00Hansen"
LONG = "x" * 6000


@pytest.fixture
def world(make):
    school = make.school("Ullern videregående skole")
    coordinator = make.user(Role.COORDINATOR, language="en")
    group = make.school_class(school, "2STA")
    pupil = make.student(group, "Emma Hansen")
    parent = pf.guardian(pupil, "Kari Hansen")
    consent = pf.consent(pupil)
    programme = pf.programme(school=school)
    enrollment = pf.enrollment(programme, pupil)
    db.session.commit()
    return {
        "coordinator": coordinator,
        "pupil": pupil.id,
        "guardian": parent.id,
        "consent": consent.id,
        "programme": programme.id,
        "enrollment": enrollment.id,
        "class": group.id,
    }


def _posts(w):
    p, g, c = w["pupil"], w["guardian"], w["consent"]
    e, pr = w["enrollment"], w["programme"]
    return [
        (f"/pupils/{p}/guardians/new", {"name": NUL, "email": "a@b.no"}),
        (f"/pupils/{p}/guardians/new", {"name": "Kari", "email": LONG, "phone": LONG}),
        (f"/guardians/{g}", {"name": "Kari", "email": "a@b.no", "phone": NUL}),
        (
            f"/pupils/{p}/consents/new",
            {"kind": "nonsense", "method": "telepathy", "given_on": "yesterday"},
        ),
        (
            f"/pupils/{p}/consents/new",
            {"kind": "programme", "given_by": NUL, "method": "paper", "given_on": "2026-09-01"},
        ),
        (
            f"/pupils/{p}/consents/new",
            {"kind": "programme", "given_by": "K", "method": "paper", "given_on": "0001-01-01"},
        ),
        (f"/consents/{c}/withdraw", {"withdrawn_by": NUL}),
        (
            "/programmes/new",
            {"name": NUL, "school_year": "1999", "capacity": "1e9", "tracks": LONG},
        ),
        (
            "/programmes/new",
            {"name": "P", "school_year": "2026", "capacity": "3", "tracks": "A\x00B"},
        ),
        (f"/programmes/{pr}/edit", {"name": "P", "school_year": "x", "capacity": "-1"}),
        (
            f"/programmes/{pr}/enroll?school_class={w['class']}",
            {"student_ids": ["abc", "999999"], "track_id": "x", "intended_field": "astrology"},
        ),
        (f"/programmes/enrollments/{e}", {"track_id": "999999", "intended_field_at_start": "z"}),
        (f"/programmes/enrollments/{e}/withdraw", {"reason": NUL}),
        (f"/programmes/enrollments/{e}/complete", {"intended_field": "not_studying"}),
        (
            f"/programmes/alumni/{p}",
            {"field": "medicine", "institution": NUL, "reported_on": "2026-02-30"},
        ),
        (f"/pupils/{p}/left-school", {"left_school_on": "2026-02-30"}),
        (f"/pupils/{p}/left-school", {"left_school_on": "9999-12-31"}),
        (f"/privacy/pupils/{p}/erase", {"confirm": "maybe"}),
        ("/rosters/import", {"school_id": "abc", "school_year": "1800"}),
    ]


def test_no_bad_post_gives_a_server_error(client, login, world):
    login(world["coordinator"])
    for url, data in _posts(world):
        response = client.post(url, data=data)
        assert response.status_code < 500, (url, data, response.status_code)


@pytest.mark.parametrize(
    "url",
    [
        "/rosters/?school=abc&school_class=zz&q=%00",
        "/rosters/?school=1&q=" + "x" * 500,
        "/rosters/export.csv?school=999999",
        "/programmes/?school_year=abc&q=%00&page=-3",
        "/programmes/?page=99999999999999999999",
        "/programmes/1?state=exploded",
        "/programmes/1/enroll?school_class=abc",
        "/privacy/?q=%00",
        "/privacy/?page=abc",
        "/rosters/imports/1?show=everything&page=0",
    ],
)
def test_no_bad_query_gives_a_server_error(client, login, world, url):
    login(world["coordinator"])
    assert client.get(url).status_code < 500


def test_a_nul_in_a_name_is_explained(client, login, world):
    login(world["coordinator"])
    response = client.post(
        f"/pupils/{world['pupil']}/guardians/new", data={"name": NUL, "email": ""}
    )
    assert "Write this on one line, without line breaks, tabs or other control characters." in (
        response.get_data(as_text=True)
    )
