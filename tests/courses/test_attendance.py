"""Attendance by the coordinator and by session code, completion, and certificates."""

from __future__ import annotations

from datetime import timedelta

import pytest

from talent.courses.models import AttendanceMethod, EnrollmentState
from talent.courses.services import attendance, certificates, enrollment
from talent.errors import AlreadyDone, ValidationFailed
from talent.extensions import db
from tests.courses.conftest import NOW, coordinator, course, researcher

S = EnrollmentState


def test_attendance_waits_for_the_session_to_start(app):
    actor = coordinator()
    item = course(sessions=1)
    seated = enrollment.enroll(researcher(), item, now=NOW)
    [session] = item.sessions

    with pytest.raises(ValidationFailed, match="once the session has started"):
        attendance.record_attendance(actor, session, [seated.id], now=NOW)


def test_only_participants_can_be_marked_present(app):
    actor = coordinator()
    item = course(capacity=1, sessions=1)
    enrollment.enroll(researcher(), item, now=NOW)
    waiting = enrollment.enroll(researcher(), item, now=NOW)
    [session] = item.sessions

    with pytest.raises(ValidationFailed, match="Only participants"):
        attendance.record_attendance(actor, session, [waiting.id], now=session.starts_at)


def test_completion_at_80_percent_issues_a_certificate_and_a_correction_revokes_it(app):
    actor = coordinator()
    item = course(sessions=5, completion_percent=80)
    seated = enrollment.enroll(researcher(), item, now=NOW)
    sessions = item.sessions
    after = sessions[-1].ends_at

    for session in sessions[:3]:
        attendance.record_attendance(actor, session, [seated.id], now=after)
    assert seated.state is S.CONFIRMED and seated.certificate is None

    assert attendance.record_attendance(actor, sessions[3], [seated.id], now=after) == (1, 0)
    assert seated.state is S.COMPLETED
    certificate = seated.certificate
    assert certificate.is_valid and len(certificate.code) == 16
    code = certificate.code

    assert attendance.record_attendance(actor, sessions[3], [seated.id], now=after) == (0, 0)
    attendance.record_attendance(actor, sessions[0], [], now=after)
    assert seated.state is S.CONFIRMED and not certificate.is_valid
    assert certificates.find_certificate(code).revoked_at == after

    attendance.record_attendance(actor, sessions[4], [seated.id], now=after)
    assert seated.state is S.COMPLETED
    assert certificate.is_valid and certificate.code == code


def test_a_participant_checks_in_with_the_code_while_the_session_is_on(app):
    item = course(sessions=2, completion_percent=50)
    person = researcher()
    seated = enrollment.enroll(person, item, now=NOW)
    first = item.sessions[0]

    with pytest.raises(ValidationFailed, match="on now") as early:
        attendance.check_in(person, first.attendance_code, now=first.starts_at - timedelta(hours=1))
    assert early.value.field == "code"
    with pytest.raises(ValidationFailed):
        attendance.check_in(person, "WRONG1", now=first.starts_at)
    with pytest.raises(ValidationFailed):
        attendance.check_in(researcher(), first.attendance_code, now=first.starts_at)

    during = first.starts_at + timedelta(minutes=10)
    assert attendance.check_in(person, f" {first.attendance_code.lower()} ", now=during) == first
    with pytest.raises(AlreadyDone, match="already recorded"):  # a second tap changes nothing
        attendance.check_in(person, first.attendance_code, now=during)

    assert attendance.attended_counts([seated.id]) == {seated.id: 1}
    [mark] = db.session.scalars(
        db.select(attendance.Attendance).where(attendance.Attendance.enrollment_id == seated.id)
    )
    assert mark.method is AttendanceMethod.CODE
    assert seated.state is S.COMPLETED  # 1 of 2 sessions meets 50 %


def test_certificate_codes_are_random_and_forgiving_to_type(app):
    codes = {certificates.new_code() for _ in range(200)}
    assert len(codes) == 200
    code = codes.pop()
    assert certificates.normalize_code(certificates.display_code(code).lower()) == code
    assert certificates.normalize_code("ABCD") is None
    assert certificates.normalize_code("0" * 16) is None  # 0 and O are not in the alphabet
    assert certificates.find_certificate("' OR 1=1 --") is None
    assert certificates.find_certificate(code) is None


def test_the_certificate_pdf_is_a_pdf(app):
    actor = coordinator()
    item = course(sessions=1, title="Innovasjon i helse: fra idé til marked")
    person = researcher(name="Åse Ødegård-Łukasiewicz")
    seated = enrollment.enroll(person, item, now=NOW)
    attendance.record_attendance(actor, item.sessions[0], [seated.id], now=item.sessions[0].ends_at)

    pdf = certificates.render_pdf(
        seated.certificate,
        verify_url="https://talent.example/certificates/verify?code=X",
        dates="22 March 2027",
        issued="22 March 2027",
        hours="2.5 ECTS credits",
    )

    assert pdf.startswith(b"%PDF") and len(pdf) > 1000
