"""Pupils: guardians and consents, roster imports, talent programmes, alumni outcomes; two
columns on students (left_school_on, erased_at) for the retention rule.

Revision ID: 6f6f0c44695e
Revises: f75d9621f052
Create Date: 2026-11-29 05:48:52.924906

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "6f6f0c44695e"
down_revision = "f75d9621f052"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "programmes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("school_year", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("places_taken", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("capacity >= 0", name=op.f("ck_programmes_capacity_not_negative")),
        sa.CheckConstraint(
            "places_taken >= 0 AND places_taken <= capacity",
            name=op.f("ck_programmes_places_within_capacity"),
        ),
        sa.CheckConstraint(
            "school_year BETWEEN 2000 AND 2100", name=op.f("ck_programmes_school_year_range")
        ),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["organizations.id"],
            name=op.f("fk_programmes_school_id_organizations"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programmes")),
        sa.UniqueConstraint("name", "school_year", name=op.f("uq_programmes_name_school_year")),
    )
    with op.batch_alter_table("programmes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_programmes_school_id"), ["school_id"], unique=False)

    op.create_table(
        "programme_tracks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_programme_tracks_programme_id_programmes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programme_tracks")),
        sa.UniqueConstraint(
            "programme_id", "name", name=op.f("uq_programme_tracks_programme_id_name")
        ),
    )
    with op.batch_alter_table("programme_tracks", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_programme_tracks_programme_id"), ["programme_id"], unique=False
        )

    op.create_table(
        "roster_imports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("school_year", sa.Integer(), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "checking",
                "ready",
                "saved",
                "discarded",
                name="importstate",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("ignored_columns", sa.JSON(), nullable=False),
        sa.Column("total_rows", sa.Integer(), nullable=False),
        sa.Column("checked_rows", sa.Integer(), nullable=False),
        sa.Column("error_rows", sa.Integer(), nullable=False),
        sa.Column("new_rows", sa.Integer(), nullable=False),
        sa.Column("updated_rows", sa.Integer(), nullable=False),
        sa.Column("unchanged_rows", sa.Integer(), nullable=False),
        sa.Column("new_classes", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["organizations.id"],
            name=op.f("fk_roster_imports_school_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"],
            ["users.id"],
            name=op.f("fk_roster_imports_uploaded_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_roster_imports")),
    )
    with op.batch_alter_table("roster_imports", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_roster_imports_created_at"), ["created_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_roster_imports_school_id"), ["school_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_roster_imports_uploaded_by_id"), ["uploaded_by_id"], unique=False
        )

    op.create_table(
        "alumni_outcomes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("student_id", sa.Integer(), nullable=False),
        sa.Column(
            "field",
            sa.Enum(
                "medicine",
                "natural_sciences",
                "technology",
                "other",
                "undecided",
                "not_studying",
                name="fieldofstudy",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("institution", sa.String(length=200), nullable=False),
        sa.Column("study", sa.String(length=200), nullable=False),
        sa.Column("reported_on", sa.Date(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["users.id"],
            name=op.f("fk_alumni_outcomes_recorded_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["student_id"],
            ["students.id"],
            name=op.f("fk_alumni_outcomes_student_id_students"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alumni_outcomes")),
    )
    with op.batch_alter_table("alumni_outcomes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_alumni_outcomes_recorded_by_id"), ["recorded_by_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_alumni_outcomes_student_id"), ["student_id"], unique=False
        )

    op.create_table(
        "guardians",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("student_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=False),
        sa.Column("link_nonce", sa.String(length=32), nullable=False),
        sa.Column("link_sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["student_id"],
            ["students.id"],
            name=op.f("fk_guardians_student_id_students"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_guardians")),
    )
    with op.batch_alter_table("guardians", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_guardians_student_id"), ["student_id"], unique=False)

    op.create_table(
        "programme_enrollments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("student_id", sa.Integer(), nullable=False),
        sa.Column("track_id", sa.Integer(), nullable=True),
        sa.Column(
            "state",
            sa.Enum(
                "applied",
                "active",
                "completed",
                "withdrawn",
                name="enrollmentstate",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "intended_field_at_start",
            sa.Enum(
                "medicine",
                "natural_sciences",
                "technology",
                "other",
                "undecided",
                "not_studying",
                name="fieldofstudy",
                native_enum=False,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column(
            "intended_field_at_completion",
            sa.Enum(
                "medicine",
                "natural_sciences",
                "technology",
                "other",
                "undecided",
                "not_studying",
                name="fieldofstudy",
                native_enum=False,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column("withdrawal_reason", sa.String(length=500), nullable=False),
        sa.Column("applied_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("activated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_programme_enrollments_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_programme_enrollments_programme_id_programmes"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["student_id"],
            ["students.id"],
            name=op.f("fk_programme_enrollments_student_id_students"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["track_id"],
            ["programme_tracks.id"],
            name=op.f("fk_programme_enrollments_track_id_programme_tracks"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programme_enrollments")),
    )
    with op.batch_alter_table("programme_enrollments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_programme_enrollments_created_by_id"), ["created_by_id"], unique=False
        )
        batch_op.create_index(
            "ix_programme_enrollments_programme_state", ["programme_id", "state"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_programme_enrollments_student_id"), ["student_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_programme_enrollments_track_id"), ["track_id"], unique=False
        )
        batch_op.create_index(
            "uq_programme_enrollments_current",
            ["programme_id", "student_id"],
            unique=True,
            sqlite_where=sa.text("state != 'withdrawn'"),
            postgresql_where=sa.text("state != 'withdrawn'"),
        )

    op.create_table(
        "roster_import_rows",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("cells", sa.JSON(), nullable=False),
        sa.Column(
            "action",
            sa.Enum(
                "pending",
                "new",
                "update",
                "unchanged",
                "error",
                name="rowaction",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("problems", sa.JSON(), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("pupil_key", sa.String(length=300), nullable=True),
        sa.Column("student_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["import_id"],
            ["roster_imports.id"],
            name=op.f("fk_roster_import_rows_import_id_roster_imports"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["student_id"],
            ["students.id"],
            name=op.f("fk_roster_import_rows_student_id_students"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_roster_import_rows")),
        sa.UniqueConstraint(
            "import_id", "line_no", name=op.f("uq_roster_import_rows_import_id_line_no")
        ),
    )
    with op.batch_alter_table("roster_import_rows", schema=None) as batch_op:
        batch_op.create_index(
            "ix_roster_import_rows_import_action", ["import_id", "action"], unique=False
        )
        batch_op.create_index(
            "ix_roster_import_rows_import_pupil", ["import_id", "pupil_key"], unique=False
        )

    op.create_table(
        "consents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("student_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "programme",
                "lab_visits",
                "photo_media",
                "data_processing",
                name="consentkind",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("guardian_id", sa.Integer(), nullable=True),
        sa.Column("given_by", sa.String(length=200), nullable=False),
        sa.Column("given_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "method",
            sa.Enum(
                "paper", "email", "digital", name="consentmethod", native_enum=False, length=32
            ),
            nullable=False,
        ),
        sa.Column("expires_on", sa.Date(), nullable=True),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("withdrawn_by", sa.String(length=200), nullable=False),
        sa.Column("superseded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["guardian_id"],
            ["guardians.id"],
            name=op.f("fk_consents_guardian_id_guardians"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["users.id"],
            name=op.f("fk_consents_recorded_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["student_id"],
            ["students.id"],
            name=op.f("fk_consents_student_id_students"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consents")),
    )
    with op.batch_alter_table("consents", schema=None) as batch_op:
        batch_op.create_index("ix_consents_expires_on", ["expires_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_consents_guardian_id"), ["guardian_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_consents_recorded_by_id"), ["recorded_by_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_consents_student_id"), ["student_id"], unique=False)
        batch_op.create_index(
            "uq_consents_current",
            ["student_id", "kind"],
            unique=True,
            sqlite_where=sa.text("withdrawn_at IS NULL AND superseded_at IS NULL"),
            postgresql_where=sa.text("withdrawn_at IS NULL AND superseded_at IS NULL"),
        )

    with op.batch_alter_table("students", schema=None) as batch_op:
        batch_op.add_column(sa.Column("left_school_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("erased_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_students_left_school_on"), ["left_school_on"], unique=False
        )


def downgrade():
    with op.batch_alter_table("students", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_students_left_school_on"))
        batch_op.drop_column("erased_at")
        batch_op.drop_column("left_school_on")

    with op.batch_alter_table("consents", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_consents_current",
            sqlite_where=sa.text("withdrawn_at IS NULL AND superseded_at IS NULL"),
            postgresql_where=sa.text("withdrawn_at IS NULL AND superseded_at IS NULL"),
        )
        batch_op.drop_index(batch_op.f("ix_consents_student_id"))
        batch_op.drop_index(batch_op.f("ix_consents_recorded_by_id"))
        batch_op.drop_index(batch_op.f("ix_consents_guardian_id"))
        batch_op.drop_index("ix_consents_expires_on")

    op.drop_table("consents")

    with op.batch_alter_table("roster_import_rows", schema=None) as batch_op:
        batch_op.drop_index("ix_roster_import_rows_import_pupil")
        batch_op.drop_index("ix_roster_import_rows_import_action")

    op.drop_table("roster_import_rows")

    with op.batch_alter_table("programme_enrollments", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_programme_enrollments_current",
            sqlite_where=sa.text("state != 'withdrawn'"),
            postgresql_where=sa.text("state != 'withdrawn'"),
        )
        batch_op.drop_index(batch_op.f("ix_programme_enrollments_track_id"))
        batch_op.drop_index(batch_op.f("ix_programme_enrollments_student_id"))
        batch_op.drop_index("ix_programme_enrollments_programme_state")
        batch_op.drop_index(batch_op.f("ix_programme_enrollments_created_by_id"))

    op.drop_table("programme_enrollments")

    with op.batch_alter_table("guardians", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_guardians_student_id"))

    op.drop_table("guardians")

    with op.batch_alter_table("alumni_outcomes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_alumni_outcomes_student_id"))
        batch_op.drop_index(batch_op.f("ix_alumni_outcomes_recorded_by_id"))

    op.drop_table("alumni_outcomes")

    with op.batch_alter_table("roster_imports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_roster_imports_uploaded_by_id"))
        batch_op.drop_index(batch_op.f("ix_roster_imports_school_id"))
        batch_op.drop_index(batch_op.f("ix_roster_imports_created_at"))

    op.drop_table("roster_imports")

    with op.batch_alter_table("programme_tracks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_programme_tracks_programme_id"))

    op.drop_table("programme_tracks")

    with op.batch_alter_table("programmes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_programmes_school_id"))

    op.drop_table("programmes")
