"""Every call from lab visits into the reminder engine (talent.reminders) is in this module.

Called inside the business transaction: it only writes notification rows, which the scheduler
delivers after the commit. Reminders: the checklist 7 days before a visit, the visit itself
48 and 2 hours before (teacher and host), a feedback request the morning after, and each
host's daily digest. Notices: booked, confirmed, declined, cancelled, moved, proposals and the
participant list.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, time, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from talent.clock import at_local, local_date, platform_zone
from talent.extensions import db
from talent.people.models import Organization, Role, RoleAssignment, User
from talent.reminders import services as reminders
from talent.reminders.kinds import Kind
from talent.reminders.models import Category
from talent.visits.links import make_feedback_token
from talent.visits.models import (
    OPEN_VISIT_STATES,
    LabVisit,
    VisitProposal,
    VisitSlot,
    VisitState,
)

log = logging.getLogger(__name__)

BOOKED = "visits.booked"
CONFIRMED = "visits.confirmed"
DECLINED = "visits.declined"
CANCELLED = "visits.cancelled"
MOVED = "visits.moved"
CHECKLIST_DUE = "visits.checklist_due"
SOON = "visits.soon"
FEEDBACK = "visits.feedback"
PROPOSAL = "visits.proposal"
PARTICIPANT_LIST = "visits.participant_list"
HOST_DIGEST = "visits.host_digest"

#: The reminders before and after a visit; moving it recomputes them, cancelling drops them.
TIMED_KINDS = (CHECKLIST_DUE, SOON, FEEDBACK)
CHECKLIST_LEAD = timedelta(days=7)
SOON_LEADS = {"48h": timedelta(hours=48), "2h": timedelta(hours=2)}
#: Feedback requests and digests go out at this local hour.
MORNING = time(8)


def _visit_link(notification):
    return ("visits.visit", {"visit_id": notification.context["visit_id"]})


def _feedback_link(notification):
    context = notification.context
    token = make_feedback_token(
        context["visit_id"], student_id=context.get("student_id"), user_id=context.get("user_id")
    )
    return ("visits.feedback", {"token": token})


def _is_open(visit: LabVisit) -> bool:
    return visit.state in OPEN_VISIT_STATES


def _checklist_open(visit: LabVisit) -> bool:
    return _is_open(visit) and any(item.done_at is None for item in visit.checklist)


def _took_place(visit: LabVisit) -> bool:
    return visit.state in (VisitState.CONFIRMED, VisitState.COMPLETED)


#: The notification kinds this module defines; its feature registers them (feature.py).
KINDS: list[Kind] = []


def _register(name, label, subject, body, link=_visit_link, **extra) -> None:
    KINDS.append(
        Kind(
            name,
            Category.VISITS,
            label=label,
            subject=subject,
            body=body,
            link=link,
            subject_model=extra.pop("subject_model", LabVisit),
            **extra,
        )
    )


_register(
    BOOKED,
    _l("Lab visit booked"),
    _l("New booking: %(class_name)s on %(starts_at)s"),
    _l(
        "%(teacher)s of %(school)s booked %(site)s (%(topic)s) for %(class_name)s on "
        "%(starts_at)s: %(pupils)s pupils and %(adults)s adults.\n\n"
        "Please confirm the visit or decline it with a reason."
    ),
    is_relevant=_is_open,
)
_register(
    CONFIRMED,
    _l("Lab visit confirmed"),
    _l("Your visit to %(site)s is confirmed"),
    _l(
        "%(host)s confirmed the visit of %(class_name)s to %(site)s on %(starts_at)s.\n\n"
        "Work through the checklist before the visit."
    ),
    is_relevant=_is_open,
)
_register(
    DECLINED,
    _l("Lab visit declined"),
    _l("Your visit to %(site)s was declined"),
    _l(
        "%(host)s declined the visit of %(class_name)s to %(site)s on %(starts_at)s.\n\n"
        "Reason: %(reason)s\n\nChoose another slot, or post a visit request."
    ),
)
_register(
    CANCELLED,
    _l("Lab visit cancelled"),
    _l("Cancelled: %(class_name)s at %(site)s on %(starts_at)s"),
    _l(
        "%(actor)s cancelled the visit of %(class_name)s (%(school)s) to %(site)s on "
        "%(starts_at)s.\n\nReason: %(reason)s"
    ),
)
_register(
    MOVED,
    _l("Lab visit moved"),
    _l("Moved: %(class_name)s now visits %(site)s on %(starts_at)s"),
    _l(
        "%(actor)s moved the visit of %(class_name)s (%(school)s) from %(old_site)s on "
        "%(old_starts_at)s to %(site)s on %(starts_at)s.\n\n"
        "The host confirms the new time again."
    ),
    is_relevant=_is_open,
)
_register(
    CHECKLIST_DUE,
    _l("Visit checklist due"),
    _l("Checklist for the visit to %(site)s"),
    _l(
        "%(class_name)s visits %(site)s on %(starts_at)s. Tick off the checklist: the risk "
        "assessment, the consents and the participant list for the host."
    ),
    is_relevant=_checklist_open,
)
_register(
    SOON,
    _l("Lab visit soon"),
    _l("Lab visit %(starts_at)s"),
    _l(
        "%(class_name)s (%(school)s) visits %(site)s, %(address)s, on %(starts_at)s: "
        "%(pupils)s pupils and %(adults)s adults. Topic: %(topic)s."
    ),
    is_relevant=_is_open,
)
_register(
    FEEDBACK,
    _l("Feedback on a lab visit"),
    _l("How was the visit to %(site)s?"),
    _l(
        "Thank you for visiting %(site)s with %(class_name)s. Give the visit a rating from 1 "
        "to 5 and a comment: it takes a minute and helps the hosts."
    ),
    link=_feedback_link,
    is_relevant=_took_place,
)
_register(
    PROPOSAL,
    _l("Slot proposed for a visit request"),
    _l("%(host_org)s proposes a visit on %(starts_at)s"),
    _l(
        "%(host)s proposed a slot at %(site)s on %(starts_at)s for your request "
        '"%(topic)s" (%(class_name)s).\n\n%(message)s\n\nOpen the request to book it.'
    ),
    link=lambda n: ("visits.visit_request", {"request_id": n.context["request_id"]}),
    subject_model=VisitProposal,
)
_register(
    PARTICIPANT_LIST,
    _l("Participant list of a lab visit"),
    _l("Participants: %(class_name)s on %(starts_at)s"),
    _l(
        "%(teacher)s sent the participant list for the visit of %(class_name)s to %(site)s on "
        "%(starts_at)s:\n\n%(names)s\n\n%(adults)s accompanying adults."
    ),
    is_relevant=_is_open,
)
_register(
    HOST_DIGEST,
    _l("Daily digest of lab visits"),
    _l("Lab visits in the coming week: %(count)s"),
    _l("Upcoming visits at %(organization)s:\n\n%(lines)s"),
    link=lambda n: ("visits.index", {}),
    subject_model=Organization,
)


# Recipients --------------------------------------------------------------------------------


def hosts_of(slot: VisitSlot) -> list[User]:
    """The slot's host contact, or every active host of the organisation if there is none."""
    contact = slot.host_contact
    if contact is not None and contact.is_active:
        return [contact]
    return organization_hosts([slot.site.organization_id]).get(slot.site.organization_id, [])


def organization_hosts(organization_ids: Iterable[int]) -> dict[int, list[User]]:
    """Active hosts of each organisation, in one query."""
    ids = list(set(organization_ids))
    found: dict[int, list[User]] = {org_id: [] for org_id in ids}
    if not ids:
        return found
    query = (
        sa.select(User)
        .join(RoleAssignment)
        .where(
            RoleAssignment.role == Role.HOST,
            User.organization_id.in_(ids),
            User.is_active.is_(True),
        )
        .order_by(User.id)
    )
    for user in db.session.scalars(query):
        found[user.organization_id].append(user)
    return found


def school_side(visit: LabVisit) -> list[User]:
    people = [visit.teacher]
    if visit.booked_by is not None and visit.booked_by.id != visit.teacher.id:
        people.append(visit.booked_by)
    return [person for person in people if person.is_active]


def pupil_accounts(visit: LabVisit) -> list[User]:
    """The accounts of pupils on the visit who have one."""
    accounts = (participant.student.user for participant in visit.participants)
    return [account for account in accounts if account is not None and account.is_active]


def everyone(visit: LabVisit, *extra_slots: VisitSlot) -> list[User]:
    """The school side, pupils with an account, and the hosts of the visit's slot (and of
    other slots given)."""
    people: dict[int, User] = {}
    for person in [*school_side(visit), *pupil_accounts(visit), *hosts_of(visit.slot)]:
        people[person.id] = person
    for slot in extra_slots:
        for person in hosts_of(slot):
            people[person.id] = person
    return list(people.values())


def _context(visit: LabVisit, **extra) -> dict:
    slot = visit.slot
    return {
        "visit_id": visit.id,
        "class_name": visit.school_class.name,
        "school": visit.school.name,
        "teacher": visit.teacher.name,
        "site": slot.site.name,
        "address": slot.site.address,
        "host_org": slot.site.organization.name,
        "topic": slot.topic,
        "starts_at": slot.starts_at,
        "ends_at": slot.ends_at,
        "pupils": visit.pupils_count,
        "adults": visit.adults_count,
        **extra,
    }


def _stamp(now: datetime) -> str:
    return now.strftime("%Y%m%d%H%M%S%f")


# Timed reminders ----------------------------------------------------------------------------


def _feedback_due(visit: LabVisit) -> datetime:
    return at_local(local_date(visit.slot.ends_at) + timedelta(days=1), MORNING)


def _schedule_timed(visit: LabVisit, *, now: datetime) -> None:
    slot = visit.slot
    context = _context(visit)
    reminders.schedule(
        visit.teacher,
        CHECKLIST_DUE,
        visit,
        now=now,
        event_at=slot.starts_at,
        lead=CHECKLIST_LEAD,
        context=context,
    )
    for person in [visit.teacher, *hosts_of(slot)]:
        for label, lead in SOON_LEADS.items():
            reminders.schedule(
                person,
                SOON,
                visit,
                now=now,
                event_at=slot.starts_at,
                lead=lead,
                context=context,
                discriminator=label,
            )
    reminders.schedule(
        visit.teacher,
        FEEDBACK,
        visit,
        now=now,
        due_at=_feedback_due(visit),
        context={**context, "user_id": visit.teacher.id},
    )
    for participant in visit.participants:
        account = participant.student.user
        if account is not None and account.is_active:
            reminders.schedule(
                account,
                FEEDBACK,
                visit,
                now=now,
                due_at=_feedback_due(visit),
                context={**context, "student_id": participant.student_id},
            )


def _cancel_timed(visit: LabVisit, *, now: datetime, reason: str) -> None:
    reminders.cancel_for(visit, now=now, kinds=TIMED_KINDS, reason=reason)


# Events -------------------------------------------------------------------------------------


def visit_booked(visit: LabVisit, *, now: datetime) -> None:
    """Tell the host about a new booking; plan the reminders before and after the visit."""
    for host in hosts_of(visit.slot):
        reminders.notify(host, BOOKED, visit, now=now, context=_context(visit))
    _schedule_timed(visit, now=now)
    log.info("visit %s booked: host told, reminders planned", visit.id)


def visit_confirmed(visit: LabVisit, actor: User, *, now: datetime) -> None:
    for person in school_side(visit):
        reminders.notify(
            person,
            CONFIRMED,
            visit,
            now=now,
            context=_context(visit, host=actor.name),
            discriminator=_stamp(now),
        )


def visit_declined(visit: LabVisit, actor: User, *, now: datetime) -> None:
    _cancel_timed(visit, now=now, reason="visit declined")
    for person in school_side(visit):
        reminders.notify(
            person,
            DECLINED,
            visit,
            now=now,
            context=_context(visit, host=actor.name, reason=visit.reason),
        )


def visit_cancelled(visit: LabVisit, actor: User, *, now: datetime) -> None:
    """Tell everyone involved but the one who cancelled; drop the pending reminders."""
    _cancel_timed(visit, now=now, reason="visit cancelled")
    context = _context(visit, actor=actor.name, reason=visit.reason)
    for person in everyone(visit):
        if person.id != actor.id:
            reminders.notify(person, CANCELLED, visit, now=now, context=context)


def visit_moved(visit: LabVisit, old_slot: VisitSlot, actor: User, *, now: datetime) -> None:
    """Tell everyone at both slots; recompute the reminders for the new time and hosts."""
    _cancel_timed(visit, now=now, reason="visit moved")
    context = _context(
        visit,
        actor=actor.name,
        old_site=old_slot.site.name,
        old_starts_at=old_slot.starts_at,
    )
    for person in everyone(visit, old_slot):
        if person.id != actor.id:
            reminders.notify(
                person, MOVED, visit, now=now, context=context, discriminator=_stamp(now)
            )
    _schedule_timed(visit, now=now)


def visit_changed(visit: LabVisit, *, now: datetime) -> None:
    """The group changed: the reminders carry the new numbers and pupils."""
    _cancel_timed(visit, now=now, reason="visit changed")
    _schedule_timed(visit, now=now)


def participant_list_sent(visit: LabVisit, actor: User, *, now: datetime) -> None:
    names = "\n".join(
        f"- {participant.student.name}"
        for participant in sorted(visit.participants, key=lambda p: p.student.name)
    )
    context = _context(visit, teacher=actor.name, names=names)
    for host in hosts_of(visit.slot):
        reminders.notify(
            host, PARTICIPANT_LIST, visit, now=now, context=context, discriminator=_stamp(now)
        )


def slot_proposed(proposal: VisitProposal, *, now: datetime) -> None:
    request = proposal.request
    slot = proposal.slot
    context = {
        "request_id": request.id,
        "topic": request.topic,
        "class_name": request.school_class.name,
        "site": slot.site.name,
        "host_org": slot.site.organization.name,
        "host": proposal.proposed_by.name if proposal.proposed_by else "",
        "starts_at": slot.starts_at,
        "message": proposal.message,
    }
    if request.teacher.is_active:
        reminders.notify(request.teacher, PROPOSAL, proposal, now=now, context=context)


def host_digest(
    organization: Organization, visits: list[LabVisit], hosts: list[User], *, now: datetime
) -> int:
    """Send today's digest of upcoming visits to an organisation's hosts; once per day."""
    if not visits or not hosts:
        return 0
    zone = platform_zone()
    lines = "\n".join(
        f"- {visit.slot.starts_at.astimezone(zone):%Y-%m-%d %H:%M}"
        f"–{visit.slot.ends_at.astimezone(zone):%H:%M} · {visit.slot.site.name} · "
        f"{visit.school_class.name} ({visit.school.name}) · {visit.persons}"
        for visit in visits
    )
    today = local_date(now).isoformat()
    sent = 0
    for host in hosts:
        if reminders.notify(
            host,
            HOST_DIGEST,
            organization,
            now=now,
            context={"organization": organization.name, "count": len(visits), "lines": lines},
            discriminator=today,
        ):
            sent += 1
    return sent
