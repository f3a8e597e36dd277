"""Certificates of completion: issue, revoke, verify, and the PDF itself."""

from __future__ import annotations

import logging
import secrets
import unicodedata
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from fpdf import FPDF
from sqlalchemy.orm import joinedload

from talent.courses import notices
from talent.courses.models import Certificate, Course, CourseEnrollment
from talent.extensions import db

log = logging.getLogger(__name__)

#: 16 characters from a 32-letter alphabet: 80 random bits, typed in four groups of four.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 16

#: A font with all of Unicode's Latin letters, if the system has one; else the PDF core font.
UNICODE_FONTS = (
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/TTF/DejaVuSans.ttf"),
)


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(text: str | None) -> str | None:
    """The stored form of a typed code (any case, spaces or dashes), or None if it is not one."""
    code = "".join(ch for ch in (text or "").upper() if ch.isalnum())
    if len(code) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in code):
        return None
    return code


def display_code(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def issue_certificate(enrollment: CourseEnrollment, *, now: datetime) -> Certificate:
    """Give a completed enrollment its certificate, or restore a revoked one."""
    certificate = enrollment.certificate
    if certificate is None:
        certificate = Certificate(enrollment=enrollment, code=new_code(), issued_at=now)
        db.session.add(certificate)
    elif certificate.revoked_at is None:
        return certificate
    else:
        certificate.revoked_at = None
        certificate.issued_at = now
    db.session.flush()
    notices.certificate_ready(certificate, now=now)
    log.info("certificate %s issued for enrollment %s", certificate.id, enrollment.id)
    return certificate


def revoke_certificate(enrollment: CourseEnrollment, *, now: datetime) -> None:
    certificate = enrollment.certificate
    if certificate is not None and certificate.revoked_at is None:
        certificate.revoked_at = now
        db.session.flush()
        log.info("certificate %s revoked", certificate.id)


def find_certificate(text: str | None) -> Certificate | None:
    """The certificate with this code, with its holder and course; None for any other text."""
    code = normalize_code(text)
    if code is None:
        return None
    return db.session.scalars(
        sa.select(Certificate)
        .where(Certificate.code == code)
        .options(
            joinedload(Certificate.enrollment).joinedload(CourseEnrollment.user),
            joinedload(Certificate.enrollment).joinedload(CourseEnrollment.course),
        )
    ).first()


def _font_path() -> Path | None:
    return next((path for path in UNICODE_FONTS if path.is_file()), None)


def _latin1(text: str) -> str:
    """Fall back for the core font: drop accents it cannot show, replace the rest."""
    decomposed = unicodedata.normalize("NFKD", text)
    kept = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", kept).encode("latin-1", "replace").decode("latin-1")


def render_pdf(
    certificate: Certificate, *, verify_url: str, dates: str, issued: str, hours: str
) -> bytes:
    """The certificate as an A4 landscape PDF; dates come formatted in the reader's language."""
    enrollment = certificate.enrollment
    course: Course = enrollment.course
    pdf = FPDF(orientation="L", format="A4")
    pdf.set_title(str(_l("Certificate of completion")))
    pdf.set_creator("Talent")
    pdf.set_auto_page_break(False)
    pdf.add_page()
    font = _font_path()
    if font is not None:
        pdf.add_font("Body", "", str(font))
        family, clean = "Body", str
    else:
        family, clean = "Helvetica", _latin1

    def line(text: str, size: int, height: float) -> None:
        pdf.set_font(family, size=size)
        pdf.multi_cell(0, height, clean(text), align="C", new_x="LMARGIN", new_y="NEXT")

    pdf.set_draw_color(30, 60, 110)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, pdf.w - 20, pdf.h - 20)
    pdf.set_y(30)
    line(str(_l("School of Health Innovation")), 14, 8)
    pdf.ln(6)
    line(str(_l("Certificate of completion")), 30, 14)
    pdf.ln(10)
    line(str(_l("This certifies that")), 13, 8)
    line(enrollment.user.name, 24, 12)
    line(str(_l("has completed the course")), 13, 8)
    line(course.title, 20, 10)
    line(dates, 12, 7)
    if hours:
        line(hours, 12, 7)
    partners = ", ".join(partner.name for partner in course.partners)
    if partners:
        line(str(_l("In partnership with %(partners)s", partners=partners)), 11, 6)
    pdf.set_y(pdf.h - 55)
    line(str(_l("Issued %(date)s", date=issued)), 11, 6)
    line(str(_l("Verification code: %(code)s", code=display_code(certificate.code))), 13, 7)
    line(str(_l("Check it at %(url)s", url=verify_url)), 10, 6)
    return bytes(pdf.output())
