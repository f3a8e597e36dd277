"""The migrations build exactly the schema the models describe, from an empty database, and
stepping through them keeps the data of the tables a step keeps."""

import sqlite3
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade

from talent import create_app
from talent.extensions import db, migrate
from talent.generate import generate
from tests import conftest


def test_migrations_have_one_head(app):
    config = migrate.get_config()
    assert len(ScriptDirectory.from_config(config).get_heads()) == 1


def test_upgrade_to_head_matches_the_models(app):
    """The session database was upgraded from empty; nothing differs from the models."""
    upgrade()  # already at head: a no-op that must not fail
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "render_as_batch": True}
        )
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_every_migration_file_is_date_prefixed(app):
    config = migrate.get_config()
    for revision in ScriptDirectory.from_config(config).walk_revisions():
        name = revision.path.rsplit("/", 1)[-1]
        assert name[:8].isdigit() and name[8] == "_", name


NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


@pytest.mark.skipif(
    conftest.POSTGRES_URL is not None, reason="SQLite's batch operations: the SQLite run"
)
def test_stepping_down_and_up_keeps_every_row_of_the_tables_a_step_keeps(tmp_path):
    """No migration, up or down, changes the rows of a table it does not drop.

    Downgrading a migration that creates a table drops the table and its rows: that is what
    the downgrade is for. What must never happen is a step changing the rows of a table that
    stays: on SQLite a batch operation recreates a table (copy, drop, rename), and with
    foreign keys on, the drop deletes or nulls the rows of its child tables through ON DELETE
    CASCADE and SET NULL (or fails on RESTRICT). So every table of a database of its own is
    filled (``talent generate``, then one row in each table still empty), the migrations are
    stepped down one at a time to the first and up again to head, and after each step every
    table that was there before and is still there has the same rows, on the columns it kept.
    """
    app = create_app(conftest.test_settings(f"sqlite:///{tmp_path / 'steps.db'}"))
    with app.app_context():
        upgrade()
        generate(0.05, now=NOW)
        fill_the_empty_tables()
        assert not [name for name, (_, rows) in contents().items() if not rows]
        revisions = list(ScriptDirectory.from_config(migrate.get_config()).walk_revisions())
        steps = [(downgrade, "-1", "down from", r) for r in revisions[:-1]]
        steps += [(upgrade, "+1", "up to", r) for r in reversed(revisions[:-1])]
        problems = []
        for command, relative, direction, revision in steps:
            step = f"{direction} {revision.revision} ({revision.doc.splitlines()[0]})"
            before = contents()
            try:
                command(revision=relative)
            except (Exception, SystemExit) as error:  # noqa: BLE001 - the failure is the finding
                problems.append(f"{step} failed: {str(error).splitlines()[0]}")
                break
            problems += changes(step, before, contents())
        db.engine.dispose()
    assert problems == []


@pytest.mark.skipif(
    conftest.POSTGRES_URL is not None, reason="SQLite's foreign key check: the SQLite run"
)
def test_migrations_leaving_a_broken_reference_on_sqlite_fail_and_change_nothing(tmp_path, caplog):
    """With foreign keys off while migrating, SQLite's own check afterwards is what notices a
    row pointing at nothing; the migrations then fail loudly and are rolled back."""
    path = tmp_path / "broken.db"
    app = create_app(conftest.test_settings(f"sqlite:///{path}"))
    with app.app_context():
        upgrade()
        downgrade(revision="-1")
        before = current_revision()
        with sqlite3.connect(path) as raw:  # foreign keys are off on a plain connection
            raw.execute(
                "INSERT INTO school_classes (school_id, name, school_year, created_at)"
                " VALUES (42, '1STA', 2026, '2026-03-02 12:00:00')"
            )
        with pytest.raises(SystemExit):  # talent db upgrade exits 1, saying why
            upgrade()
        assert "1 broken foreign keys: school_classes row 1 -> organizations" in caplog.text
        assert current_revision() == before
        db.engine.dispose()


def current_revision() -> str:
    with db.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def contents() -> dict[str, tuple[list[str], list[tuple]]]:
    """Every table's column names and rows."""
    with db.engine.connect() as connection:
        found = {}
        for name in sa.inspect(connection).get_table_names():
            if name != "alembic_version":
                result = connection.exec_driver_sql(f'SELECT * FROM "{name}"')  # noqa: S608
                found[name] = (list(result.keys()), [tuple(row) for row in result])
        return found


def changes(step: str, before: dict, after: dict) -> list[str]:
    found = []
    for table in sorted(before.keys() & after.keys()):
        kept = [column for column in before[table][0] if column in after[table][0]]
        old, new = (_rows_on(kept, *contents[table]) for contents in (before, after))
        if old != new:
            found.append(f"{step} changed {table}: {len(old)} rows before, {len(new)} after")
    return found


def _rows_on(kept: list[str], columns: list[str], rows: list[tuple]) -> list[tuple]:
    places = [columns.index(column) for column in kept]
    return sorted((tuple(row[place] for place in places) for row in rows), key=repr)


def fill_the_empty_tables() -> None:
    """Write one row into each table the generator left empty, every column given a value
    (a reference takes the first row of the table it refers to), parents first."""
    with db.engine.begin() as connection:
        for table in db.metadata.sorted_tables:
            if connection.scalar(sa.select(sa.func.count()).select_from(table)) == 0:
                row = {
                    column.name: _value_for(column, connection)
                    for column in table.columns
                    if column is not table.autoincrement_column
                }
                connection.execute(table.insert().values(row))


def _value_for(column: sa.Column, connection):
    if column.foreign_keys:
        parent = next(iter(column.foreign_keys)).column
        return connection.scalar(sa.select(sa.func.min(parent)))
    kind = column.type
    if isinstance(kind, sa.TypeDecorator):
        kind = kind.impl
    if isinstance(kind, sa.Enum):
        return kind.enums[0]
    if isinstance(kind, sa.JSON):
        return {}
    if isinstance(kind, sa.Boolean):
        return False
    if isinstance(kind, sa.Integer | sa.Numeric):
        return 1
    if isinstance(kind, sa.DateTime):
        return NOW
    if isinstance(kind, sa.Date):
        return NOW.date()
    if isinstance(kind, sa.String | sa.Text):
        return "x"
    raise TypeError(f"no sample value for {column} of type {kind!r}")


def test_the_single_line_migration_cleans_the_text_stored_before_the_rule(app, make):
    """Rows written before the rule (here straight into the tables) come out of the upgrade
    with one-line names and multi-line texts holding only line breaks and tabs."""
    downgrade(revision="7a3e5c1d9b42")
    nul = "" if db.engine.dialect.name == "postgresql" else "\x00"  # PostgreSQL cannot hold it
    school = make.school("Ullern")
    taken = make.organization("Cell lab Oslo")
    clash = make.organization("Cell lab placeholder")
    pupil = make.student(make.school_class(school, "2STA"), "Emma Hansen")
    make.user(organization=school)
    db.session.commit()
    tables = db.metadata.tables
    db.session.execute(
        tables["users"].update().values(name=f"Kari\r\nBcc: evil@example.com\r\n\r\nbody{nul}")
    )
    db.session.execute(
        tables["organizations"]
        .update()
        .where(tables["organizations"].c.id == clash.id)
        .values(name="Cell lab\u2028Oslo", city="Oslo\x85\t")
    )
    db.session.execute(
        tables["students"]
        .update()
        .where(tables["students"].c.id == pupil.id)
        .values(name=f"Emma\x1b[31m {nul}Hansen\x7f")
    )
    db.session.execute(
        tables["programmes"]
        .insert()
        .values(
            name="Talent\ncamp",
            description=f"First line\r\nSecond\tline\x07{nul}\rThird\u2029Fourth",
            school_year=2026,
            capacity=10,
            places_taken=0,
            created_at=NOW,
        )
    )
    db.session.commit()

    upgrade()

    users = {row.name for row in db.session.execute(sa.select(tables["users"].c.name))}
    assert users == {"Kari Bcc: evil@example.com body"}
    organizations = dict(
        db.session.execute(
            sa.select(tables["organizations"].c.id, tables["organizations"].c.name)
        ).all()
    )
    assert organizations[taken.id] == "Cell lab Oslo"
    assert organizations[clash.id] == f"Cell lab Oslo ({clash.id})"  # the name is unique
    city = db.session.scalar(
        sa.select(tables["organizations"].c.city).where(tables["organizations"].c.id == clash.id)
    )
    assert city == "Oslo"
    assert db.session.scalar(sa.select(tables["students"].c.name)) == "Emma [31m Hansen"
    programme = db.session.execute(sa.select(tables["programmes"])).one()
    assert programme.name == "Talent camp"
    assert programme.description == "First line\nSecond\tline\nThird\nFourth"
