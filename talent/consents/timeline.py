"""Consents on the pupil's timeline, for those who manage them."""

from __future__ import annotations

import sqlalchemy as sa
from babel import dates
from flask import url_for
from flask_babel import get_locale, gettext

from talent.auth import policy
from talent.consents.models import Consent
from talent.schools.models import Student
from talent.timeline.registry import TimelineEntry, read_rows

#: Each consent of the pupil with what its entries say, newest first, as plain rows.
_PUPIL_CONSENTS = (
    sa.select(
        Consent.kind,
        Consent.given_by,
        Consent.given_at,
        Consent.method,
        Consent.expires_on,
        Consent.withdrawn_at,
        Consent.withdrawn_by,
    )
    .where(Consent.student_id == sa.bindparam("student_id"))
    .order_by(Consent.given_at.desc(), Consent.id.desc())
)
#: Compiled once: Babel's format_date parses the pattern again on every call.
_DAY = dates.parse_pattern("d. MMM y")


def consents(student: Student, viewer) -> list[TimelineEntry]:
    """Each consent given and withdrawn; not even read for a viewer who may not see them."""
    if not policy.can(viewer, "consents.manage", student):
        return []
    url = url_for("consents.pupil", student_id=student.id)
    locale = get_locale()
    entries = []
    for consent in read_rows(_PUPIL_CONSENTS, student_id=student.id):
        kind = str(consent.kind.label)
        detail = gettext(
            "Given by %(name)s %(method)s.", name=consent.given_by, method=consent.method.label
        )
        if consent.expires_on:
            detail += " " + gettext(
                "Valid until %(date)s.", date=_DAY.apply(consent.expires_on, locale)
            )
        entries.append(
            TimelineEntry(
                when=consent.given_at,
                kind="consent",
                title=gettext("Consent for %(kind)s given", kind=kind),
                detail=detail,
                url=url,
                permission="consents.manage",
            )
        )
        if consent.withdrawn_at is not None:
            entries.append(
                TimelineEntry(
                    when=consent.withdrawn_at,
                    kind="consent",
                    title=gettext("Consent for %(kind)s withdrawn", kind=kind),
                    detail=gettext("By %(name)s.", name=consent.withdrawn_by),
                    url=url,
                    permission="consents.manage",
                )
            )
    return entries
