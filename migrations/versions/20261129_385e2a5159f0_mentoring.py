"""mentoring: programmes, mentor and mentee profiles, pairings, goals, sessions, plans,
concerns and feedback

Revision ID: 385e2a5159f0
Revises: 26b648e059c4
Create Date: 2026-11-29 05:37:24.097492

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "385e2a5159f0"
down_revision = "26b648e059c4"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "mentor_profiles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=True),
        sa.Column("expertise", sa.JSON(), nullable=False),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("open_pairings", sa.Integer(), nullable=False),
        sa.Column("availability", sa.String(length=500), nullable=False),
        sa.Column("bio", sa.Text(), nullable=False),
        sa.Column("is_accepting", sa.Boolean(), nullable=False),
        sa.Column("police_certificate_on", sa.Date(), nullable=True),
        sa.Column("police_certificate_expires_on", sa.Date(), nullable=True),
        sa.Column("safeguarding_training_on", sa.Date(), nullable=True),
        sa.Column("code_of_conduct_accepted_on", sa.Date(), nullable=True),
        sa.Column("vetting_recorded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("vetting_recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("expiry_warned_for", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "capacity BETWEEN 0 AND 20", name=op.f("ck_mentor_profiles_capacity_range")
        ),
        sa.CheckConstraint(
            "open_pairings >= 0 AND open_pairings <= capacity",
            name=op.f("ck_mentor_profiles_open_within_capacity"),
        ),
        sa.CheckConstraint(
            "police_certificate_expires_on IS NULL OR police_certificate_on IS NULL OR police_certificate_expires_on > police_certificate_on",
            name=op.f("ck_mentor_profiles_certificate_expires_after_issue"),
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_mentor_profiles_organization_id_organizations"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_mentor_profiles_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["vetting_recorded_by_id"],
            ["users.id"],
            name=op.f("fk_mentor_profiles_vetting_recorded_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mentor_profiles")),
        sa.UniqueConstraint("user_id", name=op.f("uq_mentor_profiles_user_id")),
    )
    with op.batch_alter_table("mentor_profiles", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_mentor_profiles_organization_id"), ["organization_id"], unique=False
        )

    op.create_table(
        "mentoring_programmes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("safeguarding_lead_id", sa.Integer(), nullable=False),
        sa.Column("pupil_cadence_days", sa.Integer(), nullable=False),
        sa.Column("researcher_cadence_days", sa.Integer(), nullable=False),
        sa.Column("proposal_days", sa.Integer(), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "proposal_days BETWEEN 1 AND 30",
            name=op.f("ck_mentoring_programmes_proposal_days_range"),
        ),
        sa.CheckConstraint(
            "pupil_cadence_days BETWEEN 7 AND 120 AND researcher_cadence_days BETWEEN 7 AND 120",
            name=op.f("ck_mentoring_programmes_cadence_range"),
        ),
        sa.ForeignKeyConstraint(
            ["safeguarding_lead_id"],
            ["users.id"],
            name=op.f("fk_mentoring_programmes_safeguarding_lead_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mentoring_programmes")),
        sa.UniqueConstraint("name", name=op.f("uq_mentoring_programmes_name")),
    )
    with op.batch_alter_table("mentoring_programmes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_mentoring_programmes_safeguarding_lead_id"),
            ["safeguarding_lead_id"],
            unique=False,
        )

    op.create_table(
        "mentee_profiles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("pupil", "researcher", name="menteekind", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("student_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("interests", sa.JSON(), nullable=False),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("goals", sa.Text(), nullable=False),
        sa.Column("contact_email", sa.String(length=254), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(kind = 'pupil' AND student_id IS NOT NULL AND user_id IS NULL) OR (kind = 'researcher' AND user_id IS NOT NULL AND student_id IS NULL)",
            name=op.f("ck_mentee_profiles_one_person"),
        ),
        sa.ForeignKeyConstraint(
            ["student_id"],
            ["students.id"],
            name=op.f("fk_mentee_profiles_student_id_students"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_mentee_profiles_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mentee_profiles")),
        sa.UniqueConstraint("student_id", name=op.f("uq_mentee_profiles_student_id")),
        sa.UniqueConstraint("user_id", name=op.f("uq_mentee_profiles_user_id")),
    )
    op.create_table(
        "pairings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("mentor_id", sa.Integer(), nullable=False),
        sa.Column("mentee_id", sa.Integer(), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "proposed",
                "active",
                "paused",
                "completed",
                "ended_early",
                "declined",
                "lapsed",
                name="pairingstate",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("planned_end_on", sa.Date(), nullable=False),
        sa.Column("cadence_days", sa.Integer(), nullable=False),
        sa.Column("proposed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("proposed_by_id", sa.Integer(), nullable=True),
        sa.Column("respond_by", sa.DateTime(timezone=True), nullable=False),
        sa.Column("responded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decline_reason", sa.String(length=500), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("end_reason", sa.String(length=500), nullable=False),
        sa.Column("last_session_on", sa.Date(), nullable=True),
        sa.Column("cadence_from", sa.Date(), nullable=False),
        sa.Column("nudged_cycles", sa.Integer(), nullable=False),
        sa.Column("escalated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closing_warned_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("mid_feedback_requested_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("end_feedback_requested_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "state <> 'ended_early' OR end_reason <> ''",
            name=op.f("ck_pairings_ended_early_has_reason"),
        ),
        sa.CheckConstraint(
            "cadence_days BETWEEN 7 AND 120", name=op.f("ck_pairings_cadence_range")
        ),
        sa.CheckConstraint("planned_end_on > starts_on", name=op.f("ck_pairings_ends_after_start")),
        sa.ForeignKeyConstraint(
            ["mentee_id"],
            ["mentee_profiles.id"],
            name=op.f("fk_pairings_mentee_id_mentee_profiles"),
        ),
        sa.ForeignKeyConstraint(
            ["mentor_id"],
            ["mentor_profiles.id"],
            name=op.f("fk_pairings_mentor_id_mentor_profiles"),
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["mentoring_programmes.id"],
            name=op.f("fk_pairings_programme_id_mentoring_programmes"),
        ),
        sa.ForeignKeyConstraint(
            ["proposed_by_id"],
            ["users.id"],
            name=op.f("fk_pairings_proposed_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pairings")),
    )
    with op.batch_alter_table("pairings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pairings_mentee_id"), ["mentee_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_pairings_mentor_id"), ["mentor_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_pairings_programme_id"), ["programme_id"], unique=False
        )
        batch_op.create_index(
            "ix_pairings_state_cadence_from", ["state", "cadence_from"], unique=False
        )
        batch_op.create_index("ix_pairings_state_respond_by", ["state", "respond_by"], unique=False)
        batch_op.create_index(
            "uq_pairings_open_mentee_programme",
            ["mentee_id", "programme_id"],
            unique=True,
            sqlite_where=sa.text("state IN ('proposed', 'active', 'paused')"),
            postgresql_where=sa.text("state IN ('proposed', 'active', 'paused')"),
        )

    op.create_table(
        "mentoring_concerns",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pairing_id", sa.Integer(), nullable=False),
        sa.Column("raised_by_id", sa.Integer(), nullable=True),
        sa.Column("raised_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lead_id", sa.Integer(), nullable=True),
        sa.Column("summary", sa.String(length=200), nullable=False),
        sa.Column("details", sa.Text(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("open", "closed", name="concernstatus", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_by_id", sa.Integer(), nullable=True),
        sa.Column("outcome", sa.String(length=1000), nullable=False),
        sa.ForeignKeyConstraint(
            ["closed_by_id"],
            ["users.id"],
            name=op.f("fk_mentoring_concerns_closed_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["lead_id"],
            ["users.id"],
            name=op.f("fk_mentoring_concerns_lead_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["pairing_id"], ["pairings.id"], name=op.f("fk_mentoring_concerns_pairing_id_pairings")
        ),
        sa.ForeignKeyConstraint(
            ["raised_by_id"],
            ["users.id"],
            name=op.f("fk_mentoring_concerns_raised_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mentoring_concerns")),
    )
    with op.batch_alter_table("mentoring_concerns", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_mentoring_concerns_lead_id"), ["lead_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_mentoring_concerns_pairing_id"), ["pairing_id"], unique=False
        )

    op.create_table(
        "mentoring_goals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pairing_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column(
            "status",
            sa.Enum("open", "achieved", "dropped", name="goalstatus", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_mentoring_goals_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["pairing_id"],
            ["pairings.id"],
            name=op.f("fk_mentoring_goals_pairing_id_pairings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mentoring_goals")),
    )
    with op.batch_alter_table("mentoring_goals", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_mentoring_goals_pairing_id"), ["pairing_id"], unique=False
        )

    op.create_table(
        "mentoring_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pairing_id", sa.Integer(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column(
            "mode",
            sa.Enum("on_site", "video", "phone", name="sessionmode", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("topics", sa.String(length=1000), nullable=False),
        sa.Column("next_steps", sa.String(length=1000), nullable=False),
        sa.Column("shared_note", sa.Text(), nullable=False),
        sa.Column("private_note", sa.Text(), nullable=False),
        sa.Column("logged_by_id", sa.Integer(), nullable=True),
        sa.Column("logged_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("disputed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("dispute_comment", sa.String(length=500), nullable=False),
        sa.CheckConstraint(
            "duration_minutes BETWEEN 5 AND 480", name=op.f("ck_mentoring_sessions_duration_range")
        ),
        sa.ForeignKeyConstraint(
            ["logged_by_id"],
            ["users.id"],
            name=op.f("fk_mentoring_sessions_logged_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["pairing_id"],
            ["pairings.id"],
            name=op.f("fk_mentoring_sessions_pairing_id_pairings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mentoring_sessions")),
    )
    with op.batch_alter_table("mentoring_sessions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_mentoring_sessions_pairing_held", ["pairing_id", "held_on"], unique=False
        )

    op.create_table(
        "pairing_feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pairing_id", sa.Integer(), nullable=False),
        sa.Column(
            "stage",
            sa.Enum("mid", "end", name="feedbackstage", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column(
            "side",
            sa.Enum("mentor", "mentee", name="feedbackside", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("rating", sa.Integer(), nullable=False),
        sa.Column("comment", sa.String(length=1000), nullable=False),
        sa.Column("given_by_id", sa.Integer(), nullable=True),
        sa.Column("given_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("rating BETWEEN 1 AND 5", name=op.f("ck_pairing_feedback_rating_range")),
        sa.ForeignKeyConstraint(
            ["given_by_id"],
            ["users.id"],
            name=op.f("fk_pairing_feedback_given_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["pairing_id"],
            ["pairings.id"],
            name=op.f("fk_pairing_feedback_pairing_id_pairings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pairing_feedback")),
        sa.UniqueConstraint(
            "pairing_id", "stage", "side", name=op.f("uq_pairing_feedback_pairing_id_stage_side")
        ),
    )
    op.create_table(
        "planned_mentoring_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pairing_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column(
            "mode",
            sa.Enum("on_site", "video", "phone", name="sessionmode", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("place", sa.String(length=300), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "duration_minutes BETWEEN 5 AND 480",
            name=op.f("ck_planned_mentoring_sessions_duration_range"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_planned_mentoring_sessions_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["pairing_id"],
            ["pairings.id"],
            name=op.f("fk_planned_mentoring_sessions_pairing_id_pairings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_planned_mentoring_sessions")),
    )
    with op.batch_alter_table("planned_mentoring_sessions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_planned_mentoring_sessions_pairing_starts",
            ["pairing_id", "starts_at"],
            unique=False,
        )

    op.create_table(
        "mentoring_concern_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("concern_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("written_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name=op.f("fk_mentoring_concern_notes_author_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["concern_id"],
            ["mentoring_concerns.id"],
            name=op.f("fk_mentoring_concern_notes_concern_id_mentoring_concerns"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mentoring_concern_notes")),
    )
    with op.batch_alter_table("mentoring_concern_notes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_mentoring_concern_notes_concern_id"), ["concern_id"], unique=False
        )

    op.create_table(
        "mentoring_session_goals",
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("goal_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["goal_id"],
            ["mentoring_goals.id"],
            name=op.f("fk_mentoring_session_goals_goal_id_mentoring_goals"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["mentoring_sessions.id"],
            name=op.f("fk_mentoring_session_goals_session_id_mentoring_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("session_id", "goal_id", name=op.f("pk_mentoring_session_goals")),
    )


def downgrade():
    op.drop_table("mentoring_session_goals")
    with op.batch_alter_table("mentoring_concern_notes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mentoring_concern_notes_concern_id"))

    op.drop_table("mentoring_concern_notes")
    with op.batch_alter_table("planned_mentoring_sessions", schema=None) as batch_op:
        batch_op.drop_index("ix_planned_mentoring_sessions_pairing_starts")

    op.drop_table("planned_mentoring_sessions")
    op.drop_table("pairing_feedback")
    with op.batch_alter_table("mentoring_sessions", schema=None) as batch_op:
        batch_op.drop_index("ix_mentoring_sessions_pairing_held")

    op.drop_table("mentoring_sessions")
    with op.batch_alter_table("mentoring_goals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mentoring_goals_pairing_id"))

    op.drop_table("mentoring_goals")
    with op.batch_alter_table("mentoring_concerns", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mentoring_concerns_pairing_id"))
        batch_op.drop_index(batch_op.f("ix_mentoring_concerns_lead_id"))

    op.drop_table("mentoring_concerns")
    with op.batch_alter_table("pairings", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_pairings_open_mentee_programme",
            sqlite_where=sa.text("state IN ('proposed', 'active', 'paused')"),
            postgresql_where=sa.text("state IN ('proposed', 'active', 'paused')"),
        )
        batch_op.drop_index("ix_pairings_state_respond_by")
        batch_op.drop_index("ix_pairings_state_cadence_from")
        batch_op.drop_index(batch_op.f("ix_pairings_programme_id"))
        batch_op.drop_index(batch_op.f("ix_pairings_mentor_id"))
        batch_op.drop_index(batch_op.f("ix_pairings_mentee_id"))

    op.drop_table("pairings")
    op.drop_table("mentee_profiles")
    with op.batch_alter_table("mentoring_programmes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mentoring_programmes_safeguarding_lead_id"))

    op.drop_table("mentoring_programmes")
    with op.batch_alter_table("mentor_profiles", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mentor_profiles_organization_id"))

    op.drop_table("mentor_profiles")
