"""``talent check-integrity [--repair] [--now ISO-TIME]``."""

from __future__ import annotations

import sys
import time
from datetime import UTC, datetime

import click
from flask.cli import with_appcontext


def _aware(value: datetime | None) -> datetime | None:
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


@click.command("check-integrity")
@click.option(
    "--repair", is_flag=True, help="Set every drifted counter to the value its rows give."
)
@click.option(
    "--now",
    type=click.DateTime(formats=["%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d"]),
    default=None,
    help="Check as of this moment (UTC unless it has an offset); the default is now.",
)
@with_appcontext
def check_integrity_command(repair: bool, now: datetime | None) -> None:
    """Recompute derived counters and check rules across records; exit 1 on any drift."""
    from talent.db import utcnow
    from talent.extensions import db
    from talent.integrity import all_checks, find_drift, repair_counters

    now = _aware(now) or utcnow()
    started = time.perf_counter()
    drifts = find_drift(now=now)
    seconds = time.perf_counter() - started
    for drift in drifts:
        click.echo(f"✗ {drift.line()}")
    if not drifts:
        click.echo(f"✓ All {len(all_checks())} checks passed ({seconds:.1f} s).")
        return
    if not repair:
        db.session.rollback()
        repairable = sum(drift.repairable for drift in drifts)
        hint = f" ({repairable} of them counters that --repair sets right)" if repairable else ""
        click.echo(f"{len(drifts)} drifts found in {seconds:.1f} s{hint}.")
        sys.exit(1)
    repaired = repair_counters(drifts)
    db.session.commit()
    for fixed in repaired:
        click.echo(f"✓ repaired {fixed.check}: {fixed.record}: {fixed.stored} → {fixed.computed}")
    # Checked again rather than worked out: a concurrent change may have mended or moved things.
    left = find_drift(now=now)
    db.session.rollback()
    if left:
        click.echo(
            f"{len(repaired)} counters repaired; {len(left)} drifts left for a person to fix."
        )
        sys.exit(1)
    click.echo(f"{len(repaired)} counters repaired; nothing else drifted.")
