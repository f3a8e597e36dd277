"""What bench/pages.py loads: the busiest people and objects of a generated database, and each
page's SQL queries counted in-process on the same database."""

from __future__ import annotations

import re
import statistics
import time
from dataclasses import dataclass

import sqlalchemy as sa

#: Every account the benchmark logs in as gets this password (when it has another one).
PASSWORD = "talent-demo"  # noqa: S105 - the generated accounts' own
#: Requests timed one at a time in-process for each page.
TIMED = 15
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


@dataclass(frozen=True)
class Target:
    label: str
    #: The id of the user who requests the page (None: anonymous).
    user: int | None
    path: str


def _app(url: str, secret: str):
    from talent import create_app

    return create_app(
        {
            "ENV_NAME": "production",
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": secret,
            "SESSION_COOKIE_SECURE": False,
        }
    )


def _busiest(column, *joins_and_filters, count=None):
    """The value of ``column`` that occurs most often (ties to the smallest), or None."""
    from talent.extensions import db

    counted = count if count is not None else sa.func.count()
    select = sa.select(column).group_by(column).order_by(counted.desc(), column).limit(1)
    for item in joins_and_filters:
        select = item(select)
    return db.session.scalar(select)


def _with_role(role, *, organization_id=None):
    from talent.extensions import db
    from talent.people.models import RoleAssignment, User

    select = (
        sa.select(User.id)
        .join(RoleAssignment, RoleAssignment.user_id == User.id)
        .where(RoleAssignment.role == role, User.is_active.is_(True))
        .order_by(User.id)
        .limit(1)
    )
    if organization_id is not None:
        select = select.where(User.organization_id == organization_id)
    return db.session.scalar(select)


def _choose() -> tuple[dict[str, int | None], dict[str, int | None]]:
    """The people (by role) and objects the pages are about: the busiest of each kind."""
    from talent.courses.models import CourseEnrollment
    from talent.extensions import db
    from talent.mentoring.models import MentoringSession, MentorProfile, Pairing
    from talent.people.models import Role as R
    from talent.people.models import RoleAssignment, User
    from talent.reminders.models import Notification
    from talent.schools.models import Student
    from talent.visits.models import LabSite, VisitParticipant, VisitSlot

    pupil = _busiest(VisitParticipant.student_id) or _busiest(Student.id)
    school = db.session.scalar(sa.select(Student.school_id).where(Student.id == pupil))
    mentor = _busiest(
        MentorProfile.user_id, lambda s: s.join(Pairing, Pairing.mentor_id == MentorProfile.id)
    )
    people = {
        "admin": _with_role(R.ADMIN),
        "coordinator": _with_role(R.COORDINATOR),
        "teacher": _with_role(R.TEACHER, organization_id=school) or _with_role(R.TEACHER),
        "host": _busiest(
            User.id,
            lambda s: (
                s.join(RoleAssignment, RoleAssignment.user_id == User.id)
                .join(LabSite, LabSite.organization_id == User.organization_id)
                .join(VisitSlot, VisitSlot.site_id == LabSite.id)
                .where(RoleAssignment.role == R.HOST)
            ),
        )
        or _with_role(R.HOST),
        "mentor": mentor,
        "researcher": _busiest(
            CourseEnrollment.user_id,
            lambda s: s.join(
                RoleAssignment, RoleAssignment.user_id == CourseEnrollment.user_id
            ).where(RoleAssignment.role == R.RESEARCHER),
        )
        or _with_role(R.RESEARCHER),
        "student": _busiest(
            Student.user_id,
            lambda s: s.join(VisitParticipant, VisitParticipant.student_id == Student.id).where(
                Student.user_id.is_not(None)
            ),
        )
        or _with_role(R.STUDENT),
        "inbox": _busiest(
            Notification.recipient_id, lambda s: s.where(Notification.inbox_at.is_not(None))
        ),
    }
    objects = {
        "pupil": pupil,
        "course": _busiest(CourseEnrollment.course_id),
        "pairing": _busiest(
            Pairing.id,
            lambda s: (
                s.join(MentoringSession, MentoringSession.pairing_id == Pairing.id)
                .join(MentorProfile, MentorProfile.id == Pairing.mentor_id)
                .where(MentorProfile.user_id == mentor)
            ),
        ),
    }
    return people, objects


def pick_targets(url: str, *, kind: str, secret: str):
    """The pages to load and the accounts to log in as: (targets, {user id: (e-mail, pw)})."""
    from talent.auth.passwords import hash_password, verify_password
    from talent.extensions import db
    from talent.people.models import User

    app = _app(url, secret)
    with app.app_context():
        people, objects = _choose()
        roles = ["admin", "coordinator", "teacher", "host", "mentor", "researcher", "student"]
        targets = [Target(f"home: {role}", people[role], "/") for role in roles]
        if "reports.index" in app.view_functions:
            targets.append(Target("coordinator's report", people["coordinator"], "/reports/"))
        targets += [
            Target("slot calendar", people["teacher"], "/visits/calendar"),
            Target("course catalogue", people["researcher"], "/courses"),
            Target("course roster", people["coordinator"], f"/courses/{objects['course']}/roster"),
            Target("pupil timeline", people["teacher"], f"/pupils/{objects['pupil']}/timeline"),
            Target(
                "mentor's pairing page",
                people["mentor"],
                f"/mentoring/pairings/{objects['pairing']}",
            ),
            Target("notification inbox", people["inbox"], "/inbox"),
        ]
        targets = [t for t in targets if t.user is not None and "None" not in t.path]
        logins = {}
        for user in db.session.scalars(
            sa.select(User).where(User.id.in_([p for p in people.values() if p]))
        ):
            if not verify_password(user.password_hash, PASSWORD):
                user.password_hash = hash_password(PASSWORD)
            logins[user.id] = (user.email, PASSWORD)
        db.session.commit()
        described = ", ".join(f"{k} {v}" for k, v in {**people, **objects}.items())
        print(f"  {kind}: ids of the people and objects: {described}", flush=True)
        db.engine.dispose()
    return targets, logins


def count_queries(url: str, targets: list[Target], logins: dict, *, secret: str) -> dict:
    """Each page's SQL statements (BEGIN and savepoints aside) and its median time alone.

    The queries of the second request are counted (the first warms caches); the time is the
    median of ``TIMED`` more requests, one at a time, in this process: a view of the page's
    cost that background load disturbs less than the figures under load.
    """
    from talent.extensions import db

    app = _app(url, secret)
    found: dict[str, tuple[int | None, float]] = {}
    clients = {}
    with app.app_context():
        engine = db.engine
    for user, (email, password) in logins.items():
        client = app.test_client()
        page = client.get("/login").get_data(as_text=True)
        match = CSRF.search(page)
        token = match.group(1) or match.group(2)
        form = {"csrf_token": token, "email": email, "password": password}
        if client.post("/login", data=form).status_code != 302:
            raise RuntimeError(f"logging in as {email} failed")
        clients[user] = client
    statements: list[str] = []

    def count(conn, cursor, statement, *rest) -> None:
        if not statement.lstrip().upper().startswith(("BEGIN", "SAVEPOINT", "RELEASE")):
            statements.append(statement)

    headers = {"Accept-Language": "en"}
    for target in [Target("/health (ceiling)", None, "/health"), *targets]:
        client = clients[target.user] if target.user is not None else app.test_client()
        client.get(target.path, headers=headers)
        statements.clear()
        sa.event.listen(engine, "before_cursor_execute", count)
        try:
            status = client.get(target.path, headers=headers).status_code
        finally:
            sa.event.remove(engine, "before_cursor_execute", count)
        times = []
        for _ in range(TIMED):
            started = time.perf_counter()
            client.get(target.path, headers=headers)
            times.append(time.perf_counter() - started)
        found[target.label] = (
            len(statements) if status == 200 else None,
            statistics.median(times) * 1000,
        )
    engine.dispose()
    return found
