"""The coordinator's dashboard (admins see it too): everything that needs a decision today —
bookings to confirm, applications to review and offers about to lapse, pairing proposals
without an answer and escalated overdue pairings, open safeguarding concerns, failed
deliveries, consents running out, and pupils the retention rule would anonymise."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from talent.clock import today_for
from talent.consents.services import consents_expiring
from talent.courses.services.dashboard import applications_to_review, offers_lapsing
from talent.home.dashboards.common import LIMIT, Shown, first, start_of_day
from talent.mentoring.models import Concern
from talent.mentoring.services.dashboard import (
    PairingLine,
    escalated_pairings,
    open_concerns,
    proposals_awaiting_answer,
)
from talent.people.models import User
from talent.privacy.services import retention_due_count
from talent.reminders.queries import failed_count
from talent.settings import int_setting
from talent.visits.services.dashboard import visit_lines_awaiting_answer

#: Offers whose deadline falls within this time are shown as lapsing.
OFFER_WARNING = timedelta(hours=48)
#: Failed deliveries of this many past days are shown; older ones are left to the ledger.
FAILED_DAYS = 30


@dataclass(frozen=True)
class CoordinatorBoard:
    # The lists are of plain rows or small line objects: what each line shows, no entities.
    visits_to_confirm: Shown[sa.Row]
    applications: Shown[sa.Row]
    offers_lapsing: Shown[sa.Row]
    proposals: Shown[PairingLine]
    escalations: Shown[PairingLine]
    concerns: Shown[Concern]
    failed_deliveries: int
    failed_since: date
    consents_expiring: Shown[sa.Row]
    consent_days: int
    retention_due: int
    retention_years: int
    now: datetime

    @property
    def decisions(self) -> int:
        """How many kinds of decision are waiting: 0 means a clear desk."""
        lists = (
            self.visits_to_confirm,
            self.applications,
            self.offers_lapsing,
            self.proposals,
            self.escalations,
            self.concerns,
            self.consents_expiring,
        )
        counts = (self.failed_deliveries, self.retention_due)
        return sum(1 for shown in lists if shown) + sum(1 for count in counts if count)


def build(user: User, *, now: datetime) -> CoordinatorBoard:
    """Read what waits for a decision (nine queries, however much data there is)."""
    today = today_for(user, now)
    failed_since = today - timedelta(days=FAILED_DAYS)
    consent_days = int_setting("CONSENT_REMINDER_DAYS")
    retention_years = int_setting("RETENTION_YEARS_AFTER_LEAVING")
    return CoordinatorBoard(
        visits_to_confirm=first(visit_lines_awaiting_answer(user, now=now, limit=LIMIT + 1)),
        applications=first(applications_to_review(today=today, limit=LIMIT + 1)),
        offers_lapsing=first(offers_lapsing(now=now, within=OFFER_WARNING, limit=LIMIT + 1)),
        proposals=first(proposals_awaiting_answer(limit=LIMIT + 1)),
        escalations=first(escalated_pairings(limit=LIMIT + 1)),
        concerns=first(open_concerns(limit=LIMIT + 1)),
        failed_deliveries=failed_count(due_from=start_of_day(user, failed_since), due_until=now),
        failed_since=failed_since,
        consents_expiring=first(consents_expiring(now, within_days=consent_days, limit=LIMIT + 1)),
        consent_days=consent_days,
        retention_due=retention_due_count(now, retention_years),
        retention_years=retention_years,
        now=now,
    )
