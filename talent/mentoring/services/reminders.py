"""The one place mentoring talks to the reminder engine (talent.reminders).

Every function here runs inside the business transaction and only writes ledger rows; the
scheduler delivers them after the commit. Recipients are accounts, except a pupil without one:
their session confirmations and feedback requests go to their contact address, with a signed
link made at delivery (talent.mentoring.links).
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l

from talent.mentoring import links
from talent.mentoring.models import (
    STATE_LABELS,
    Concern,
    FeedbackStage,
    MentoringSession,
    MentorProfile,
    Pairing,
    PairingState,
    PlannedSession,
)
from talent.people.models import Role, User
from talent.reminders import services as engine
from talent.reminders.kinds import Kind
from talent.reminders.models import Category

log = logging.getLogger(__name__)

PROPOSAL = "mentoring.proposal"
PROPOSAL_DEADLINE = "mentoring.proposal_deadline"
PROPOSAL_ANSWERED = "mentoring.proposal_answered"
SESSION_PLANNED = "mentoring.session_planned"
SESSION_SOON = "mentoring.session_soon"
SESSION_LOGGED = "mentoring.session_logged"
SESSION_BY_LINK = "mentoring.session_link"
OVERDUE = "mentoring.overdue"
ESCALATION = "mentoring.overdue_escalation"
CLOSING = "mentoring.closing_warning"
VETTING = "mentoring.vetting_expiring"
FEEDBACK = "mentoring.feedback_request"
FEEDBACK_BY_LINK = "mentoring.feedback_link"
CONCERN = "mentoring.concern"

#: Reminder before a proposal's deadline, and before a planned session.
DEADLINE_LEAD = timedelta(days=1)
SESSION_LEAD = timedelta(hours=24)


def _to_pairing(notification):
    return "mentoring.pairing", {"pairing_id": notification.subject_id}


def _to_pairing_in_context(notification):
    return "mentoring.pairing", {"pairing_id": notification.context["pairing_id"]}


def _pairing_is(*states: PairingState):
    return lambda pairing: pairing.state in states


def _outcome(values) -> str:
    try:
        return str(STATE_LABELS[PairingState(values.get("state"))])
    except ValueError:
        return str(values.get("state", ""))


def _answer_values(values) -> dict:
    following = values.get("next_mentor")
    return {
        **values,
        "state": _outcome(values),
        "next": _l("The next suggestion is %(name)s.", name=following) if following else "",
    }


#: The notification kinds this module defines; its feature registers them (feature.py).
KINDS: list[Kind] = []


def _kind(name, category, label, subject, body, link, model, relevant=None) -> None:
    KINDS.append(Kind(name, category, label, subject, body, link, model, relevant))


_kind(
    PROPOSAL,
    Category.MENTORING,
    _l("Mentoring proposal"),
    _l("Will you mentor %(mentee)s?"),
    _l(
        "The coordinator asks you to mentor %(mentee)s in %(programme)s.\n\n"
        "Please accept or decline by %(respond_by_at)s."
    ),
    _to_pairing,
    Pairing,
    _pairing_is(PairingState.PROPOSED),
)
_kind(
    PROPOSAL_DEADLINE,
    Category.MENTORING,
    _l("Mentoring proposal deadline"),
    _l("Answer the mentoring proposal for %(mentee)s"),
    _l("The proposal to mentor %(mentee)s lapses at %(respond_by_at)s unless you answer."),
    _to_pairing,
    Pairing,
    _pairing_is(PairingState.PROPOSED),
)
_kind(
    PROPOSAL_ANSWERED,
    Category.MENTORING,
    _l("Mentoring proposal answered"),
    lambda values: _l("Proposal %(state)s: %(mentor)s for %(mentee)s", **_answer_values(values)),
    lambda values: _l(
        "The proposal of %(mentor)s as mentor for %(mentee)s is %(state)s. %(next)s",
        **_answer_values(values),
    ),
    lambda n: ("mentoring.match", {"mentee_id": n.context["mentee_id"]}),
    Pairing,
)
_kind(
    SESSION_PLANNED,
    Category.MENTORING,
    _l("Mentoring session planned"),
    _l("Mentoring session with %(other)s on %(starts_at)s"),
    _l("%(other)s planned a mentoring session on %(starts_at)s. Place: %(place)s"),
    _to_pairing_in_context,
    PlannedSession,
    lambda planned: planned.cancelled_at is None,
)
_kind(
    SESSION_SOON,
    Category.MENTORING,
    _l("Mentoring session soon"),
    _l("Mentoring session with %(other)s tomorrow"),
    _l("You meet %(other)s on %(starts_at)s. Place: %(place)s"),
    _to_pairing_in_context,
    PlannedSession,
    lambda planned: planned.cancelled_at is None,
)
_kind(
    SESSION_LOGGED,
    Category.MENTORING,
    _l("Mentoring session to confirm"),
    _l("Please confirm your session with %(mentor)s"),
    _l(
        "%(mentor)s logged a session with you on %(held_on)s (%(minutes)s minutes).\n\n"
        "Open the pairing to confirm it, or say if something is not right."
    ),
    _to_pairing_in_context,
    MentoringSession,
    lambda session: session.confirmed_at is None,
)
KINDS.append(
    Kind(
        SESSION_BY_LINK,
        Category.MENTORING,
        label=_l("Mentoring session to confirm, by link"),
        subject=_l("Please confirm your mentoring session"),
        body=lambda values: "\n\n".join(
            (
                str(
                    _l(
                        "Your mentor %(mentor)s logged a session with you on %(held_on)s "
                        "(%(minutes)s minutes). Please confirm that it took place, or tell us "
                        "if something is not right:",
                        mentor=values.get("mentor", ""),
                        held_on=values.get("held_on", ""),
                        minutes=values.get("minutes", ""),
                    )
                ),
                str(_l("The link works for %(days)d days.", days=links.LINK_DAYS)),
            )
        ),
        subject_model=MentoringSession,
        signed_link=links.confirm_link_target,
    )
)
_kind(
    OVERDUE,
    Category.MENTORING,
    _l("Mentoring session overdue"),
    _l("Time to meet %(mentee)s again"),
    _l(
        "Your last session with %(mentee)s counts from %(since_on)s; one was expected every "
        "%(cadence)s days. Plan the next one, or log it if it has happened."
    ),
    _to_pairing,
    Pairing,
    _pairing_is(PairingState.ACTIVE),
)
_kind(
    ESCALATION,
    Category.MENTORING,
    _l("Mentoring pairing needs attention"),
    _l("No sessions for %(cycles)s cycles: %(mentor)s and %(mentee)s"),
    _l(
        "%(mentor)s and %(mentee)s have logged no session since %(since_on)s, "
        "%(cycles)s cycles of %(cadence)s days. The mentor has been reminded."
    ),
    _to_pairing,
    Pairing,
    _pairing_is(PairingState.ACTIVE),
)
_kind(
    CLOSING,
    Category.MENTORING,
    _l("Mentoring pairing closing"),
    _l("The pairing of %(mentor)s and %(mentee)s closes on %(closes_on)s"),
    _l(
        "No session has been logged since %(since_on)s. The pairing closes on %(closes_on)s "
        "unless a session is logged before then."
    ),
    _to_pairing,
    Pairing,
    _pairing_is(PairingState.ACTIVE),
)
_kind(
    VETTING,
    Category.MENTORING,
    _l("Police certificate expiring"),
    _l("The police certificate of %(mentor)s expires on %(expires_on)s"),
    _l(
        "The police certificate of %(mentor)s is valid until %(expires_on)s. Without a new "
        "one, %(mentor)s cannot be paired with pupils under 18."
    ),
    lambda n: ("mentoring.mentor", {"user_id": n.context["mentor_user_id"]}),
    MentorProfile,
    lambda profile: profile.police_certificate_expires_on is not None,
)
_kind(
    FEEDBACK,
    Category.MENTORING,
    _l("Mentoring feedback"),
    _l("How is your mentoring going?"),
    _l(
        "Please give a short rating from 1 to 5 of your mentoring with %(other)s, "
        "with a comment if you like."
    ),
    lambda n: (
        "mentoring.give_feedback",
        {"pairing_id": n.subject_id, "stage": n.context.get("stage")},
    ),
    Pairing,
)
_kind(
    FEEDBACK_BY_LINK,
    Category.MENTORING,
    _l("Mentoring feedback by link"),
    _l("How is your mentoring going?"),
    lambda values: "\n\n".join(
        (
            str(
                _l(
                    "How is your mentoring with %(mentor)s going? Give a rating from 1 to 5 and "
                    "a comment if you like; it takes a minute:",
                    mentor=values.get("mentor", ""),
                )
            ),
            str(_l("The link works for %(days)d days.", days=links.LINK_DAYS)),
        )
    ),
    links.feedback_link_target,
    Pairing,
)
_kind(
    CONCERN,
    Category.SAFETY,
    _l("Safeguarding concern"),
    _l("A safeguarding concern was raised in %(programme)s"),
    _l(
        "A concern was raised about a mentoring pairing in %(programme)s, where you are the "
        "safeguarding lead. Open Talent to read it and follow up."
    ),
    lambda n: ("mentoring.concern", {"concern_id": n.subject_id}),
    Concern,
)


# --- recipients ----------------------------------------------------------------------------


def _coordinator_of(pairing: Pairing) -> User:
    """Who hears about a pairing: the coordinator who proposed it, else the safeguarding lead."""
    proposer = pairing.proposed_by
    if proposer is not None and proposer.is_active and proposer.has_role(Role.COORDINATOR):
        return proposer
    return pairing.programme.safeguarding_lead


def _names(pairing: Pairing) -> dict:
    return {
        "pairing_id": pairing.id,
        "mentor": pairing.mentor.name,
        "mentee": pairing.mentee.name,
        "mentee_id": pairing.mentee_id,
        "programme": pairing.programme.name,
        "cadence": pairing.cadence_days,
        "since_on": pairing.cadence_from,
    }


# --- proposals -----------------------------------------------------------------------------


def proposal_made(pairing: Pairing, *, now: datetime) -> None:
    """Tell the mentor about a proposal, and remind them a day before its deadline."""
    context = {**_names(pairing), "respond_by_at": pairing.respond_by}
    mentor = pairing.mentor.user
    engine.notify(mentor, PROPOSAL, pairing, now=now, context=context)
    engine.schedule(
        mentor,
        PROPOSAL_DEADLINE,
        pairing,
        now=now,
        due_at=max(pairing.respond_by - DEADLINE_LEAD, now),
        context=context,
    )


def proposal_answered(pairing: Pairing, *, now: datetime, next_mentor_name: str = "") -> None:
    """Cancel the deadline reminder; tell the coordinator the answer and the next suggestion."""
    engine.cancel_for(pairing, now=now, kinds=(PROPOSAL, PROPOSAL_DEADLINE), reason="answered")
    engine.notify(
        _coordinator_of(pairing),
        PROPOSAL_ANSWERED,
        pairing,
        now=now,
        context={**_names(pairing), "state": pairing.state.value, "next_mentor": next_mentor_name},
    )


def pairing_closed(pairing: Pairing, *, now: datetime) -> None:
    """Cancel what is still pending about a pairing that ended."""
    engine.cancel_for(
        pairing,
        now=now,
        kinds=(PROPOSAL, PROPOSAL_DEADLINE, OVERDUE, ESCALATION, CLOSING),
        reason="the pairing ended",
    )


# --- planned sessions ----------------------------------------------------------------------


def _planned_context(planned: PlannedSession, other: str) -> dict:
    return {
        "pairing_id": planned.pairing_id,
        "other": other,
        "starts_at": planned.starts_at,
        "place": planned.place or str(planned.mode.label),
    }


def session_planned(planned: PlannedSession, *, now: datetime) -> None:
    """Tell the mentee, and remind both sides 24 hours before (wall-clock, in their zones)."""
    pairing = planned.pairing
    mentor, mentee = pairing.mentor.user, pairing.mentee.account
    engine.schedule(
        mentor,
        SESSION_SOON,
        planned,
        now=now,
        event_at=planned.starts_at,
        lead=SESSION_LEAD,
        context=_planned_context(planned, pairing.mentee.name),
    )
    if mentee is not None:
        context = _planned_context(planned, pairing.mentor.name)
        engine.notify(mentee, SESSION_PLANNED, planned, now=now, context=context)
        engine.schedule(
            mentee,
            SESSION_SOON,
            planned,
            now=now,
            event_at=planned.starts_at,
            lead=SESSION_LEAD,
            context=context,
        )


def planned_session_cancelled(planned: PlannedSession, *, now: datetime) -> None:
    engine.cancel_for(planned, now=now, reason="the session was cancelled")


def session_logged(session: MentoringSession, *, now: datetime, again: bool = False) -> bool:
    """Ask the mentee to confirm the session: in the app, or a pupil without an account by a
    link e-mailed to their contact address. False when there is nowhere to ask."""
    pairing = session.pairing
    context = {
        "pairing_id": pairing.id,
        "mentor": pairing.mentor.name,
        "held_on": session.held_on,
        "minutes": session.duration_minutes,
    }
    # Asking again is a new e-mail; the first request keeps its row in the ledger.
    discriminator = now.isoformat() if again else ""
    mentee = pairing.mentee
    if mentee.account is not None:
        engine.notify(
            mentee.account,
            SESSION_LOGGED,
            session,
            now=now,
            context=context,
            discriminator=discriminator,
        )
        return True
    written = engine.notify_address(
        mentee.contact_email,
        mentee.name,
        SESSION_BY_LINK,
        session,
        now=now,
        context=context,
        discriminator=discriminator,
    )
    if written is None:
        log.info("mentee of pairing %s has no e-mail; session %s", pairing.id, session.id)
    return written is not None


def last_confirmation_request(session: MentoringSession) -> datetime | None:
    return engine.last_written(session, SESSION_BY_LINK)


def session_confirmed(session: MentoringSession, *, now: datetime) -> None:
    engine.cancel_for(session, now=now, kinds=(SESSION_LOGGED, SESSION_BY_LINK), reason="confirmed")


# --- cadence -------------------------------------------------------------------------------


def overdue_nudge(pairing: Pairing, *, cycles: int, now: datetime) -> None:
    engine.notify(
        pairing.mentor.user,
        OVERDUE,
        pairing,
        now=now,
        context=_names(pairing),
        discriminator=f"{pairing.cadence_from.isoformat()}:{cycles}",
    )


def overdue_escalation(pairing: Pairing, *, cycles: int, now: datetime) -> None:
    engine.notify(
        _coordinator_of(pairing),
        ESCALATION,
        pairing,
        now=now,
        context={**_names(pairing), "cycles": cycles},
        discriminator=pairing.cadence_from.isoformat(),
    )


def closing_warning(pairing: Pairing, *, closes_on: date, now: datetime) -> None:
    context = {**_names(pairing), "closes_on": closes_on}
    key = pairing.cadence_from.isoformat()
    for recipient in {pairing.mentor.user, _coordinator_of(pairing)}:
        engine.notify(recipient, CLOSING, pairing, now=now, context=context, discriminator=key)


def vetting_expiring(profile: MentorProfile, *, now: datetime) -> None:
    """Warn the mentor, and the coordinator who recorded the vetting."""
    context = {
        "mentor": profile.user.name,
        "mentor_user_id": profile.user_id,
        "expires_on": profile.police_certificate_expires_on,
    }
    recipients = {profile.user}
    recorder = profile.vetting_recorded_by
    if recorder is not None and recorder.is_active and recorder.has_role(Role.COORDINATOR):
        recipients.add(recorder)
    for recipient in recipients:
        engine.notify(
            recipient,
            VETTING,
            profile,
            now=now,
            context=context,
            discriminator=profile.police_certificate_expires_on.isoformat(),
        )


def feedback_requested(pairing: Pairing, *, stage: FeedbackStage, now: datetime) -> None:
    """Ask the mentor and the mentee for feedback: in the app, or a pupil without an account
    by a link e-mailed to their contact address."""
    sides = [
        (pairing.mentor.user, pairing.mentee.name),
        (pairing.mentee.account, pairing.mentor.name),
    ]
    for recipient, other in sides:
        if recipient is None:
            continue
        engine.notify(
            recipient,
            FEEDBACK,
            pairing,
            now=now,
            context={"other": other, "stage": stage.value},
            discriminator=stage.value,
        )
    mentee = pairing.mentee
    if mentee.account_id is None:
        if not mentee.contact_email:
            log.info("mentee of pairing %s has no e-mail; no feedback link sent", pairing.id)
        engine.notify_address(
            mentee.contact_email,
            mentee.name,
            FEEDBACK_BY_LINK,
            pairing,
            now=now,
            context={"mentor": pairing.mentor.name, "mentee_id": mentee.id, "stage": stage.value},
            discriminator=stage.value,
        )


# --- safeguarding --------------------------------------------------------------------------


def concern_raised(concern: Concern, *, now: datetime) -> None:
    """Alert the programme's safeguarding lead at once; the message holds no details."""
    lead = concern.lead or concern.pairing.programme.safeguarding_lead
    engine.notify(
        lead, CONCERN, concern, now=now, context={"programme": concern.pairing.programme.name}
    )
