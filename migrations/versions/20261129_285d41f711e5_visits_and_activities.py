"""Lab visits (sites, slots, visits, requests, checklists, feedback, school blackout dates)
and collaboration activities (guest lectures, placements, projects).

Revision ID: 285d41f711e5
Revises: 6f6f0c44695e
Create Date: 2026-11-29 05:49:31.949084

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "285d41f711e5"
down_revision = "6f6f0c44695e"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "lab_sites",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("address", sa.String(length=300), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("minimum_age", sa.Integer(), nullable=False),
        sa.Column("pupils_per_adult", sa.Integer(), nullable=False),
        sa.Column("safety_rules", sa.Text(), nullable=False),
        sa.Column("photo_rules", sa.Text(), nullable=False),
        sa.Column("accessibility", sa.Text(), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("capacity BETWEEN 1 AND 500", name=op.f("ck_lab_sites_capacity_range")),
        sa.CheckConstraint(
            "minimum_age BETWEEN 0 AND 25", name=op.f("ck_lab_sites_minimum_age_range")
        ),
        sa.CheckConstraint(
            "pupils_per_adult BETWEEN 1 AND 50", name=op.f("ck_lab_sites_pupils_per_adult_range")
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_lab_sites_organization_id_organizations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lab_sites")),
        sa.UniqueConstraint(
            "organization_id", "name", name=op.f("uq_lab_sites_organization_id_name")
        ),
    )
    with op.batch_alter_table("lab_sites", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_lab_sites_organization_id"), ["organization_id"], unique=False
        )

    op.create_table(
        "school_blackouts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "ends_on >= starts_on", name=op.f("ck_school_blackouts_ends_after_start")
        ),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["organizations.id"],
            name=op.f("fk_school_blackouts_school_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_school_blackouts")),
    )
    with op.batch_alter_table("school_blackouts", schema=None) as batch_op:
        batch_op.create_index(
            "ix_school_blackouts_school_starts", ["school_id", "starts_on"], unique=False
        )

    op.create_table(
        "activities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "guest_lecture",
                "work_placement",
                "science_project",
                "media_project",
                "entrepreneurship_project",
                name="activitykind",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=True),
        sa.Column("contact_name", sa.String(length=200), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("hours", sa.Float(), nullable=False),
        sa.Column("report", sa.Text(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("ends_on >= starts_on", name=op.f("ck_activities_ends_after_start")),
        sa.CheckConstraint("hours >= 0 AND hours <= 2000", name=op.f("ck_activities_hours_range")),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_activities_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["organizations.id"],
            name=op.f("fk_activities_partner_id_organizations"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["school_id"], ["organizations.id"], name=op.f("fk_activities_school_id_organizations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activities")),
    )
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_activities_partner_id"), ["partner_id"], unique=False)
        batch_op.create_index(
            "ix_activities_school_starts", ["school_id", "starts_on"], unique=False
        )

    op.create_table(
        "visit_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("school_class_id", sa.Integer(), nullable=False),
        sa.Column("teacher_id", sa.Integer(), nullable=False),
        sa.Column("topic", sa.String(length=200), nullable=False),
        sa.Column("pupils_count", sa.Integer(), nullable=False),
        sa.Column("adults_count", sa.Integer(), nullable=False),
        sa.Column("earliest_on", sa.Date(), nullable=False),
        sa.Column("latest_on", sa.Date(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "open", "booked", "withdrawn", name="requeststate", native_enum=False, length=32
            ),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "adults_count >= 1", name=op.f("ck_visit_requests_adults_count_positive")
        ),
        sa.CheckConstraint("latest_on >= earliest_on", name=op.f("ck_visit_requests_window_order")),
        sa.CheckConstraint(
            "pupils_count >= 1", name=op.f("ck_visit_requests_pupils_count_positive")
        ),
        sa.ForeignKeyConstraint(
            ["school_class_id"],
            ["school_classes.id"],
            name=op.f("fk_visit_requests_school_class_id_school_classes"),
        ),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["organizations.id"],
            name=op.f("fk_visit_requests_school_id_organizations"),
        ),
        sa.ForeignKeyConstraint(
            ["teacher_id"], ["users.id"], name=op.f("fk_visit_requests_teacher_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_visit_requests")),
    )
    with op.batch_alter_table("visit_requests", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_visit_requests_school_id"), ["school_id"], unique=False
        )
        batch_op.create_index(
            "ix_visit_requests_state_latest", ["state", "latest_on"], unique=False
        )

    op.create_table(
        "visit_slots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("persons_booked", sa.Integer(), nullable=False),
        sa.Column("topic", sa.String(length=200), nullable=False),
        sa.Column("host_contact_id", sa.Integer(), nullable=True),
        sa.Column("series_key", sa.String(length=32), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("capacity > 0", name=op.f("ck_visit_slots_capacity_positive")),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_visit_slots_ends_after_start")),
        sa.CheckConstraint(
            "persons_booked >= 0 AND persons_booked <= capacity",
            name=op.f("ck_visit_slots_persons_within_capacity"),
        ),
        sa.ForeignKeyConstraint(
            ["host_contact_id"],
            ["users.id"],
            name=op.f("fk_visit_slots_host_contact_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["lab_sites.id"], name=op.f("fk_visit_slots_site_id_lab_sites")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_visit_slots")),
    )
    with op.batch_alter_table("visit_slots", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_visit_slots_host_contact_id"), ["host_contact_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_visit_slots_series_key"), ["series_key"], unique=False)
        batch_op.create_index("ix_visit_slots_site_starts", ["site_id", "starts_at"], unique=False)
        batch_op.create_index("ix_visit_slots_starts_at", ["starts_at"], unique=False)

    op.create_table(
        "activity_participants",
        sa.Column("activity_id", sa.Integer(), nullable=False),
        sa.Column("student_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["activity_id"],
            ["activities.id"],
            name=op.f("fk_activity_participants_activity_id_activities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["student_id"],
            ["students.id"],
            name=op.f("fk_activity_participants_student_id_students"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("activity_id", "student_id", name=op.f("pk_activity_participants")),
    )
    with op.batch_alter_table("activity_participants", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_activity_participants_student_id"), ["student_id"], unique=False
        )

    op.create_table(
        "lab_visits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slot_id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("school_class_id", sa.Integer(), nullable=False),
        sa.Column("teacher_id", sa.Integer(), nullable=False),
        sa.Column("booked_by_id", sa.Integer(), nullable=True),
        sa.Column("request_id", sa.Integer(), nullable=True),
        sa.Column("pupils_count", sa.Integer(), nullable=False),
        sa.Column("adults_count", sa.Integer(), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "requested",
                "confirmed",
                "declined",
                "cancelled",
                "completed",
                "no_show",
                name="visitstate",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancelled_by_id", sa.Integer(), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("adults_attended", sa.Integer(), nullable=True),
        sa.Column("attendance_recorded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("adults_count >= 1", name=op.f("ck_lab_visits_adults_count_positive")),
        sa.CheckConstraint("pupils_count >= 1", name=op.f("ck_lab_visits_pupils_count_positive")),
        sa.ForeignKeyConstraint(
            ["booked_by_id"],
            ["users.id"],
            name=op.f("fk_lab_visits_booked_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["cancelled_by_id"],
            ["users.id"],
            name=op.f("fk_lab_visits_cancelled_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["users.id"],
            name=op.f("fk_lab_visits_decided_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["visit_requests.id"],
            name=op.f("fk_lab_visits_request_id_visit_requests"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["school_class_id"],
            ["school_classes.id"],
            name=op.f("fk_lab_visits_school_class_id_school_classes"),
        ),
        sa.ForeignKeyConstraint(
            ["school_id"], ["organizations.id"], name=op.f("fk_lab_visits_school_id_organizations")
        ),
        sa.ForeignKeyConstraint(
            ["slot_id"], ["visit_slots.id"], name=op.f("fk_lab_visits_slot_id_visit_slots")
        ),
        sa.ForeignKeyConstraint(
            ["teacher_id"], ["users.id"], name=op.f("fk_lab_visits_teacher_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lab_visits")),
    )
    with op.batch_alter_table("lab_visits", schema=None) as batch_op:
        batch_op.create_index("ix_lab_visits_class", ["school_class_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_lab_visits_request_id"), ["request_id"], unique=False)
        batch_op.create_index("ix_lab_visits_school_state", ["school_id", "state"], unique=False)
        batch_op.create_index(batch_op.f("ix_lab_visits_slot_id"), ["slot_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_lab_visits_teacher_id"), ["teacher_id"], unique=False)

    op.create_table(
        "visit_proposals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("slot_id", sa.Integer(), nullable=False),
        sa.Column("proposed_by_id", sa.Integer(), nullable=True),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["proposed_by_id"],
            ["users.id"],
            name=op.f("fk_visit_proposals_proposed_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["visit_requests.id"],
            name=op.f("fk_visit_proposals_request_id_visit_requests"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["slot_id"],
            ["visit_slots.id"],
            name=op.f("fk_visit_proposals_slot_id_visit_slots"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_visit_proposals")),
        sa.UniqueConstraint(
            "request_id", "slot_id", name=op.f("uq_visit_proposals_request_id_slot_id")
        ),
    )
    with op.batch_alter_table("visit_proposals", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_visit_proposals_request_id"), ["request_id"], unique=False
        )

    op.create_table(
        "visit_checklist_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("visit_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "risk_assessment",
                "consents",
                "participant_list",
                name="checklistkind",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("done_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["done_by_id"],
            ["users.id"],
            name=op.f("fk_visit_checklist_items_done_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["visit_id"],
            ["lab_visits.id"],
            name=op.f("fk_visit_checklist_items_visit_id_lab_visits"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_visit_checklist_items")),
        sa.UniqueConstraint(
            "visit_id", "kind", name=op.f("uq_visit_checklist_items_visit_id_kind")
        ),
    )
    op.create_table(
        "visit_feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("visit_id", sa.Integer(), nullable=False),
        sa.Column("student_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("rating", sa.Integer(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(student_id IS NULL) <> (user_id IS NULL)",
            name=op.f("ck_visit_feedback_from_pupil_or_user"),
        ),
        sa.CheckConstraint("rating BETWEEN 1 AND 5", name=op.f("ck_visit_feedback_rating_range")),
        sa.ForeignKeyConstraint(
            ["student_id"],
            ["students.id"],
            name=op.f("fk_visit_feedback_student_id_students"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_visit_feedback_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["visit_id"],
            ["lab_visits.id"],
            name=op.f("fk_visit_feedback_visit_id_lab_visits"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_visit_feedback")),
        sa.UniqueConstraint(
            "visit_id", "student_id", name=op.f("uq_visit_feedback_visit_id_student_id")
        ),
        sa.UniqueConstraint("visit_id", "user_id", name=op.f("uq_visit_feedback_visit_id_user_id")),
    )
    with op.batch_alter_table("visit_feedback", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_visit_feedback_visit_id"), ["visit_id"], unique=False)

    op.create_table(
        "visit_participants",
        sa.Column("visit_id", sa.Integer(), nullable=False),
        sa.Column("student_id", sa.Integer(), nullable=False),
        sa.Column("attended", sa.Boolean(), nullable=True),
        sa.ForeignKeyConstraint(
            ["student_id"],
            ["students.id"],
            name=op.f("fk_visit_participants_student_id_students"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["visit_id"],
            ["lab_visits.id"],
            name=op.f("fk_visit_participants_visit_id_lab_visits"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("visit_id", "student_id", name=op.f("pk_visit_participants")),
    )
    with op.batch_alter_table("visit_participants", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_visit_participants_student_id"), ["student_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("visit_participants", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_visit_participants_student_id"))

    op.drop_table("visit_participants")
    with op.batch_alter_table("visit_feedback", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_visit_feedback_visit_id"))

    op.drop_table("visit_feedback")
    op.drop_table("visit_checklist_items")
    with op.batch_alter_table("visit_proposals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_visit_proposals_request_id"))

    op.drop_table("visit_proposals")
    with op.batch_alter_table("lab_visits", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lab_visits_teacher_id"))
        batch_op.drop_index(batch_op.f("ix_lab_visits_slot_id"))
        batch_op.drop_index("ix_lab_visits_school_state")
        batch_op.drop_index(batch_op.f("ix_lab_visits_request_id"))
        batch_op.drop_index("ix_lab_visits_class")

    op.drop_table("lab_visits")
    with op.batch_alter_table("activity_participants", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_activity_participants_student_id"))

    op.drop_table("activity_participants")
    with op.batch_alter_table("visit_slots", schema=None) as batch_op:
        batch_op.drop_index("ix_visit_slots_starts_at")
        batch_op.drop_index("ix_visit_slots_site_starts")
        batch_op.drop_index(batch_op.f("ix_visit_slots_series_key"))
        batch_op.drop_index(batch_op.f("ix_visit_slots_host_contact_id"))

    op.drop_table("visit_slots")
    with op.batch_alter_table("visit_requests", schema=None) as batch_op:
        batch_op.drop_index("ix_visit_requests_state_latest")
        batch_op.drop_index(batch_op.f("ix_visit_requests_school_id"))

    op.drop_table("visit_requests")
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.drop_index("ix_activities_school_starts")
        batch_op.drop_index(batch_op.f("ix_activities_partner_id"))

    op.drop_table("activities")
    with op.batch_alter_table("school_blackouts", schema=None) as batch_op:
        batch_op.drop_index("ix_school_blackouts_school_starts")

    op.drop_table("school_blackouts")
    with op.batch_alter_table("lab_sites", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lab_sites_organization_id"))

    op.drop_table("lab_sites")
