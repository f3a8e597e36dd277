"""``talent generate --scale N``: fill a migrated database with synthetic data."""

from __future__ import annotations

import time

import click
from flask import current_app
from flask.cli import with_appcontext


@click.command("generate")
@click.option(
    "--scale",
    type=click.FloatRange(min=0.01, max=1000),
    default=1.0,
    show_default=True,
    help="1 is one school year of two schools; 100 is a national network over ten years.",
)
@click.option("--seed", type=int, default=2009, show_default=True, help="Random seed.")
@click.option(
    "--password",
    default="talent-demo",
    show_default=True,
    help="Password of every generated account (stored with a cheap hash: not for production).",
)
@with_appcontext
def generate_command(scale: float, seed: int, password: str) -> None:
    """Fill the database with realistic synthetic data (run `talent db upgrade` first)."""
    from talent.generate import GenerationError, cheap_password_hash, generate

    if current_app.config["ENV_NAME"] == "production":
        raise click.ClickException("generate does not run in production (TALENT_ENV).")
    started = time.perf_counter()

    def bar(label: str, length: int):
        return click.progressbar(length=length, label=f"{label:<32}", show_pos=True)

    try:
        counts = generate(
            scale, seed=seed, password_hash=cheap_password_hash(password), progress=bar
        )
    except GenerationError as error:
        raise click.ClickException(str(error)) from error
    seconds = time.perf_counter() - started
    click.echo(f"Generated {sum(counts.values())} rows in {seconds:.1f} s (scale {scale:g}):")
    for table, count in counts.items():
        click.echo(f"  {table:<32} {count:>9}")
    click.echo(f"Every generated account's password is {password!r}; e-mails such as")
    click.echo("  coordinator1@generated.talent.test, teacher1@…, host1@…, mentor1@…,")
    click.echo("  researcher1@…, student1@generated.talent.test")
