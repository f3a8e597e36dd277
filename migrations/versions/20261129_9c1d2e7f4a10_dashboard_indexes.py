"""Staff board: indexes for the bookings waiting for an answer, recent failed deliveries and
pupils awaiting the retention rule.

Revision ID: 9c1d2e7f4a10
Revises: 58dfee2f368f
Create Date: 2026-11-29 13:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "9c1d2e7f4a10"
down_revision = "58dfee2f368f"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_lab_visits_state", "lab_visits", ["state"], unique=False)
    op.create_index(
        "ix_notifications_failed",
        "notifications",
        ["due_at"],
        unique=False,
        postgresql_where=sa.text("state = 'failed'"),
        sqlite_where=sa.text("state = 'failed'"),
    )
    op.create_index(
        "ix_students_retention",
        "students",
        ["left_school_on"],
        unique=False,
        postgresql_where=sa.text("erased_at IS NULL"),
        sqlite_where=sa.text("erased_at IS NULL"),
    )


def downgrade():
    op.drop_index("ix_students_retention", table_name="students")
    op.drop_index("ix_notifications_failed", table_name="notifications")
    op.drop_index("ix_lab_visits_state", table_name="lab_visits")
