"""The one clock: every zone, today and school year comes from talent/clock.py and follows the
DEFAULT_TIMEZONE setting; no module keeps a zone of its own."""

from __future__ import annotations

import subprocess
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from talent.clock import (
    platform_zone,
    school_year_end,
    school_year_of,
    today_for,
    user_zone,
)
from talent.reports.period import SchoolYear
from tests import factories

ROOT = Path(__file__).resolve().parent.parent
#: 03:00 UTC on New Year's Day is still New Year's Eve in New York, and New Year's Day in Oslo.
NEW_YEAR_NIGHT = datetime(2026, 1, 1, 3, 0, tzinfo=UTC)


@pytest.fixture
def app_settings():
    return {"DEFAULT_TIMEZONE": "America/New_York"}


def test_the_platform_zone_is_the_setting(app):
    assert platform_zone().key == "America/New_York"
    assert today_for(None, NEW_YEAR_NIGHT) == date(2025, 12, 31)


def test_a_new_account_gets_the_zone_of_the_setting(app):
    assert factories.user().timezone == "America/New_York"


def test_a_user_reads_days_in_their_own_zone_and_an_unknown_zone_in_the_platforms(app):
    in_oslo = factories.user(timezone="Europe/Oslo")
    assert today_for(in_oslo, NEW_YEAR_NIGHT) == date(2026, 1, 1)
    in_nowhere = factories.user(timezone="Mars/Olympus_Mons")
    assert user_zone(in_nowhere).key == "America/New_York"
    assert today_for(in_nowhere, NEW_YEAR_NIGHT) == date(2025, 12, 31)


def test_a_school_year_starts_at_midnight_on_1_august_in_the_platform_zone(app):
    assert SchoolYear(2026).starts_at == datetime(2026, 8, 1, 4, 0, tzinfo=UTC)  # EDT, UTC-4


def test_school_years_turn_on_1_august():
    assert school_year_of(date(2026, 7, 31)) == 2025
    assert school_year_of(date(2026, 8, 1)) == 2026
    assert school_year_end(date(2026, 8, 1)) == date(2027, 7, 31)
    assert school_year_end(date(2027, 7, 31)) == date(2027, 7, 31)


def test_no_module_but_the_settings_names_a_zone():
    found = subprocess.run(  # noqa: S603 - a fixed command
        ["git", "grep", "-n", "-E", r"\"(Europe|America|Asia|Africa|Australia)/", "--", "talent"],  # noqa: S607
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.splitlines()
    assert [line for line in found if not line.startswith("talent/config.py:")] == []
