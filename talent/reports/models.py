"""Computed reports kept for a while, so the page does not recount ten years on every request."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from talent.extensions import db


class ReportSnapshot(db.Model):
    """The figures of one report (school year and filters) as they were at ``computed_at``."""

    __tablename__ = "report_snapshots"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: ``year:school:host:programme``, e.g. ``2025:-:-:-`` (see talent.reports.snapshots).
    key: Mapped[str] = mapped_column(sa.String(100), unique=True)
    #: The report's figures as JSON in the shape of talent.reports.snapshots.encode_report.
    payload: Mapped[str] = mapped_column(sa.Text)
    computed_at: Mapped[datetime]

    def __repr__(self) -> str:
        return f"<ReportSnapshot {self.key} {self.computed_at:%Y-%m-%d %H:%M}>"
