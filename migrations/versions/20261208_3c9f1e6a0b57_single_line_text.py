"""Clean text stored before the single-line rule: names, titles and other one-line fields lose
their control characters, multi-line texts keep only line breaks and tabs.

Revision ID: 3c9f1e6a0b57
Revises: 7a3e5c1d9b42
Create Date: 2026-12-08 09:00:00.000000

"""

import re

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "3c9f1e6a0b57"
down_revision = "7a3e5c1d9b42"
branch_labels = None
depends_on = None

#: The one-line columns the forms and services now protect (talent/text.py).
SINGLE_LINE = {
    "users": ("name", "email"),
    "organizations": ("name", "city", "website"),
    "school_classes": ("name",),
    "students": ("name",),
    "guardians": ("name", "email", "phone"),
    "consents": ("given_by", "withdrawn_by"),
    "programmes": ("name",),
    "programme_tracks": ("name",),
    "programme_enrollments": ("withdrawal_reason",),
    "alumni_outcomes": ("institution", "study"),
    "lab_sites": ("name", "address"),
    "visit_slots": ("topic",),
    "visit_requests": ("topic",),
    "school_blackouts": ("reason",),
    "activities": ("title", "contact_name"),
    "courses": ("title", "location"),
    "course_sessions": ("title", "location"),
    "mentoring_programmes": ("name",),
    "mentor_profiles": ("availability",),
    "mentee_profiles": ("contact_email",),
    "mentoring_goals": ("title",),
    "planned_mentoring_sessions": ("place",),
    "mentoring_concerns": ("summary",),
}
#: Texts typed in text areas: line breaks stay.
MULTI_LINE = {
    "courses": ("summary", "description"),
    "course_enrollments": ("motivation",),
    "programmes": ("description",),
    "consents": ("note",),
    "lab_sites": ("safety_rules", "photo_rules", "accessibility"),
    "lab_visits": ("notes", "reason"),
    "visit_requests": ("notes",),
    "visit_proposals": ("message",),
    "visit_feedback": ("comment",),
    "activities": ("report",),
    "mentoring_programmes": ("description",),
    "mentor_profiles": ("bio",),
    "mentee_profiles": ("goals",),
    "pairings": ("decline_reason", "end_reason"),
    "mentoring_sessions": (
        "topics",
        "next_steps",
        "shared_note",
        "private_note",
        "dispute_comment",
    ),
    "mentoring_concerns": ("details", "outcome"),
    "mentoring_concern_notes": ("body",),
    "pairing_feedback": ("comment",),
}
#: Columns with a unique index of their own: a cleaned value that another row already holds
#: gets the row's id added, rather than failing the upgrade.
UNIQUE = {("organizations", "name"), ("mentoring_programmes", "name")}

# The rule as it stood when this was written (a migration does not follow later changes of
# talent/text.py): C0 and C1 controls, DEL, and the Unicode line and paragraph separators.
_CONTROL = "\x00-\x1f\x7f-\x9f\u2028\u2029"
_ANY_CONTROL = re.compile(f"[{_CONTROL}]")
_CONTROL_RUNS = re.compile(rf"\s*[{_CONTROL}][\s{_CONTROL}]*")
_LINE_BREAKS = re.compile("\r\n?|[\u2028\u2029\x85]")
_NOT_IN_LINES = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
BATCH = 1000


def one_line(value: str) -> str:
    return _CONTROL_RUNS.sub(" ", value).strip() if _ANY_CONTROL.search(value) else value


def lines(value: str) -> str:
    return _NOT_IN_LINES.sub("", _LINE_BREAKS.sub("\n", value))


def _clean_table(connection, name: str, cleaners: dict) -> None:
    """Read the table in batches by primary key and write back the rows that change."""
    (key,) = sa.inspect(connection).get_pk_constraint(name)["constrained_columns"]
    table = sa.table(name, sa.column(key), *(sa.column(c) for c in cleaners))
    last = None
    while True:
        query = sa.select(table).order_by(table.c[key]).limit(BATCH)
        if last is not None:
            query = query.where(table.c[key] > last)
        rows = connection.execute(query).all()
        for row in rows:
            changes = {}
            for column, clean in cleaners.items():
                value = getattr(row, column)
                if isinstance(value, str) and clean(value) != value:
                    changes[column] = _free(connection, table, key, row, column, clean(value))
            if changes:
                connection.execute(
                    table.update().where(table.c[key] == getattr(row, key)).values(changes)
                )
        if len(rows) < BATCH:
            return
        last = getattr(rows[-1], key)


def _free(connection, table, key: str, row, column: str, value: str) -> str:
    if (table.name, column) not in UNIQUE:
        return value
    taken = sa.select(table.c[key]).where(table.c[column] == value)
    if connection.execute(taken).first() is None:
        return value
    return f"{value} ({getattr(row, key)})"


def upgrade():
    connection = op.get_bind()
    for name in sorted(SINGLE_LINE.keys() | MULTI_LINE.keys()):
        cleaners = dict.fromkeys(SINGLE_LINE.get(name, ()), one_line)
        cleaners |= dict.fromkeys(MULTI_LINE.get(name, ()), lines)
        _clean_table(connection, name, cleaners)


def downgrade():
    # Nothing to undo: the characters removed were never meant to be stored (they broke
    # e-mails and calendar feeds), the old code reads the cleaned text as well as the new
    # does, and what was removed is not kept anywhere to put back.
    pass
