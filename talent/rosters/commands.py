"""``talent rosters import``: check (and save) a roster file from the command line."""

from __future__ import annotations

from pathlib import Path

import click
import sqlalchemy as sa

from talent.db import utcnow
from talent.errors import DomainError
from talent.extensions import db
from talent.people.models import Organization, OrganizationKind
from talent.rosters import messages, services
from talent.settings import int_setting


def register(bp) -> None:
    @bp.cli.command("import")
    @click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--school", "school_name", required=True, help="The school's name.")
    @click.option("--year", "school_year", type=int, required=True, help="2026 for 2026/27.")
    @click.option("--save", is_flag=True, help="Save when no line has errors (else: dry run).")
    def import_roster(path: Path, school_name: str, school_year: int, save: bool) -> None:
        """Check a roster CSV file with progress, list its problems, and optionally save it."""
        school = db.session.scalar(
            sa.select(Organization).where(
                sa.func.lower(Organization.name) == school_name.lower(),
                Organization.kind == OrganizationKind.SCHOOL,
            )
        )
        if school is None:
            raise click.ClickException(f"No school is called {school_name!r}.")
        now = utcnow()
        try:
            roster_import = services.start_import(
                None,
                school,
                school_year=school_year,
                filename=path.name,
                data=path.read_bytes(),
                max_bytes=int_setting("ROSTER_MAX_MB") * 1024 * 1024,
                now=now,
            )
        except DomainError as error:
            db.session.rollback()
            raise click.ClickException(str(error.message)) from error
        with click.progressbar(length=roster_import.total_rows, label="Checking") as bar:
            done = 0

            def progress(checked: int, total: int) -> None:
                nonlocal done
                bar.update(checked - done)
                done = checked

            services.check_all(roster_import, now=now, progress=progress)
        for row in db.session.scalars(services.rows_query(roster_import, only_problems=True)):
            for code, params in row.problems:
                click.echo(f"line {row.line_no}: {messages.row_problem(code, params)}", err=True)
        click.echo(
            f"{roster_import.new_rows} new, {roster_import.updated_rows} updates, "
            f"{roster_import.unchanged_rows} unchanged, {roster_import.error_rows} with errors."
        )
        if not save or roster_import.error_rows:
            services.discard_import(None, roster_import, now=now)
            db.session.commit()
            if roster_import.error_rows:
                raise click.ClickException("Nothing saved: fix the lines above and run again.")
            click.echo("Dry run: nothing saved (add --save to save).")
            return
        counts = services.save_import(None, roster_import, now=now)
        db.session.commit()
        click.echo(
            "Saved: {pupils_created} new pupils, {pupils_updated} updated, "
            "{guardians_added} guardians added, {classes_created} classes created.".format(**counts)
        )
