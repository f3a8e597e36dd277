"""Notifications to someone without an account: a recipient address instead of a user.

Revision ID: 5d0c3a9e7b21
Revises: 9c1d2e7f4a10
Create Date: 2026-12-07 21:45:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "5d0c3a9e7b21"
down_revision = "9c1d2e7f4a10"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("recipient_address", sa.String(length=254), nullable=True))
        batch_op.alter_column("recipient_id", existing_type=sa.Integer(), nullable=True)
        batch_op.create_check_constraint(
            "has_recipient", "recipient_id IS NOT NULL OR recipient_address IS NOT NULL"
        )


def downgrade():
    op.execute("DELETE FROM notifications WHERE recipient_id IS NULL")
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_constraint("has_recipient", type_="check")
        batch_op.alter_column("recipient_id", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column("recipient_address")
