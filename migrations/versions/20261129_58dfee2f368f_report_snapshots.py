"""Impact report: snapshots of computed reports, one per school year and filters.

Revision ID: 58dfee2f368f
Revises: 18faeec4e9ec
Create Date: 2026-11-29 10:25:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "58dfee2f368f"
down_revision = "18faeec4e9ec"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "report_snapshots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_snapshots")),
        sa.UniqueConstraint("key", name=op.f("uq_report_snapshots_key")),
    )


def downgrade():
    op.drop_table("report_snapshots")
