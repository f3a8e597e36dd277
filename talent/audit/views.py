"""The audit log: who changed what and when, with the values before and after."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask import Blueprint, flash, render_template, request
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from talent.audit import services
from talent.audit.forms import AuditFilterForm
from talent.audit.models import AuditEvent
from talent.auth.guards import permission_required
from talent.extensions import db
from talent.i18n import local_zone
from talent.web.options import organization_names
from talent.web.paging import page_number

bp = Blueprint("audit", __name__, url_prefix="/audit")

PER_PAGE = 50

#: Readable names of the fields that services put in before/after snapshots.
FIELD_LABELS = {
    "name": _l("Name"),
    "email": _l("E-mail"),
    "organization_id": _l("Organisation"),
    "roles": _l("Roles"),
    "is_active": _l("Active"),
    "kind": _l("Kind"),
    "city": _l("City"),
    "website": _l("Website"),
    "language": _l("Language"),
    "timezone": _l("Time zone"),
}


@dataclass(frozen=True)
class Change:
    field: str
    before: str
    after: str


def _start_of_local_day(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=local_zone()).astimezone(UTC)


def _show(key: str, value: Any, organizations: dict[int, str]) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if key == "organization_id" and isinstance(value, int):
        return organizations.get(value, f"#{value}")
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)


def _changes(event: AuditEvent, organizations: dict[int, str]) -> list[Change]:
    before, after = event.before or {}, event.after or {}
    return [
        Change(
            str(FIELD_LABELS.get(key, key)),
            _show(key, before.get(key), organizations) if event.before is not None else "",
            _show(key, after.get(key), organizations) if event.after is not None else "",
        )
        for key in sorted(set(before) | set(after))
    ]


def _organization_ids(events: list[AuditEvent]) -> set[int]:
    return {
        snapshot["organization_id"]
        for event in events
        for snapshot in (event.before, event.after)
        if snapshot and isinstance(snapshot.get("organization_id"), int)
    }


@bp.route("/")
@permission_required("audit.read")
def events():
    """The audit log, newest first, filtered by who, what, which kind of object and when."""
    form = AuditFilterForm(
        request.args,
        actors=services.recorded_actors(),
        actions=services.recorded_actions(),
        object_types=services.recorded_object_types(),
    )
    if not form.validate():
        flash(gettext("Some filters could not be used; see the messages below."), "warning")
    date_from, date_to = form.value("date_from"), form.value("date_to")
    actor = form.value("actor")
    query = services.events_query(
        actor=int(actor) if actor and actor.isdigit() else actor,
        action=form.value("action"),
        object_type=form.value("object_type"),
        since=_start_of_local_day(date_from) if date_from else None,
        until=_start_of_local_day(date_to + timedelta(days=1)) if date_to else None,
        label=form.value("q") or "",
    )
    page = db.paginate(
        query,
        page=page_number(),
        per_page=PER_PAGE,
        error_out=False,
    )
    organizations = organization_names(_organization_ids(page.items))
    changes = {event.id: _changes(event, organizations) for event in page.items}
    return render_template("audit/events.html", form=form, page=page, changes=changes)
