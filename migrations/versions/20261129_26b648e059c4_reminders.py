"""reminders: the notification ledger (also the inbox), preferences, calendar-feed tokens

Revision ID: 26b648e059c4
Revises: 0b9516abcc3d
Create Date: 2026-11-29 05:40:37.900507

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "26b648e059c4"
down_revision = "0b9516abcc3d"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "calendar_feeds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_calendar_feeds_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_feeds")),
        sa.UniqueConstraint("token", name=op.f("uq_calendar_feeds_token")),
        sa.UniqueConstraint("user_id", name=op.f("uq_calendar_feeds_user_id")),
    )
    op.create_table(
        "notification_preferences",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column(
            "category",
            sa.Enum(
                "visits",
                "courses",
                "mentoring",
                "programmes",
                "digests",
                "account",
                "safety",
                name="category",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "channel",
            sa.Enum("in_app", "email", name="channel", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("is_enabled", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_notification_preferences_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "user_id", "category", "channel", name=op.f("pk_notification_preferences")
        ),
    )
    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recipient_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("subject_type", sa.String(length=64), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=True),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("relevant_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("lead_minutes", sa.Integer(), nullable=True),
        sa.Column("context", sa.JSON(), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "pending",
                "claimed",
                "sent",
                "failed",
                "cancelled",
                "skipped",
                name="notificationstate",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_by", sa.String(length=100), nullable=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("message_id", sa.String(length=250), nullable=True),
        sa.Column("last_error", sa.String(length=1000), nullable=False),
        sa.Column("inbox_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("idempotency_key", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("attempts >= 0", name=op.f("ck_notifications_attempts_not_negative")),
        sa.ForeignKeyConstraint(
            ["recipient_id"],
            ["users.id"],
            name=op.f("fk_notifications_recipient_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_notifications_idempotency_key")),
    )
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.create_index(
            "ix_notifications_claimable",
            ["next_attempt_at"],
            unique=False,
            postgresql_where=sa.text("state IN ('pending', 'claimed')"),
            sqlite_where=sa.text("state IN ('pending', 'claimed')"),
        )
        batch_op.create_index("ix_notifications_due_at", ["due_at"], unique=False)
        batch_op.create_index("ix_notifications_inbox", ["recipient_id", "inbox_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_notifications_kind"), ["kind"], unique=False)
        batch_op.create_index(
            "ix_notifications_subject", ["subject_type", "subject_id"], unique=False
        )
        batch_op.create_index(
            "ix_notifications_unread",
            ["recipient_id"],
            unique=False,
            postgresql_where=sa.text("inbox_at IS NOT NULL AND read_at IS NULL"),
            sqlite_where=sa.text("inbox_at IS NOT NULL AND read_at IS NULL"),
        )


def downgrade():
    # Dropping a table drops its indexes.
    op.drop_table("notifications")
    op.drop_table("notification_preferences")
    op.drop_table("calendar_feeds")
