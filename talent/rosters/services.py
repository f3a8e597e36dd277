"""Importing class rosters: upload, check in chunks, preview, then save all rows or none.

The uploaded rows wait in ``roster_import_rows`` (server-side, never in the session) and are
deleted once the import is saved or discarded. Re-importing a file updates the pupils it
matched (same school, name and birth date) and shows those rows as updates; blank cells never
erase what is stored.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload, selectinload

from talent.audit.services import record_event
from talent.clock import local_date
from talent.consents.models import Guardian, new_link_nonce
from talent.errors import AlreadyDone, Conflict, InvalidState, ValidationFailed
from talent.extensions import db
from talent.locking import lock
from talent.people.models import Organization, OrganizationKind, User
from talent.rosters.messages import file_problem
from talent.rosters.models import ImportState, RosterImport, RosterImportRow, RowAction
from talent.rosters.parsing import CheckedRow, FileProblem, check_cells, name_key, read_roster
from talent.schools.models import SchoolClass, Student

log = logging.getLogger(__name__)

#: Rows checked per request; a larger file is checked in steps with a progress bar.
CHECK_CHUNK_ROWS = 500
#: Values per IN (...) list, well under SQLite's and PostgreSQL's parameter limits.
IN_BATCH = 500
#: Unsaved imports older than this are removed by ``purge_stale_imports``.
STALE_AFTER = timedelta(days=1)


def _batches(values: Sequence, size: int = IN_BATCH) -> Iterable[Sequence]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


# Upload ---------------------------------------------------------------------------------------


def start_import(
    actor: User,
    school: Organization,
    *,
    school_year: int,
    filename: str,
    data: bytes,
    max_bytes: int,
    now: datetime,
) -> RosterImport:
    """Store an uploaded file's rows for checking; a file that cannot be read is refused."""
    if school.kind is not OrganizationKind.SCHOOL:
        raise ValidationFailed(_l("Choose a school."), field="school_id")
    if not 2000 <= school_year <= 2100:
        raise ValidationFailed(_l("Choose a school year."), field="school_year")
    if len(data) > max_bytes:
        raise ValidationFailed(
            file_problem("too_large", {"max": max_bytes // (1024 * 1024)}), field="file"
        )
    try:
        roster = read_roster(data)
    except FileProblem as problem:
        raise ValidationFailed(file_problem(problem.code, problem.params), field="file") from None
    purge_stale_imports(now)
    roster_import = RosterImport(
        school=school,
        school_year=school_year,
        uploaded_by=actor,
        filename=(filename or "")[:255],
        state=ImportState.CHECKING,
        ignored_columns=roster.ignored_columns,
        total_rows=len(roster.rows),
        created_at=now,
    )
    db.session.add(roster_import)
    db.session.flush()
    for batch in _batches(roster.rows, 2000):
        db.session.execute(
            sa.insert(RosterImportRow),
            [
                {
                    "import_id": roster_import.id,
                    "line_no": line_no,
                    "cells": cells,
                    "action": RowAction.PENDING,
                    "problems": [],
                    "changes": [],
                }
                for line_no, cells in batch
            ],
        )
    log.info(
        "user %s uploaded roster import %s with %d rows",
        actor.id if actor else None,
        roster_import.id,
        roster_import.total_rows,
    )
    return roster_import


# Planning: what saving a row would do ---------------------------------------------------------


@dataclass
class RowPlan:
    line_no: int
    checked: CheckedRow
    action: RowAction = RowAction.PENDING
    changes: list = field(default_factory=list)
    student: Student | None = None
    #: The line whose pupil this row also describes (a second guardian).
    same_as_line: int | None = None


class Planner:
    """Decides per row: new pupil, update, unchanged or error, against the stored pupils."""

    def __init__(self, roster_import: RosterImport, today: date):
        self.roster_import = roster_import
        self.today = today
        self.school = roster_import.school
        self.classes = {
            name_key(group.name): group
            for group in db.session.scalars(
                sa.select(SchoolClass).where(
                    SchoolClass.school_id == roster_import.school_id,
                    SchoolClass.school_year == roster_import.school_year,
                )
            )
        }
        #: pupil key → the first plan seen for that pupil in the file.
        self.first_rows: dict[str, RowPlan] = {}

    def check(self, line_no: int, cells: dict) -> RowPlan:
        checked = check_cells(cells, today=self.today, school_name=self.school.name)
        return RowPlan(line_no=line_no, checked=checked)

    def remember(self, plans: Iterable[RowPlan]) -> None:
        """Record rows from earlier chunks as the first of their pupils."""
        for plan in sorted(plans, key=lambda p: p.line_no):
            if not plan.checked.problems and plan.checked.pupil_key:
                self.first_rows.setdefault(plan.checked.pupil_key, plan)

    def existing_pupils(self, plans: Iterable[RowPlan]) -> dict[str, list[Student]]:
        """Stored pupils of the school with the rows' names and birth dates, in few queries."""
        dates = sorted({p.checked.birth_date for p in plans if p.checked.birth_date})
        found: dict[str, list[Student]] = defaultdict(list)
        for batch in _batches(dates):
            query = (
                sa.select(Student)
                .where(
                    Student.school_id == self.roster_import.school_id,
                    Student.birth_date.in_(batch),
                    Student.erased_at.is_(None),
                )
                .options(selectinload(Student.guardians), joinedload(Student.school_class))
            )
            for student in db.session.scalars(query):
                found[f"{name_key(student.name)}|{student.birth_date.isoformat()}"].append(student)
        return found

    def plan(self, plans: list[RowPlan]) -> list[RowPlan]:
        existing = self.existing_pupils(plans)
        for plan in sorted(plans, key=lambda p: p.line_no):
            self._plan_one(plan, existing)
        return plans

    def _class_label(self, class_name: str) -> str:
        year = self.roster_import.school_year
        return f"{class_name} ({year}/{(year + 1) % 100:02d})"

    def _plan_one(self, plan: RowPlan, existing: dict[str, list[Student]]) -> None:
        row = plan.checked
        if row.problems:
            plan.action = RowAction.ERROR
            return
        first = self.first_rows.get(row.pupil_key)
        if first is not None and first.line_no != plan.line_no:
            self._plan_repeat(plan, first)
            return
        self.first_rows[row.pupil_key] = plan
        matches = existing.get(row.pupil_key, [])
        if len(matches) > 1:
            row.problems.append(("ambiguous_pupil", {"count": len(matches)}))
            plan.action = RowAction.ERROR
            return
        target_class = self.classes.get(name_key(row.class_name))
        if target_class is None:
            plan.changes.append(("new_class", {"class": self._class_label(row.class_name)}))
        if not matches:
            plan.action = RowAction.NEW
            plan.changes.insert(0, ("new_pupil", {"class": self._class_label(row.class_name)}))
            if row.guardian_name:
                plan.changes.append(("new_guardian", {"name": row.guardian_name}))
            return
        student = plan.student = matches[0]
        if target_class is None or student.school_class_id != target_class.id:
            old = student.school_class.label if student.school_class else "–"
            plan.changes.append(
                ("class_change", {"old": old, "new": self._class_label(row.class_name)})
            )
        else:
            plan.changes = [c for c in plan.changes if c[0] != "new_class"]
        plan.changes.extend(self._guardian_changes(row, student.guardians))
        plan.action = RowAction.UPDATE if plan.changes else RowAction.UNCHANGED

    def _plan_repeat(self, plan: RowPlan, first: RowPlan) -> None:
        """A further line for a pupil seen before: only a different guardian is allowed."""
        row, earlier = plan.checked, first.checked
        plan.same_as_line = first.line_no
        if name_key(row.class_name) != name_key(earlier.class_name):
            row.problems.append(
                ("conflicting_class", {"line": first.line_no, "other": earlier.class_name})
            )
        elif name_key(row.guardian_name) == name_key(earlier.guardian_name):
            row.problems.append(("duplicate_row", {"line": first.line_no}))
        if row.problems:
            plan.action = RowAction.ERROR
            return
        plan.student = first.student
        plan.changes.append(("same_pupil", {"line": first.line_no}))
        if first.student is None:
            plan.action = RowAction.NEW
            if row.guardian_name:
                plan.changes.append(("new_guardian", {"name": row.guardian_name}))
            return
        guardian_changes = self._guardian_changes(row, first.student.guardians)
        plan.changes.extend(guardian_changes)
        plan.action = RowAction.UPDATE if guardian_changes else RowAction.UNCHANGED

    @staticmethod
    def _guardian_changes(row: CheckedRow, guardians: list[Guardian]) -> list:
        if not row.guardian_name:
            return []
        known = {name_key(g.name): g for g in guardians}
        guardian = known.get(name_key(row.guardian_name))
        if guardian is None:
            return [("new_guardian", {"name": row.guardian_name})]
        changes = []
        if row.guardian_email and row.guardian_email != guardian.email:
            changes.append(("guardian_email", {"name": guardian.name, "value": row.guardian_email}))
        if row.guardian_phone and row.guardian_phone != guardian.phone:
            changes.append(("guardian_phone", {"name": guardian.name, "value": row.guardian_phone}))
        return changes


# Checking in chunks ---------------------------------------------------------------------------


def check_next_chunk(
    roster_import: RosterImport, *, now: datetime, chunk_rows: int | None = None
) -> RosterImport:
    """Check the next rows of an import; when the last are checked it becomes ready."""
    lock(roster_import)  # two pages polling check the same rows one after the other
    if roster_import.state is not ImportState.CHECKING:
        return roster_import
    size = chunk_rows or CHECK_CHUNK_ROWS
    pending = db.session.execute(
        sa.select(RosterImportRow.id, RosterImportRow.line_no, RosterImportRow.cells)
        .where(
            RosterImportRow.import_id == roster_import.id,
            RosterImportRow.action == RowAction.PENDING,
        )
        .order_by(RosterImportRow.line_no)
        .limit(size)
    ).all()
    planner = Planner(roster_import, local_date(now))
    if pending:
        plans = [planner.check(row.line_no, row.cells) for row in pending]
        keys = sorted({plan.checked.pupil_key for plan in plans if plan.checked.pupil_key})
        earlier = []
        for batch in _batches(keys):
            earlier += db.session.execute(
                sa.select(
                    RosterImportRow.line_no, RosterImportRow.cells, RosterImportRow.student_id
                ).where(
                    RosterImportRow.import_id == roster_import.id,
                    RosterImportRow.pupil_key.in_(batch),
                    RosterImportRow.action.in_(
                        [RowAction.NEW, RowAction.UPDATE, RowAction.UNCHANGED]
                    ),
                    RosterImportRow.line_no < pending[0].line_no,
                )
            ).all()
        earlier_plans = [planner.check(line_no, cells) for line_no, cells, _ in earlier]
        student_ids = {line_no: student_id for line_no, _, student_id in earlier}
        students = _students_by_id(student_ids.values())
        for plan in earlier_plans:
            plan.student = students.get(student_ids[plan.line_no])
        planner.remember(earlier_plans)
        planner.plan(plans)
        ids = {row.line_no: row.id for row in pending}
        db.session.execute(
            sa.update(RosterImportRow),
            [
                {
                    "id": ids[plan.line_no],
                    "action": plan.action,
                    "problems": [list(p) for p in plan.checked.problems],
                    "changes": [list(c) for c in plan.changes],
                    "student_id": plan.student.id if plan.student else None,
                    "pupil_key": plan.checked.pupil_key or None,
                }
                for plan in plans
            ],
        )
    _update_counts(roster_import, planner)
    db.session.flush()
    return roster_import


def _students_by_id(ids: Iterable[int | None]) -> dict[int, Student]:
    wanted = sorted({i for i in ids if i is not None})
    found = {}
    for batch in _batches(wanted):
        query = sa.select(Student).where(Student.id.in_(batch))
        query = query.options(selectinload(Student.guardians))
        found.update({student.id: student for student in db.session.scalars(query)})
    return found


def _update_counts(roster_import: RosterImport, planner: Planner) -> None:
    counts = dict(
        db.session.execute(
            sa.select(RosterImportRow.action, sa.func.count())
            .where(RosterImportRow.import_id == roster_import.id)
            .group_by(RosterImportRow.action)
        ).all()
    )
    roster_import.error_rows = counts.get(RowAction.ERROR, 0)
    roster_import.new_rows = counts.get(RowAction.NEW, 0)
    roster_import.updated_rows = counts.get(RowAction.UPDATE, 0)
    roster_import.unchanged_rows = counts.get(RowAction.UNCHANGED, 0)
    roster_import.checked_rows = roster_import.total_rows - counts.get(RowAction.PENDING, 0)
    if roster_import.checked_rows >= roster_import.total_rows:
        roster_import.state = ImportState.READY
        classes = db.session.scalars(
            sa.select(RosterImportRow.changes).where(
                RosterImportRow.import_id == roster_import.id,
                RosterImportRow.action.in_([RowAction.NEW, RowAction.UPDATE]),
            )
        )
        new_classes = {
            params["class"]
            for changes in classes
            for code, params in changes
            if code == "new_class"
        }
        roster_import.new_classes = sorted(new_classes)


def check_all(roster_import: RosterImport, *, now: datetime, progress: Callable | None = None):
    """Check every row (the command line and small uploads)."""
    while roster_import.state is ImportState.CHECKING:
        check_next_chunk(roster_import, now=now)
        if progress is not None:
            progress(roster_import.checked_rows, roster_import.total_rows)
    return roster_import


# Preview --------------------------------------------------------------------------------------


def rows_query(roster_import: RosterImport, *, only_problems: bool = False) -> sa.Select:
    query = sa.select(RosterImportRow).where(RosterImportRow.import_id == roster_import.id)
    if only_problems:
        query = query.where(RosterImportRow.action == RowAction.ERROR)
    return query.order_by(RosterImportRow.line_no)


def imports_query(school_id: int | None) -> sa.Select:
    """Recent imports, newest first, of one school or of all."""
    query = sa.select(RosterImport).options(
        joinedload(RosterImport.school), joinedload(RosterImport.uploaded_by)
    )
    if school_id is not None:
        query = query.where(RosterImport.school_id == school_id)
    return query.order_by(RosterImport.created_at.desc(), RosterImport.id.desc())


# Saving ---------------------------------------------------------------------------------------


def _claim(roster_import: RosterImport) -> None:
    """Move the import from ready to saved exactly once, even with two clicks at once."""
    lock(roster_import)
    if roster_import.state is ImportState.SAVED:
        raise AlreadyDone(_l("This import is already saved."))
    if roster_import.state is ImportState.DISCARDED:
        raise InvalidState(_l("This import was discarded; upload the file again."))
    if roster_import.state is ImportState.CHECKING:
        raise InvalidState(_l("The file is still being checked; wait until it is done."))
    if roster_import.error_rows:
        raise InvalidState(_l("Some lines have errors. Fix them in the file and upload it again."))
    roster_import.state = ImportState.SAVED
    db.session.flush()


def save_import(actor: User, roster_import: RosterImport, *, now: datetime) -> dict[str, int]:
    """Save every row of a checked import in this one transaction, or nothing.

    The rows are matched again against the pupils stored now, so that a pupil added since the
    preview is updated rather than doubled.
    """
    _claim(roster_import)
    planner = Planner(roster_import, local_date(now))
    stored = db.session.execute(
        sa.select(RosterImportRow.line_no, RosterImportRow.cells)
        .where(RosterImportRow.import_id == roster_import.id)
        .order_by(RosterImportRow.line_no)
    ).all()
    plans = planner.plan([planner.check(line_no, cells) for line_no, cells in stored])
    failed = [plan for plan in plans if plan.action is RowAction.ERROR]
    if failed:
        raise Conflict(
            _l(
                "The pupils at the school changed since the preview (line %(line)d). "
                "Upload the file again to see a fresh preview.",
                line=failed[0].line_no,
            )
        )
    counts = _apply(actor, roster_import, planner, plans, now=now)
    roster_import.finished_at = now
    db.session.execute(
        sa.delete(RosterImportRow).where(RosterImportRow.import_id == roster_import.id)
    )
    db.session.flush()
    record_event(
        actor,
        "roster.import",
        roster_import,
        now=now,
        label=f"{roster_import.filename} ({roster_import.school.name})",
        after=counts,
    )
    log.info(
        "roster import %s saved by user %s: %s",
        roster_import.id,
        actor.id if actor else None,
        counts,
    )
    return counts


def _apply(actor, roster_import, planner: Planner, plans: list[RowPlan], *, now) -> dict:
    counts = {"pupils_created": 0, "pupils_updated": 0, "guardians_added": 0, "classes_created": 0}
    classes = planner.classes
    pupils: dict[str, Student] = {}
    created: list[Student] = []
    #: id(student) → (student, class label before the import)
    updated: dict[int, tuple[Student, str]] = {}

    def class_for(class_name: str) -> SchoolClass:
        key = name_key(class_name)
        if key not in classes:
            group = SchoolClass(
                school_id=roster_import.school_id,
                name=class_name,
                school_year=roster_import.school_year,
                created_at=now,
            )
            db.session.add(group)
            classes[key] = group
            counts["classes_created"] += 1
        return classes[key]

    def label_of(student: Student) -> str:
        return student.school_class.label if student.school_class else ""

    for plan in plans:
        row = plan.checked
        if plan.action is RowAction.UNCHANGED:
            continue
        student = pupils.get(row.pupil_key) or plan.student
        if student is None:
            student = Student(
                school_id=roster_import.school_id,
                school_class=class_for(row.class_name),
                name=row.name,
                birth_date=row.birth_date,
                created_at=now,
            )
            student.guardians = []
            db.session.add(student)
            created.append(student)
        elif plan.same_as_line is None:
            group = class_for(row.class_name)
            if student.school_class is not group:
                updated.setdefault(id(student), (student, label_of(student)))
                student.school_class = group
        pupils[row.pupil_key] = student
        if row.guardian_name:
            added, changed = _apply_guardian(student, row, now)
            counts["guardians_added"] += added
            if (added or changed) and student not in created:
                updated.setdefault(id(student), (student, label_of(student)))
    db.session.flush()
    counts["pupils_created"], counts["pupils_updated"] = len(created), len(updated)
    for student in created:
        record_event(
            actor,
            "roster.pupil_create",
            student,
            now=now,
            label=student.name,
            after={"class": label_of(student)},
        )
    for student, old_class in updated.values():
        record_event(
            actor,
            "roster.pupil_update",
            student,
            now=now,
            label=student.name,
            before={"class": old_class, "guardians": None},
            after={"class": label_of(student), "guardians": len(student.guardians)},
        )
    return counts


def _apply_guardian(student: Student, row: CheckedRow, now: datetime) -> tuple[int, bool]:
    """Add the row's guardian or fill in their contact details: (added, changed)."""
    for guardian in student.guardians:
        if name_key(guardian.name) != name_key(row.guardian_name):
            continue
        changed = False
        if row.guardian_email and row.guardian_email != guardian.email:
            guardian.email = row.guardian_email
            guardian.link_nonce = new_link_nonce()
            changed = True
        if row.guardian_phone and row.guardian_phone != guardian.phone:
            guardian.phone = row.guardian_phone
            changed = True
        return 0, changed
    student.guardians.append(
        Guardian(
            name=row.guardian_name,
            email=row.guardian_email,
            phone=row.guardian_phone,
            created_at=now,
        )
    )
    return 1, True


def discard_import(actor: User, roster_import: RosterImport, *, now: datetime) -> None:
    """Drop an unsaved import and its rows."""
    lock(roster_import)
    if roster_import.state is ImportState.DISCARDED:
        raise AlreadyDone(_l("This upload was already discarded."))
    if roster_import.state is ImportState.SAVED:
        raise InvalidState(_l("This import is saved; it cannot be discarded."))
    roster_import.state = ImportState.DISCARDED
    roster_import.finished_at = now
    db.session.execute(
        sa.delete(RosterImportRow).where(RosterImportRow.import_id == roster_import.id)
    )
    db.session.flush()


def purge_stale_imports(now: datetime) -> int:
    """Remove the rows of imports left unsaved for a day; the job of the same name runs it."""
    stale = sa.select(RosterImport.id).where(
        RosterImport.state.in_([ImportState.CHECKING, ImportState.READY]),
        RosterImport.created_at < now - STALE_AFTER,
    )
    ids = list(db.session.scalars(stale))
    if not ids:
        return 0
    db.session.execute(sa.delete(RosterImportRow).where(RosterImportRow.import_id.in_(ids)))
    db.session.execute(
        sa.update(RosterImport)
        .where(RosterImport.id.in_(ids))
        .values(state=ImportState.DISCARDED, finished_at=now)
        .execution_options(synchronize_session=False)
    )
    return len(ids)
