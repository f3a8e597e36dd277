"""Reminder e-mail throughput: the scheduler against a bare smtplib loop.

Delivers N due reminders (default 20,000) to a local aiosmtpd server (in its own process)
through one scheduler tick, and in the same run sends the same N messages, built and
flattened beforehand, with a bare smtplib loop over one connection (before and after the
scheduler; the faster run counts). Prints both rates, their ratio (the goal: at
least 0.5) and the scheduler's memory as the run goes (the goal: flat).

    .venv/bin/python bench/mail_throughput.py [--rows 20000] [--database-url URL]

Without --database-url it uses a fresh SQLite file in a temporary directory.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import smtplib
import socket
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

NOW = datetime(2026, 10, 13, 6, 0, tzinfo=UTC)
PAGE = os.sysconf("SC_PAGE_SIZE")


def serve(port: int, counter, ready) -> None:
    """An aiosmtpd server that counts what it receives (its own process, its own CPU)."""
    from aiosmtpd.controller import Controller

    class Counting:
        async def handle_DATA(self, server, session, envelope):
            with counter.get_lock():
                counter.value += 1
            return "250 OK"

    controller = Controller(Counting(), hostname="127.0.0.1", port=port)
    controller.start()
    ready.set()
    threading.Event().wait()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * PAGE / 2**20


def prepare(url: str, rows: int, port: int):
    from flask_migrate import upgrade

    from talent import create_app
    from talent.extensions import db

    settings = {
        "ENV_NAME": "testing",
        "SQLALCHEMY_DATABASE_URI": url,
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": port,
        "SMTP_SECURITY": "none",
        "SMTP_USER": None,
        "BASE_URL": "https://talent.example.no",
        "SERVER_NAME": None,
    }
    app = create_app(settings)
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as connection:
                connection.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        upgrade()
        from tests.reminders.processes import add_due_rows

        add_due_rows(rows, now=NOW, users=500)
        db.session.remove()
    return app


def bare_messages(app, rows: int) -> list[tuple[str, str, bytes]]:
    """The scheduler's messages for the same rows, built and flattened before timing."""
    import sqlalchemy as sa
    from flask_babel import force_locale

    from talent.extensions import db
    from talent.people.models import User
    from talent.reminders.kinds import get_kind
    from talent.reminders.models import Notification
    from talent.reminders.planning import Item
    from talent.reminders.rendering import build_email, phrases

    kind = get_kind("reminders.test")
    messages = []
    with app.app_context():
        query = sa.select(Notification, User).join(User, User.id == Notification.recipient_id)
        for n, user in db.session.execute(query.order_by(Notification.id).limit(rows)):
            item = Item(
                n.id,
                n.kind,
                "",
                None,
                user.id,
                user.name,
                user.email,
                user.language,
                user.timezone,
                True,
                n.context,
                None,
                0,
                n.idempotency_key,
            )
            with force_locale(user.language):
                message = build_email(
                    kind,
                    item,
                    phrases(user.language),
                    sender=app.config["MAIL_SENDER"],
                    link="https://talent.example.no/inbox",
                    preferences_link="https://talent.example.no/notifications/preferences",
                )
            messages.append((message.envelope_from, message.recipient, message.data))
        db.session.remove()
    return messages


def time_bare_loop(messages, port: int, counter) -> float:
    start_count = counter.value
    started = time.perf_counter()
    connection = smtplib.SMTP("127.0.0.1", port)
    for sender, recipient, body in messages:
        connection.sendmail(sender, [recipient], body)
    connection.quit()
    elapsed = time.perf_counter() - started
    assert counter.value - start_count == len(messages), "the bare loop lost messages"
    return elapsed


def time_scheduler(app, rows: int, counter) -> tuple[float, list[tuple[int, float]]]:
    from talent.reminders.delivery import deliver_due

    start_count = counter.value
    samples: list[tuple[int, float]] = [(0, rss_mb())]
    done = threading.Event()

    def sample() -> None:
        marks = [rows * share // 4 for share in (1, 2, 3)]
        while not done.is_set() and marks:
            if counter.value - start_count >= marks[0]:
                samples.append((marks.pop(0), rss_mb()))
            time.sleep(0.01)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    started = time.perf_counter()
    with app.app_context():
        report = deliver_due(now=NOW + timedelta(seconds=1))
    elapsed = time.perf_counter() - started
    done.set()
    sampler.join()
    samples.append((rows, rss_mb()))
    assert report.sent == rows, report
    assert counter.value - start_count == rows, "the scheduler lost messages"
    return elapsed, samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--database-url")
    args = parser.parse_args()

    port = free_port()
    counter, ready = multiprocessing.Value("l", 0), multiprocessing.Event()
    server = multiprocessing.Process(target=serve, args=(port, counter, ready), daemon=True)
    server.start()
    ready.wait(10)
    with tempfile.TemporaryDirectory() as directory:
        url = args.database_url or f"sqlite:///{directory}/bench.db"
        print(f"preparing {args.rows:,} due reminders in {url.split('://')[0]} …", flush=True)
        app = prepare(url, args.rows, port)
        messages = bare_messages(app, args.rows)
        # The bare loop runs before and after the scheduler; the faster of the two counts,
        # so that a busy machine cannot flatter the scheduler.
        bare_before = time_bare_loop(messages, port, counter)
        scheduler, samples = time_scheduler(app, args.rows, counter)
        bare_after = time_bare_loop(messages, port, counter)
        bare = min(bare_before, bare_after)
    server.terminate()
    print(f"bare loop before and after the scheduler: {bare_before:.1f} s, {bare_after:.1f} s")

    bare_rate, scheduler_rate = args.rows / bare, args.rows / scheduler
    print(f"bare smtplib loop: {args.rows:,} e-mails in {bare:6.1f} s = {bare_rate:7.0f}/s")
    print(
        f"scheduler tick:    {args.rows:,} e-mails in {scheduler:6.1f} s = {scheduler_rate:7.0f}/s"
    )
    print(f"ratio scheduler/bare: {scheduler_rate / bare_rate:.2f} (goal ≥ 0.50)")
    print(
        "scheduler memory (RSS) by e-mails sent: "
        + ", ".join(f"{sent:,}: {mb:.0f} MB" for sent, mb in samples)
    )
    growth = samples[-1][1] - samples[1][1]
    print(f"growth from the first quarter to the end: {growth:+.1f} MB")


if __name__ == "__main__":
    main()
