"""`talent reminders run-once|status`."""

from __future__ import annotations

from datetime import UTC, datetime

import click
from flask.cli import with_appcontext

from talent.db import utcnow


def _parse_now(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("give an ISO time such as 2026-10-11T07:00:00+00:00") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@click.group("reminders")
def reminders_cli() -> None:
    """Deliver and inspect reminders and notifications."""


@reminders_cli.command("run-once")
@click.option("--now", "now_text", help="Run as if it were this ISO time (UTC unless given).")
@with_appcontext
def run_once(now_text: str | None) -> None:
    """Run one scheduler tick: deliver everything that is due, then stop."""
    from talent.reminders.delivery import deliver_due

    report = deliver_due(now=_parse_now(now_text))
    click.echo(
        f"{report.claimed} claimed: {report.sent} sent, {report.retried} to retry, "
        f"{report.failed} failed, {report.skipped} skipped ({report.emails} e-mails)."
        + (f" {report.lost} lost to another scheduler, not sent again." if report.lost else "")
    )


@reminders_cli.command("status")
@with_appcontext
def status() -> None:
    """Print how many notifications are in each state, and how many are due now."""
    from talent.reminders.queries import counts_by_state, due_count

    for state, count in counts_by_state().items():
        click.echo(f"{state.value:<10} {count}")
    click.echo(f"{'due now':<10} {due_count(utcnow())}")
