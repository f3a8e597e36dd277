"""Roster imports kept server-side between upload, preview and save."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from talent.db import enum_type, utcnow
from talent.extensions import db
from talent.people.models import Organization, User


class ImportState(enum.StrEnum):
    #: Rows are stored and being checked, a chunk per request.
    CHECKING = "checking"
    #: Every row is checked; the preview shows what saving would do.
    READY = "ready"
    SAVED = "saved"
    DISCARDED = "discarded"

    @property
    def label(self):
        return IMPORT_STATE_LABELS[self]


IMPORT_STATE_LABELS = {
    ImportState.CHECKING: _l("being checked"),
    ImportState.READY: _l("ready to save"),
    ImportState.SAVED: _l("saved"),
    ImportState.DISCARDED: _l("discarded"),
}


class RowAction(enum.StrEnum):
    PENDING = "pending"
    NEW = "new"
    UPDATE = "update"
    UNCHANGED = "unchanged"
    ERROR = "error"

    @property
    def label(self):
        return ROW_ACTION_LABELS[self]


ROW_ACTION_LABELS = {
    RowAction.PENDING: _l("not checked yet"),
    RowAction.NEW: _l("new pupil"),
    RowAction.UPDATE: _l("update"),
    RowAction.UNCHANGED: _l("unchanged"),
    RowAction.ERROR: _l("error"),
}


class RosterImport(db.Model):
    """One uploaded roster file; its rows are deleted once it is saved or discarded."""

    __tablename__ = "roster_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    #: The school year the class names in the file belong to (2026 means 2026/27).
    school_year: Mapped[int]
    uploaded_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    filename: Mapped[str] = mapped_column(sa.String(255), default="")
    state: Mapped[ImportState] = mapped_column(enum_type(ImportState), default=ImportState.CHECKING)
    #: Columns of the file that were not used, for the preview.
    ignored_columns: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    total_rows: Mapped[int] = mapped_column(default=0)
    checked_rows: Mapped[int] = mapped_column(default=0)
    error_rows: Mapped[int] = mapped_column(default=0)
    new_rows: Mapped[int] = mapped_column(default=0)
    updated_rows: Mapped[int] = mapped_column(default=0)
    unchanged_rows: Mapped[int] = mapped_column(default=0)
    #: Class names that saving would create.
    new_classes: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    finished_at: Mapped[datetime | None]

    school: Mapped[Organization] = relationship()
    uploaded_by: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<RosterImport {self.id} {self.state}>"

    @property
    def school_year_label(self) -> str:
        return f"{self.school_year}/{(self.school_year + 1) % 100:02d}"

    @property
    def progress_percent(self) -> int:
        return 100 if not self.total_rows else self.checked_rows * 100 // self.total_rows

    @property
    def can_save(self) -> bool:
        return self.state is ImportState.READY and self.error_rows == 0


class RosterImportRow(db.Model):
    """One line of an uploaded roster, as read and as checked."""

    __tablename__ = "roster_import_rows"
    __table_args__ = (
        sa.UniqueConstraint("import_id", "line_no"),
        sa.Index("ix_roster_import_rows_import_action", "import_id", "action"),
        sa.Index("ix_roster_import_rows_import_pupil", "import_id", "pupil_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    import_id: Mapped[int] = mapped_column(sa.ForeignKey("roster_imports.id", ondelete="CASCADE"))
    #: Line number in the file, the header being line 1.
    line_no: Mapped[int]
    #: The row's cells by field name (name, birth_date, class, guardian_*, school).
    cells: Mapped[dict[str, str]] = mapped_column(sa.JSON)
    action: Mapped[RowAction] = mapped_column(enum_type(RowAction), default=RowAction.PENDING)
    #: [code, parameters] pairs; rendered in the reader's language.
    problems: Mapped[list[Any]] = mapped_column(sa.JSON, default=list)
    #: [code, parameters] pairs describing what saving changes.
    changes: Mapped[list[Any]] = mapped_column(sa.JSON, default=list)
    #: Normalised name and birth date, once checked: finds other lines about the same pupil.
    pupil_key: Mapped[str | None] = mapped_column(sa.String(300))
    #: The existing pupil this row updates.
    student_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("students.id", ondelete="SET NULL")
    )

    def __repr__(self) -> str:
        return f"<RosterImportRow {self.import_id}:{self.line_no} {self.action}>"
