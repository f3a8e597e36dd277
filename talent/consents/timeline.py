"""Consents on the pupil's timeline, for those who manage them."""

from __future__ import annotations

from flask import url_for
from flask_babel import format_date
from flask_babel import lazy_gettext as _l

from talent.consents.services import consents_by_pupil
from talent.schools.models import Student
from talent.timeline.registry import TimelineEntry, register_timeline_provider


@register_timeline_provider
def consents(student: Student, viewer) -> list[TimelineEntry]:
    url = url_for("consents.pupil", student_id=student.id)
    entries = []
    for consent in consents_by_pupil([student.id])[student.id]:
        detail = str(
            _l("Given by %(name)s %(method)s.", name=consent.given_by, method=consent.method.label)
        )
        if consent.expires_on:
            detail += " " + str(
                _l("Valid until %(date)s.", date=format_date(consent.expires_on, "d. MMM y"))
            )
        entries.append(
            TimelineEntry(
                when=consent.given_at,
                kind="consent",
                title=str(_l("Consent for %(kind)s given", kind=consent.kind.label)),
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
                    title=str(_l("Consent for %(kind)s withdrawn", kind=consent.kind.label)),
                    detail=str(_l("By %(name)s.", name=consent.withdrawn_by)),
                    url=url,
                    permission="consents.manage",
                )
            )
    return entries
