"""Keys of creating forms already taken, so a form sent twice creates once.

Revision ID: 5d1f0b7c2a91
Revises: 5d0c3a9e7b21
Create Date: 2026-12-07 22:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "5d1f0b7c2a91"
down_revision = "5d0c3a9e7b21"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "form_submissions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("location", sa.String(length=500), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_form_submissions")),
        sa.UniqueConstraint("key", name=op.f("uq_form_submissions_key")),
    )
    op.create_index(
        op.f("ix_form_submissions_created_at"), "form_submissions", ["created_at"], unique=False
    )


def downgrade():
    op.drop_index(op.f("ix_form_submissions_created_at"), table_name="form_submissions")
    op.drop_table("form_submissions")
