"""``talent rosters import`` from the command line."""

from __future__ import annotations

import sqlalchemy as sa

from talent.extensions import db
from talent.schools.models import Student

GOOD = "name,birth date,class\nEmma Hansen,2010-05-17,2STA\nJonas Berg,2010-01-02,2STA\n"


def _invoke(runner, tmp_path, text, *extra):
    path = tmp_path / "roster.csv"
    path.write_text(text, encoding="utf-8")
    args = ["rosters", "import", str(path), "--school", "ullern vgs", "--year", "2026", *extra]
    return runner.invoke(args=args)


def test_a_dry_run_then_a_save(runner, make, tmp_path):
    make.school("Ullern VGS")
    db.session.commit()
    result = _invoke(runner, tmp_path, GOOD)
    assert result.exit_code == 0, result.output
    assert "2 new, 0 updates, 0 unchanged, 0 with errors." in result.output
    assert "Dry run" in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Student)) == 0
    result = _invoke(runner, tmp_path, GOOD, "--save")
    assert "Saved: 2 new pupils" in result.output, result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Student)) == 2


def test_errors_are_listed_and_nothing_is_saved(runner, make, tmp_path):
    make.school("Ullern VGS")
    db.session.commit()
    result = _invoke(runner, tmp_path, GOOD + "Ola Dahl,2010-02-31,2STA\n", "--save")
    assert result.exit_code == 1
    assert "line 4:" in result.output and "Nothing saved" in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Student)) == 0


def test_an_unknown_school(runner, tmp_path):
    result = _invoke(runner, tmp_path, GOOD)
    assert result.exit_code == 1 and "No school is called" in result.output
