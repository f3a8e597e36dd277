"""The scheduler's reminder job."""

from __future__ import annotations

from datetime import datetime

from talent.reminders.delivery import TickReport, deliver_due


def deliver_reminders(*, now: datetime) -> TickReport:
    """Deliver every due reminder: in-app and by e-mail."""
    return deliver_due(now=now)


#: Run every TALENT_SCHEDULER_INTERVAL_SECONDS (see talent.scheduler.jobs).
SCHEDULED = (("deliver-reminders", deliver_reminders, None),)
