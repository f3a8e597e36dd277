"""The `talent` command line: Flask's commands plus the project's own."""

from __future__ import annotations

import sys

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext

from talent.config import insecure_settings


def _create_app():
    from talent import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_version_option=False)
def main() -> None:
    """Talent: programme platform of the innovation cluster."""


@click.command("create-admin")
@click.option("--email", prompt=True)
@click.option("--name", prompt=True)
@click.password_option()
@with_appcontext
def create_admin(email: str, name: str, password: str) -> None:
    """Create an administrator account with a password."""
    from talent.auth.services import set_password
    from talent.db import utcnow
    from talent.errors import DomainError
    from talent.extensions import db
    from talent.people.models import Role
    from talent.people.services import create_account

    try:
        user = create_account(
            None, email=email, name=name, roles={Role.ADMIN}, organization=None, now=utcnow()
        )
        set_password(user, password, now=utcnow())
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(str(error.message)) from error
    db.session.commit()
    click.echo(f"Administrator {user.email} created.")


@click.command("seed-demo")
@click.option(
    "--password", default="talent-demo", show_default=True, help="Password of every demo account."
)
@with_appcontext
def seed_demo(password: str) -> None:
    """Fill an empty database with a believable demo and print the accounts."""
    from talent.demo import DEMO_ACCOUNTS, seed
    from talent.extensions import db

    if current_app.config["ENV_NAME"] == "production":
        raise click.ClickException("seed-demo does not run in production (TALENT_ENV).")
    created = seed(password=password)
    db.session.commit()
    click.echo("Demo data is ready." if created else "Demo data was already there.")
    click.echo(f"Demo accounts (password: {password}):")
    for role, email in DEMO_ACCOUNTS:
        click.echo(f"  {role:<12} {email}")


@click.command("check-deploy")
@with_appcontext
def check_deploy() -> None:
    """Fail when the production settings are unsafe."""
    problems = insecure_settings(current_app.config)
    if current_app.config["ENV_NAME"] != "production":
        problems.insert(0, "TALENT_ENV is not production.")
    for problem in problems:
        click.echo(f"✗ {problem}", err=True)
    if problems:
        sys.exit(1)
    click.echo("✓ Deployment settings look safe.")


@click.command("scheduler")
@with_appcontext
def scheduler_command() -> None:
    """Run the scheduler process in the foreground (reminders, periodic jobs)."""
    # Imported here so that the web app, which registers this command, never loads it.
    from talent.scheduler.process import run

    run(current_app._get_current_object())


def register(app: Flask) -> None:
    from talent.generate.command import generate_command
    from talent.integrity.command import check_integrity_command
    from talent.reminders.commands import reminders_cli

    for command in (create_admin, seed_demo, check_deploy, reminders_cli, scheduler_command):
        app.cli.add_command(command)
    app.cli.add_command(generate_command)
    app.cli.add_command(check_integrity_command)
