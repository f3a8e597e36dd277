"""Ranked, explained mentor suggestions for a mentee in a programme.

Each suggestion's score is the sum of its reasons' points, so the page can show exactly why a
mentor ranks where they do:

- +3 for each of the mentee's interests in the mentor's expertise;
- +2 for a shared language, or -4 when they have none in common;
- +1 for each free place the mentor has, at most +2 (capacity left);
- -1 for each mentee the mentor already has (spreads load across mentors);
- -1 for each open pairing in this programme held by other mentors of the same organisation,
  at most -3 (spreads load across organisations);
- -10 when the mentor declined, or let lapse, a proposal for this mentee in this programme.

Mentors who cannot be proposed (not taking mentees, no free place, not vetted for a minor,
the mentee themselves) are listed after the others with the reasons why. Ties go to the
mentor with fewer mentees, then by name.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import contains_eager, joinedload

from talent.extensions import db
from talent.mentoring.models import (
    OPEN_STATES,
    MenteeProfile,
    MentoringProgramme,
    MentorProfile,
    Pairing,
    PairingState,
)
from talent.mentoring.services.profiles import LANGUAGES
from talent.people.models import Role, RoleAssignment, User

POINTS_PER_SHARED_INTEREST = 3
POINTS_SHARED_LANGUAGE = 2
POINTS_NO_COMMON_LANGUAGE = -4
MAX_CAPACITY_POINTS = 2
POINTS_PER_CURRENT_MENTEE = -1
MAX_ORGANISATION_PENALTY = 3
POINTS_EARLIER_REFUSAL = -10


@dataclass(frozen=True)
class Reason:
    points: int
    text: str

    @property
    def signed_points(self) -> str:
        return f"{self.points:+d}"


@dataclass
class Suggestion:
    mentor: MentorProfile
    reasons: list[Reason] = field(default_factory=list)
    #: Why this mentor cannot be proposed; empty when they can.
    blocked: list = field(default_factory=list)

    @property
    def score(self) -> int:
        return sum(reason.points for reason in self.reasons)

    @property
    def eligible(self) -> bool:
        return not self.blocked


class Joined:
    """Items joined into text only when shown, so lazy translations stay lazy."""

    def __init__(self, items, separator: str = ", "):
        self.items, self.separator = list(items), separator

    def __str__(self) -> str:
        return self.separator.join(str(item) for item in self.items)


def _language_names(codes) -> Joined:
    return Joined(LANGUAGES.get(code, code) for code in codes)


def explain(
    mentee: MenteeProfile,
    mentor: MentorProfile,
    *,
    today: date,
    programme_load_of_others_at_organisation: int = 0,
    refused_before: PairingState | None = None,
) -> Suggestion:
    """Score one mentor for one mentee and say why, without touching the database."""
    suggestion = Suggestion(mentor)
    reasons = suggestion.reasons
    shared = [tag for tag in mentee.interests if tag in set(mentor.expertise)]
    if shared:
        reasons.append(
            Reason(
                POINTS_PER_SHARED_INTEREST * len(shared),
                _l("Shared interests: %(tags)s", tags=", ".join(shared)),
            )
        )
    mentee_languages = mentee.languages or ["nb"]
    common = [code for code in mentee_languages if code in set(mentor.languages)]
    if common:
        reasons.append(
            Reason(
                POINTS_SHARED_LANGUAGE,
                _l("Speaks %(languages)s", languages=_language_names(common)),
            )
        )
    else:
        reasons.append(Reason(POINTS_NO_COMMON_LANGUAGE, _l("No language in common")))
    free = mentor.free_places
    if free:
        reasons.append(
            Reason(
                min(free, MAX_CAPACITY_POINTS),
                _l("%(free)d of %(capacity)d places free", free=free, capacity=mentor.capacity),
            )
        )
    if mentor.open_pairings:
        reasons.append(
            Reason(
                POINTS_PER_CURRENT_MENTEE * mentor.open_pairings,
                _l("Already has %(count)d mentee(s)", count=mentor.open_pairings),
            )
        )
    if programme_load_of_others_at_organisation:
        reasons.append(
            Reason(
                -min(programme_load_of_others_at_organisation, MAX_ORGANISATION_PENALTY),
                _l(
                    "Colleagues at %(organisation)s already have %(count)d pairing(s) here",
                    organisation=mentor.organization.name if mentor.organization else "",
                    count=programme_load_of_others_at_organisation,
                ),
            )
        )
    if refused_before is PairingState.DECLINED:
        reasons.append(Reason(POINTS_EARLIER_REFUSAL, _l("Declined this mentee before")))
    elif refused_before is PairingState.LAPSED:
        reasons.append(
            Reason(POINTS_EARLIER_REFUSAL, _l("Let an earlier proposal for this mentee lapse"))
        )
    suggestion.blocked = blocking_reasons(mentee, mentor, today=today)
    return suggestion


def blocking_reasons(mentee: MenteeProfile, mentor: MentorProfile, *, today: date) -> list:
    """Why this mentor cannot be proposed for this mentee today; empty when they can."""
    blocked = []
    if mentee.user_id is not None and mentee.user_id == mentor.user_id:
        blocked.append(_l("A person cannot mentor themselves."))
    if not mentor.is_accepting:
        blocked.append(_l("Not taking new mentees."))
    if mentor.free_places == 0:
        blocked.append(_l("No free place."))
    if mentee.is_minor_on(today):
        blocked.extend(mentor.vetting_problems(today))
    return blocked


def _sort_key(suggestion: Suggestion):
    return (
        not suggestion.eligible,
        -suggestion.score,
        suggestion.mentor.open_pairings,
        suggestion.mentor.name.lower(),
        suggestion.mentor.id,
    )


def rank(suggestions: list[Suggestion]) -> list[Suggestion]:
    """Eligible first, best score first; ties to the less loaded mentor, then by name."""
    return sorted(suggestions, key=_sort_key)


def _candidates() -> list[MentorProfile]:
    has_mentor_role = (
        sa.select(RoleAssignment.user_id)
        .where(RoleAssignment.user_id == MentorProfile.user_id, RoleAssignment.role == Role.MENTOR)
        .exists()
    )
    return list(
        db.session.scalars(
            sa.select(MentorProfile)
            .join(User, User.id == MentorProfile.user_id)
            .where(User.is_active.is_(True), has_mentor_role)
            .options(
                contains_eager(MentorProfile.user).lazyload(User.role_assignments),
                joinedload(MentorProfile.organization),
            )
        )
    )


def _programme_load_by_mentor(programme: MentoringProgramme) -> Counter:
    rows = db.session.execute(
        sa.select(Pairing.mentor_id, sa.func.count())
        .where(Pairing.programme_id == programme.id, Pairing.state.in_(OPEN_STATES))
        .group_by(Pairing.mentor_id)
    )
    return Counter(dict(rows.all()))


def _earlier_refusals(mentee: MenteeProfile, programme: MentoringProgramme) -> dict:
    rows = db.session.execute(
        sa.select(Pairing.mentor_id, Pairing.state)
        .where(
            Pairing.mentee_id == mentee.id,
            Pairing.programme_id == programme.id,
            Pairing.state.in_([PairingState.DECLINED, PairingState.LAPSED]),
        )
        .order_by(Pairing.id)
    )
    return dict(rows.all())


def suggest_mentors(
    mentee: MenteeProfile, programme: MentoringProgramme, *, today: date
) -> list[Suggestion]:
    """Every mentor ranked for this mentee in this programme, each with its reasons."""
    mentors = _candidates()
    load = _programme_load_by_mentor(programme)
    load_by_organisation: Counter = Counter()
    for mentor in mentors:
        if mentor.organization_id is not None:
            load_by_organisation[mentor.organization_id] += load[mentor.id]
    refusals = _earlier_refusals(mentee, programme)
    suggestions = [
        explain(
            mentee,
            mentor,
            today=today,
            programme_load_of_others_at_organisation=(
                load_by_organisation[mentor.organization_id] - load[mentor.id]
                if mentor.organization_id is not None
                else 0
            ),
            refused_before=refusals.get(mentor.id),
        )
        for mentor in mentors
    ]
    return rank(suggestions)


def next_suggestion(mentee: MenteeProfile, programme: MentoringProgramme, *, today: date):
    """The best mentor who can be proposed now, or None."""
    for suggestion in suggest_mentors(mentee, programme, today=today):
        if suggestion.eligible:
            return suggestion
    return None
