"""Sites and slots: the slot list and month calendar, publishing, changing and cancelling."""

from __future__ import annotations

import functools
import logging
from datetime import date, timedelta
from types import SimpleNamespace

from babel.dates import get_day_names
from flask import abort, render_template, request, url_for
from flask_babel import format_date, get_locale, gettext, ngettext
from flask_login import current_user

from talent.auth import policy
from talent.auth.guards import permission_required
from talent.db import utcnow
from talent.extensions import db
from talent.i18n import local_zone
from talent.people.models import Organization, User
from talent.visits.forms import ReasonForm, SiteForm, SlotEditForm, SlotFilterForm, SlotForm
from talent.visits.models import LabSite, VisitSlot
from talent.visits.services import booking, queries, sites, slots
from talent.visits.services import month as calendar_service
from talent.visits.services.common import show_day
from talent.visits.views.common import (
    PER_PAGE,
    bp,
    own_organization_id,
    show_problems,
    works_everywhere,
)
from talent.web.actions import act
from talent.web.loading import load
from talent.web.options import NOT_SCHOOLS, organization_options
from talent.web.paging import page_number

log = logging.getLogger(__name__)

#: The years the calendar shows; other months and days fall back to today's, or are not found.
FIRST_YEAR, LAST_YEAR = 2000, 2100
#: The query arguments of the slot filter, kept when moving between months and days.
FILTER_ARGS = ("start_on", "end_on", "topic", "organization", "min_free")


@bp.context_processor
def _policy_in_templates():
    """Templates ask the policy, never the roles: ``can('visits.host', slot)``; ``clock``
    shows the time of day in the user's zone."""
    # The user behind the proxy, looked up once: a page asks for every tab of its menu.
    user = current_user._get_current_object()
    return {
        "can": lambda permission, obj=None: policy.can(user, permission, obj),
        "clock": _clock_in(local_zone()),
    }


def _clock_in(zone):
    """HH:mm in the zone: the same text as Babel's pattern, without its lookups per call (a
    month calendar shows two times for each of its slots)."""
    return lambda moment: moment.astimezone(zone).strftime("%H:%M")


def _filters() -> tuple[SlotFilterForm, slots.SlotFilter]:
    form = SlotFilterForm(request.args, organizations=slots.host_organizations())
    form.validate()
    criteria = slots.SlotFilter(
        start_on=form.value("start_on"),
        end_on=form.value("end_on"),
        topic=form.value("topic") or "",
        organization_id=form.value("organization"),
        min_free=form.value("min_free"),
    )
    return form, criteria


@bp.route("/slots")
@permission_required("visits.browse")
def slot_list():
    """Open slots from today on, filtered by dates, topic, organisation and free places."""
    form, criteria = _filters()
    query = slots.slots_query(criteria, now=utcnow(), zone=local_zone())
    page = db.paginate(query, page=page_number(), per_page=PER_PAGE, error_out=False)
    return render_template("visits/slots.html", form=form, page=page)


def _local_today() -> date:
    return utcnow().astimezone(local_zone()).date()


def _month() -> date:
    text = request.args.get("month", "")
    try:
        year, month = (int(part) for part in text.split("-"))
        if FIRST_YEAR <= year <= LAST_YEAR:
            return date(year, month, 1)
    except ValueError:
        pass
    return _local_today().replace(day=1)


def _visits_page() -> int:
    """The page of the day's visits; ``page`` pages its slots."""
    return page_number("visits_page")


def _filter_args() -> dict[str, str]:
    """The filters of the request, for links to another month or day."""
    return {key: value for key, value in request.args.items() if key in FILTER_ARGS}


def _count_texts() -> SimpleNamespace:
    """The words for a month's counts, each number translated once: the days repeat them."""
    return SimpleNamespace(
        visits=functools.cache(lambda num: ngettext("%(num)d visit", "%(num)d visits", num)),
        slots=functools.cache(lambda num: ngettext("%(num)d slot", "%(num)d slots", num)),
        free=functools.cache(
            lambda num: ngettext("%(num)d place free", "%(num)d places free", num)
        ),
    )


@bp.route("/calendar")
@permission_required("visits.browse")
def calendar():
    """A month as a table (no script needed): per day, the user's visits and the open slots
    and places, linking to the day's list."""
    form, criteria = _filters()
    now, zone = utcnow(), local_zone()
    month = calendar_service.month_calendar(
        current_user, _month(), criteria=criteria, now=now, zone=zone
    )
    names = get_day_names("abbreviated", locale=get_locale())
    return render_template(
        "visits/calendar.html",
        form=form,
        month=month,
        counted=_count_texts(),
        today=now.astimezone(zone).date(),
        args=_filter_args(),
        month_name=format_date(month.first, "LLLL y"),
        weekday_names=[names[number] for number in range(7)],
    )


@bp.route("/calendar/<day>")
@permission_required("visits.browse")
def calendar_day(day: str):
    """A day of the calendar: the visits the user may see and the open slots, a page each."""
    try:
        shown = date.fromisoformat(day)
    except ValueError:
        abort(404)
    if shown.isoformat() != day or not FIRST_YEAR <= shown.year <= LAST_YEAR:
        abort(404)
    form, criteria = _filters()
    now, zone = utcnow(), local_zone()
    slots_page = db.paginate(
        calendar_service.day_slots_query(criteria, shown, now=now, zone=zone),
        page=page_number(),
        per_page=PER_PAGE,
        error_out=False,
    )
    visits_page = db.paginate(
        calendar_service.day_visits_query(current_user, shown, zone=zone),
        page=_visits_page(),
        per_page=PER_PAGE,
        error_out=False,
    )
    return render_template(
        "visits/calendar_day.html",
        form=form,
        day=shown,
        previous_day=shown - timedelta(days=1),
        next_day=shown + timedelta(days=1),
        slots=slots_page,
        visits=visits_page,
        args=_filter_args(),
        day_name=format_date(shown, "full"),
        month_name=format_date(shown, "LLLL y"),
    )


@bp.route("/slots/<int:slot_id>")
@permission_required("visits.browse")
def slot(slot_id: int):
    """A slot, its site's rules and (for its host) the visits booked on it."""
    found = load(VisitSlot, slot_id, loader=queries.slot_page)
    return render_template(
        "visits/slot.html",
        slot=found,
        is_host=policy.can(current_user, "visits.host", found),
        now=utcnow(),
    )


def _contacts(organization_id: int) -> list[tuple[int, str]]:
    return [(user.id, user.name) for user in slots.host_contacts(organization_id)]


def _contact(form) -> User | None:
    chosen = form.host_contact_id.data
    return db.session.get(User, chosen) if chosen else None


def _slots_published(published) -> list[tuple[str, str]]:
    """How many slots are published, and the days skipped."""
    created, skipped = published
    said = [
        (
            ngettext("%(num)d slot is published.", "%(num)d slots are published.", len(created)),
            "success",
        )
    ]
    if skipped:
        said.append(
            (gettext("Skipped: %(days)s.", days=", ".join(show_day(d) for d in skipped)), "info")
        )
    return said


@bp.route("/sites/<int:site_id>/slots/new", methods=["GET", "POST"])
@permission_required("visits.host")
def new_slot(site_id: int):
    """Publish a slot, once or weekly, at one of the host's sites."""
    site = load(LabSite, site_id, hidden_unless="visits.host")
    form = SlotForm(
        contacts=_contacts(site.organization_id),
        data={
            "host_contact_id": current_user.id
            if current_user.organization_id == site.organization_id
            else None,
            "capacity": site.capacity,
            "weeks": 1,
        },
    )
    if form.validate_on_submit():
        plan = slots.SlotPlan(
            first_day=form.first_day.data,
            start=form.start.data,
            end=form.end.data,
            capacity=form.capacity.data,
            topic=form.topic.data,
            host_contact=_contact(form),
            weeks=form.weeks.data,
            skip_days=getattr(form, "skipped", set()),
        )
        done = act(
            lambda: slots.publish_slots(current_user, site, plan, now=utcnow(), zone=local_zone()),
            success=_slots_published,
            then=url_for("visits.site", site_id=site.id),
            form=form,
            show=show_problems,
        )
        if done:
            return done
    return render_template("visits/slot_form.html", form=form, site=site, slot=None)


@bp.route("/slots/<int:slot_id>/edit", methods=["GET", "POST"])
@permission_required("visits.host")
def edit_slot(slot_id: int):
    """Change a slot's topic, capacity or contact."""
    found = load(VisitSlot, slot_id, hidden_unless="visits.host")
    form = SlotEditForm(obj=found, contacts=_contacts(found.site.organization_id))
    if form.validate_on_submit():
        done = act(
            lambda: slots.update_slot(
                current_user,
                found,
                topic=form.topic.data,
                capacity=form.capacity.data,
                host_contact=_contact(form),
                now=utcnow(),
            ),
            form=form,
            show=show_problems,
            success=gettext("The slot is saved."),
            then=url_for("visits.slot", slot_id=found.id),
        )
        if done:
            return done
    return render_template("visits/slot_form.html", form=form, site=found.site, slot=found)


@bp.route("/slots/<int:slot_id>/cancel", methods=["GET", "POST"])
@permission_required("visits.host")
def cancel_slot(slot_id: int):
    """Cancel a slot; the teachers who booked it are told why."""
    found = load(VisitSlot, slot_id, hidden_unless="visits.host")
    form = ReasonForm()
    if form.validate_on_submit():
        done = act(
            lambda: booking.cancel_slot(current_user, found, reason=form.reason.data, now=utcnow()),
            form=form,
            show=show_problems,
            success=lambda count: ngettext(
                "The slot is cancelled; %(num)d booking was cancelled and its teacher told.",
                "The slot is cancelled; %(num)d bookings were cancelled and their teachers told.",
                count,
            ),
            then=url_for("visits.slot", slot_id=found.id),
        )
        if done:
            return done
    return render_template(
        "visits/reason.html",
        form=form,
        title=gettext("Cancel the slot"),
        intro=gettext(
            "Every booking on this slot is cancelled and its teacher is told the reason."
        ),
        back=url_for("visits.slot", slot_id=found.id),
        button=gettext("Cancel the slot"),
    )


# Sites ------------------------------------------------------------------------------------------


@bp.route("/sites")
@permission_required("visits.browse")
def site_list():
    """Lab sites by organisation; hosts see their own first."""
    query = sites.sites_query(active_only=not policy.has_permission(current_user, "visits.host"))
    page = db.paginate(query, page=page_number(), per_page=PER_PAGE, error_out=False)
    return render_template("visits/sites.html", page=page)


def _site_form(site: LabSite | None) -> SiteForm:
    organizations = (
        organization_options(NOT_SCHOOLS) if site is None and works_everywhere() else None
    )
    return SiteForm(obj=site, organizations=organizations)


@bp.route("/sites/new", methods=["GET", "POST"])
@permission_required("visits.host")
def new_site():
    """Describe a new lab site of one's organisation (coordinators: of any organisation)."""
    form = _site_form(None)
    if form.validate_on_submit():
        organization_id = (
            form.organization_id.data if form.organization_id is not None else own_organization_id()
        )
        organization = db.session.get(Organization, organization_id)
        if organization is not None:
            policy.authorize(current_user, "visits.host", organization)
        saved = _save_site(form, None, organization)
        if saved is not None:
            return saved
    return render_template("visits/site_form.html", form=form, site=None)


def _save_site(form: SiteForm, site: LabSite | None, organization):
    return act(
        lambda: sites.save_site(
            current_user,
            site,
            organization=organization,
            name=form.name.data,
            address=form.address.data,
            capacity=form.capacity.data,
            minimum_age=form.minimum_age.data,
            pupils_per_adult=form.pupils_per_adult.data,
            safety_rules=form.safety_rules.data,
            photo_rules=form.photo_rules.data,
            accessibility=form.accessibility.data,
            is_active=form.is_active.data,
            now=utcnow(),
        ),
        success=lambda saved: gettext("%(name)s is saved.", name=saved.name),
        then=lambda saved: url_for("visits.site", site_id=saved.id),
        form=form,
        show=show_problems,
    )


@bp.route("/sites/<int:site_id>")
@permission_required("visits.browse")
def site(site_id: int):
    """A site's description and its coming slots."""
    found = load(LabSite, site_id)
    if not found.is_active and not policy.can(current_user, "visits.host", found):
        abort(404)
    query = slots.slots_query(slots.SlotFilter(site_id=found.id), now=utcnow())
    page = db.paginate(query, page=page_number(), per_page=PER_PAGE, error_out=False)
    return render_template("visits/site.html", site=found, page=page)


@bp.route("/sites/<int:site_id>/edit", methods=["GET", "POST"])
@permission_required("visits.host")
def edit_site(site_id: int):
    """Change a site's description and rules."""
    found = load(LabSite, site_id, hidden_unless="visits.host")
    form = _site_form(found)
    if form.validate_on_submit() and (saved := _save_site(form, found, None)) is not None:
        return saved
    return render_template("visits/site_form.html", form=form, site=found)
