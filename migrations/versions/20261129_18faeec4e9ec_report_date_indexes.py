"""Impact report: indexes on the days the report selects a school year by.

Revision ID: 18faeec4e9ec
Revises: 285d41f711e5
Create Date: 2026-11-29 09:30:00.000000

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "18faeec4e9ec"
down_revision = "285d41f711e5"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(op.f("ix_activities_starts_on"), "activities", ["starts_on"], unique=False)
    op.create_index(
        op.f("ix_mentoring_sessions_held_on"), "mentoring_sessions", ["held_on"], unique=False
    )
    op.create_index(
        op.f("ix_alumni_outcomes_reported_on"), "alumni_outcomes", ["reported_on"], unique=False
    )


def downgrade():
    op.drop_index(op.f("ix_alumni_outcomes_reported_on"), table_name="alumni_outcomes")
    op.drop_index(op.f("ix_mentoring_sessions_held_on"), table_name="mentoring_sessions")
    op.drop_index(op.f("ix_activities_starts_on"), table_name="activities")
