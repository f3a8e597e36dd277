"""School of Health Innovation: courses, sessions, enrollments, attendance, certificates.

Revision ID: f75d9621f052
Revises: 385e2a5159f0
Create Date: 2026-11-29 05:48:00.961898

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "f75d9621f052"
down_revision = "385e2a5159f0"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "courses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("summary", sa.String(length=500), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("language", sa.String(length=5), nullable=False),
        sa.Column(
            "format",
            sa.Enum(
                "on_site", "online", "hybrid", name="courseformat", native_enum=False, length=32
            ),
            nullable=False,
        ),
        sa.Column("ects", sa.Numeric(precision=4, scale=1), nullable=True),
        sa.Column("hours", sa.Integer(), nullable=True),
        sa.Column("location", sa.String(length=200), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("enrollment_opens_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("enrollment_closes_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("seats_taken", sa.Integer(), nullable=False),
        sa.Column("last_queue_number", sa.Integer(), nullable=False),
        sa.Column(
            "admission_mode",
            sa.Enum("first_come", "selection", name="admissionmode", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("institution_quota", sa.Integer(), nullable=True),
        sa.Column("eligible_roles", sa.JSON(), nullable=False),
        sa.Column("eligible_kinds", sa.JSON(), nullable=False),
        sa.Column("completion_percent", sa.Integer(), nullable=False),
        sa.Column("offer_hours", sa.Integer(), nullable=False),
        sa.Column("is_published", sa.Boolean(), nullable=False),
        sa.Column("copied_from_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("capacity >= 1", name=op.f("ck_courses_capacity_positive")),
        sa.CheckConstraint(
            "completion_percent BETWEEN 1 AND 100", name=op.f("ck_courses_completion_percent_range")
        ),
        sa.CheckConstraint("ends_on >= starts_on", name=op.f("ck_courses_dates_in_order")),
        sa.CheckConstraint(
            "enrollment_closes_at > enrollment_opens_at",
            name=op.f("ck_courses_enrollment_window_in_order"),
        ),
        sa.CheckConstraint(
            "institution_quota IS NULL OR institution_quota >= 1",
            name=op.f("ck_courses_quota_positive"),
        ),
        sa.CheckConstraint("offer_hours >= 1", name=op.f("ck_courses_offer_hours_positive")),
        sa.CheckConstraint(
            "seats_taken >= 0 AND seats_taken <= capacity",
            name=op.f("ck_courses_seats_within_capacity"),
        ),
        sa.ForeignKeyConstraint(
            ["copied_from_id"],
            ["courses.id"],
            name=op.f("fk_courses_copied_from_id_courses"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_courses")),
    )
    with op.batch_alter_table("courses", schema=None) as batch_op:
        batch_op.create_index(
            "ix_courses_published_ends_on", ["is_published", "ends_on"], unique=False
        )

    op.create_table(
        "course_partners",
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["courses.id"],
            name=op.f("fk_course_partners_course_id_courses"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_course_partners_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("course_id", "organization_id", name=op.f("pk_course_partners")),
    )
    with op.batch_alter_table("course_partners", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_course_partners_organization_id"), ["organization_id"], unique=False
        )

    op.create_table(
        "course_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("location", sa.String(length=200), nullable=False),
        sa.Column("attendance_code", sa.String(length=12), nullable=False),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_course_sessions_times_in_order")),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["courses.id"],
            name=op.f("fk_course_sessions_course_id_courses"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_course_sessions")),
    )
    with op.batch_alter_table("course_sessions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_course_sessions_course_starts", ["course_id", "starts_at"], unique=False
        )

    op.create_table(
        "course_enrollments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=True),
        sa.Column(
            "state",
            sa.Enum(
                "draft",
                "applied",
                "waitlisted",
                "offered",
                "confirmed",
                "completed",
                "withdrawn",
                "declined",
                "lapsed",
                "rejected",
                name="enrollmentstate",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("motivation", sa.Text(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("scored_by_id", sa.Integer(), nullable=True),
        sa.Column("queue_number", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("waitlisted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("offered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("offer_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "score IS NULL OR score BETWEEN 0 AND 10",
            name=op.f("ck_course_enrollments_score_range"),
        ),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["courses.id"],
            name=op.f("fk_course_enrollments_course_id_courses"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_course_enrollments_organization_id_organizations"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["scored_by_id"],
            ["users.id"],
            name=op.f("fk_course_enrollments_scored_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_course_enrollments_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_course_enrollments")),
    )
    with op.batch_alter_table("course_enrollments", schema=None) as batch_op:
        batch_op.create_index(
            "ix_course_enrollments_course_state",
            ["course_id", "state", "queue_number"],
            unique=False,
        )
        batch_op.create_index(
            "ix_course_enrollments_open_offers",
            ["offer_expires_at"],
            unique=False,
            postgresql_where=sa.text("state = 'offered'"),
            sqlite_where=sa.text("state = 'offered'"),
        )
        batch_op.create_index(
            batch_op.f("ix_course_enrollments_user_id"), ["user_id"], unique=False
        )
        batch_op.create_index(
            "uq_course_enrollments_live",
            ["course_id", "user_id"],
            unique=True,
            postgresql_where=sa.text("state NOT IN ('declined', 'lapsed', 'withdrawn')"),
            sqlite_where=sa.text("state NOT IN ('declined', 'lapsed', 'withdrawn')"),
        )

    op.create_table(
        "course_attendances",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("enrollment_id", sa.Integer(), nullable=False),
        sa.Column(
            "method",
            sa.Enum("coordinator", "code", name="attendancemethod", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["enrollment_id"],
            ["course_enrollments.id"],
            name=op.f("fk_course_attendances_enrollment_id_course_enrollments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["users.id"],
            name=op.f("fk_course_attendances_recorded_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["course_sessions.id"],
            name=op.f("fk_course_attendances_session_id_course_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_course_attendances")),
        sa.UniqueConstraint(
            "session_id",
            "enrollment_id",
            name=op.f("uq_course_attendances_session_id_enrollment_id"),
        ),
    )
    with op.batch_alter_table("course_attendances", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_course_attendances_enrollment_id"), ["enrollment_id"], unique=False
        )
    op.create_table(
        "course_certificates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enrollment_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["enrollment_id"],
            ["course_enrollments.id"],
            name=op.f("fk_course_certificates_enrollment_id_course_enrollments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_course_certificates")),
        sa.UniqueConstraint("code", name=op.f("uq_course_certificates_code")),
        sa.UniqueConstraint("enrollment_id", name=op.f("uq_course_certificates_enrollment_id")),
    )


def downgrade():
    # Dropping a table drops its indexes with it.
    for table in (
        "course_certificates",
        "course_attendances",
        "course_enrollments",
        "course_sessions",
        "course_partners",
        "courses",
    ):
        op.drop_table(table)
