"""The migrations build exactly the schema the models describe, from an empty database."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import upgrade

from talent.extensions import db, migrate


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
