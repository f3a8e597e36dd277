"""``talent privacy retention``: the retention rule's dry-run report, or applying it."""

from __future__ import annotations

import click

from talent.db import utcnow
from talent.extensions import db
from talent.privacy import jobs, services
from talent.settings import int_setting


def register(bp) -> None:
    @bp.cli.command("retention")
    @click.option("--apply", "apply_now", is_flag=True, help="Anonymise them now.")
    def retention(apply_now: bool) -> None:
        """List the pupils the retention rule would anonymise; with --apply, do it."""
        now = utcnow()
        years = int_setting("RETENTION_YEARS_AFTER_LEAVING")
        cutoff = services.retention_cutoff(now, years)
        due = db.session.scalars(services.retention_due_query(now, years)).all()
        click.echo(f"Retention: {years} years after leaving school; left on or before {cutoff}.")
        for student in due:
            click.echo(f"  #{student.id}  left {student.left_school_on}  {student.school.name}")
        click.echo(f"{len(due)} pupil(s) due.")
        if apply_now:
            click.echo(f"{jobs.apply_retention(now)} pupil(s) anonymised.")
        elif due:
            click.echo("Dry run: nothing changed (add --apply to anonymise them).")
