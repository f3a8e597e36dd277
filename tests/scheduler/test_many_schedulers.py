"""Several `talent scheduler` processes at once, and one paused past its lease: every job's
effect happens once and nothing is e-mailed twice (file SQLite, or PostgreSQL with
TALENT_TEST_DATABASE_URL)."""

from __future__ import annotations

import asyncio
import contextlib
import re
import signal
import subprocess
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from talent.audit.models import AuditEvent
from talent.courses.models import CourseEnrollment, EnrollmentState
from talent.courses.services import enrollment
from talent.extensions import db
from talent.mentoring.models import MentorProfile, Pairing, PairingState
from talent.people.models import Role, User
from talent.reminders.models import Notification, NotificationState
from talent.rosters.models import ImportState, RosterImport, RosterImportRow
from talent.scheduler.jobs import feature_jobs
from talent.schools.models import Student
from tests import factories
from tests.courses.conftest import course, researcher
from tests.mentoring import conftest as mentoring
from tests.reminders.processes import TALENT, add_due_rows, environment, start_run_once
from tests.reminders.support import MailBox, SMTPServer

SCHEDULERS = 3
DAY = timedelta(days=1)


def _world(now: datetime) -> dict:
    """Work for every job, due at ``now``; returns what the checks need."""
    today = now.date()
    lead = mentoring.english_user(Role.COORDINATOR)
    programme = mentoring.programme(lead=lead)

    proposals = []
    for _ in range(3):
        proposal = mentoring.pairing(
            mentoring.mentor(), mentoring.researcher(), programme, state=PairingState.PROPOSED
        )
        proposal.proposed_by = lead
        proposal.respond_by = now - timedelta(hours=1)
        proposals.append(proposal)
    overdue = mentoring.pairing(
        mentoring.mentor(), mentoring.researcher(), programme, starts_on=today - timedelta(50)
    )
    silent = mentoring.pairing(
        mentoring.mentor(), mentoring.researcher(), programme, starts_on=today - timedelta(100)
    )
    silent.closing_warned_at = now - timedelta(days=8)
    pupil = mentoring.pupil(contact_email="pupil@example.org")
    finished = mentoring.pairing(mentoring.mentor(), pupil, programme, starts_on=today)
    finished.state = PairingState.COMPLETED
    expiring = mentoring.mentor()
    expiring.police_certificate_expires_on = today + timedelta(days=10)

    offered_course = course(
        capacity=1,
        offer_hours=2,
        opens_at=now - 7 * DAY,
        closes_at=now + 14 * DAY,
        starts_on=today + 60 * DAY,
        ends_on=today + 62 * DAY,
    )
    seated, first, second = researcher(), researcher(), researcher()
    earlier = now - timedelta(hours=5)  # the offer made then ran out 3 hours ago
    seat = enrollment.enroll(seated, offered_course, now=earlier)
    offer = enrollment.enroll(first, offered_course, now=earlier)
    waiting = enrollment.enroll(second, offered_course, now=earlier)
    enrollment.withdraw(seated, seat, now=earlier)

    school = factories.school()
    leaver = factories.student(factories.school_class(school))
    leaver.left_school_on = today - timedelta(days=5 * 365)
    stale = RosterImport(
        school_id=school.id, school_year=2026, state=ImportState.READY, created_at=now - 2 * DAY
    )
    db.session.add(stale)
    db.session.flush()
    db.session.add(RosterImportRow(import_id=stale.id, line_no=2, cells={"name": "Kari"}))
    db.session.flush()
    ids = {
        "proposals": [p.id for p in proposals],
        "mentors": [p.mentor_id for p in proposals],
        "silent": silent.id,
        "overdue": overdue.id,
        "finished": finished.id,
        "offer": offer.id,
        "waiting": waiting.id,
        "leaver": leaver.id,
        "stale": stale.id,
    }
    db.session.commit()  # after reading the ids: a read after it would hold SQLite's lock
    return ids


def _audits(action: str) -> Counter:
    return Counter(
        db.session.scalars(sa.select(AuditEvent.object_id).where(AuditEvent.action == action))
    )


def _unsent_due() -> int:
    """Rows due by now that are not delivered: pending, claimed or failed."""
    unsent = db.session.scalar(
        sa.select(sa.func.count()).where(
            sa.or_(
                Notification.state.in_([NotificationState.CLAIMED, NotificationState.FAILED]),
                sa.and_(
                    Notification.state == NotificationState.PENDING,
                    Notification.next_attempt_at <= datetime.now(UTC),
                ),
            )
        )
    )
    db.session.rollback()
    return unsent


def _addresses_of_sent_emails() -> Counter:
    rows = db.session.execute(
        sa.select(sa.func.coalesce(User.email, Notification.recipient_address))
        .select_from(Notification)
        .outerjoin(User, User.id == Notification.recipient_id)
        .where(Notification.message_id.is_not(None))
    ).scalars()
    return Counter(rows)


@contextlib.contextmanager
def _all_at_once(logs):
    """Hold the jobs' tables until every scheduler has started its first job, so that they
    then run side by side rather than one after the other."""
    tables = [
        model.__table__.name
        for model in (CourseEnrollment, Pairing, MentorProfile, Student, RosterImport)
    ]
    with db.engine.connect() as connection:
        transaction = connection.begin()  # on SQLite an IMMEDIATE write transaction
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql(f"LOCK TABLE {', '.join(tables)} IN ACCESS EXCLUSIVE MODE")
        else:
            connection.exec_driver_sql("SELECT 1")
        try:
            yield
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                text = "".join(log.read_text() for log in logs if log.exists())
                # A scheduler runs its jobs one at a time in this order; on SQLite the first
                # waits for this write lock, and every one behind it waits for the first.
                if text.count(f'Running job "{feature_jobs()[0].name}') == len(logs):
                    break
                time.sleep(0.1)
            time.sleep(0.3)
        finally:
            transaction.commit()


def test_three_schedulers_do_each_jobs_work_once(app, database_url, smtp, mailbox, tmp_path):
    world = _world(datetime.now(UTC))
    periodic = [job.name for job in feature_jobs() if job.every_seconds is not None]
    env = environment(database_url, smtp.environment(), SCHEDULER_INTERVAL_SECONDS=1)
    logs = [tmp_path / f"scheduler{n}.log" for n in range(SCHEDULERS)]
    processes = []
    try:
        with _all_at_once(logs):
            for log in logs:
                with log.open("w") as output:
                    processes.append(
                        subprocess.Popen([TALENT, "scheduler"], env=env, stderr=output)
                    )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            text = "".join(log.read_text() for log in logs)
            ran = Counter(re.findall(r"job (\S+) finished in", text))
            if all(ran[name] == SCHEDULERS for name in periodic) and not _unsent_due():
                break
            time.sleep(0.2)
        time.sleep(1.5)  # one more delivery tick in every process
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            process.wait(timeout=30)
    text = "".join(log.read_text() for log in logs)
    assert all(ran[name] == SCHEDULERS for name in periodic), ran
    assert "Traceback" not in text, text

    db.session.expire_all()
    lapsed = _audits("pairing.lapsed")
    assert {pairing_id: lapsed[pairing_id] for pairing_id in world["proposals"]} == {
        pairing_id: 1 for pairing_id in world["proposals"]
    }
    for mentor_id in world["mentors"]:
        assert db.session.get(MentorProfile, mentor_id).open_pairings == 0
    assert _audits("pairing.ended_early")[world["silent"]] == 1
    assert db.session.get(Pairing, world["silent"]).state is PairingState.ENDED_EARLY
    assert db.session.get(Pairing, world["overdue"]).escalated_at is not None
    assert _audits("pupil.erase")[world["leaver"]] == 1
    assert db.session.get(RosterImport, world["stale"]).state is ImportState.DISCARDED
    assert sum(map(int, re.findall(r"removed (\d+) unsaved roster import", text))) == 1
    assert sum(map(int, re.findall(r"report snapshots refreshed: (\d+)", text))) == 2
    offer = db.session.get(CourseEnrollment, world["offer"])
    waiting = db.session.get(CourseEnrollment, world["waiting"])
    assert (offer.state, waiting.state) == (EnrollmentState.LAPSED, EnrollmentState.OFFERED)

    # Every ledger row went out once; every recipient got as many e-mails as rows.
    assert _unsent_due() == 0
    received = Counter(message["To"] for message in mailbox.messages)
    assert received == _addresses_of_sent_emails()
    assert received["pupil@example.org"] == 1
    assert max(mailbox.message_ids.values()) == 1
    db.session.rollback()


class HoldingMailBox(MailBox):
    """Keeps the first client waiting for the answer to its EHLO until released: a scheduler
    that has claimed its rows and is about to send."""

    def __init__(self):
        super().__init__()
        self.holding = threading.Event()
        self.release = threading.Event()
        self._first = True

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        if self._first:
            self._first = False
            self.holding.set()
            while not self.release.is_set():
                await asyncio.sleep(0.02)
        return responses


def test_a_scheduler_paused_past_its_lease_sends_nothing_another_sent(app, database_url):
    rows, lease = 60, 2
    add_due_rows(rows, now=datetime.now(UTC) - timedelta(seconds=1), users=rows)
    mailbox = HoldingMailBox()
    with SMTPServer(mailbox) as smtp:
        env = environment(
            database_url,
            {**smtp.environment(), "TALENT_SMTP_TIMEOUT": "60"},
            REMINDER_LEASE_SECONDS=lease,
            REMINDER_RECORD_EVERY=20,
        )
        paused = start_run_once(env)
        try:
            assert mailbox.holding.wait(timeout=60)  # it claimed every row and is connecting
            paused.send_signal(signal.SIGSTOP)
            time.sleep(lease + 0.5)
            rescuer = start_run_once(env)
            out, err = rescuer.communicate(timeout=120)
            assert rescuer.returncode == 0, err
            assert mailbox.count == rows
        finally:
            mailbox.release.set()
            paused.send_signal(signal.SIGCONT)
            out, err = paused.communicate(timeout=120)
        assert paused.returncode == 0, err
    assert mailbox.count == rows, err  # the paused one sent nothing again
    assert max(mailbox.message_ids.values()) == 1
    assert re.search(r"lost \d+ row\(s\) to another scheduler", err), err
    assert f"{rows} lost to another scheduler, not sent again." in out
    states = Counter(db.session.scalars(sa.select(Notification.state)))
    db.session.rollback()
    assert states == {NotificationState.SENT: rows}
