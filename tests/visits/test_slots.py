"""Publishing slots: single and weekly, local time across daylight saving, bad input."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from talent.errors import ValidationFailed
from talent.extensions import db
from talent.visits.services import slots as slot_services
from talent.visits.services.rules import RulesBroken
from talent.visits.services.slots import SlotFilter, SlotPlan
from tests.visits.conftest import NOW, add_site, add_slot

pytestmark = pytest.mark.usefixtures("in_request")

OSLO = ZoneInfo("Europe/Oslo")


def plan(**fields) -> SlotPlan:
    values = {
        "first_day": date(2026, 9, 15),
        "start": time(10),
        "end": time(12),
        "capacity": 25,
        "topic": "Antibodies",
    }
    values.update(fields)
    return SlotPlan(**values)


def test_weekly_slots_keep_local_time_across_daylight_saving(world):
    # Tuesdays from 13 October 2026 for 8 weeks; summer time ends on 25 October.
    created, skipped = slot_services.publish_slots(
        world.host,
        world.site,
        plan(first_day=date(2026, 10, 13), weeks=8, skip_days={date(2026, 11, 3)}),
        now=NOW,
    )
    assert skipped == [date(2026, 11, 3)]
    assert len(created) == 7
    assert all(slot.starts_at.astimezone(OSLO).time() == time(10) for slot in created)
    assert all(slot.ends_at.astimezone(OSLO).time() == time(12) for slot in created)
    assert all(slot.starts_at.astimezone(OSLO).weekday() == 1 for slot in created)
    assert created[0].starts_at == datetime(2026, 10, 13, 8, 0, tzinfo=UTC)  # CEST, UTC+2
    assert created[2].starts_at == datetime(2026, 10, 27, 9, 0, tzinfo=UTC)  # CET, UTC+1
    assert len({slot.series_key for slot in created}) == 1
    assert created[0].series_key is not None


def test_a_single_slot_has_no_series(world):
    created, _ = slot_services.publish_slots(world.host, world.site, plan(), now=NOW)
    assert len(created) == 1
    assert created[0].series_key is None


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"end": time(9)}, "end", "ends before it starts"),
        ({"end": time(10)}, "end", "ends before it starts"),
        ({"capacity": 0}, "capacity", "at least one person"),
        ({"capacity": 41}, "capacity", "holds 40 people"),
        ({"first_day": date(2026, 9, 1)}, "first_day", "lies in the past"),
        ({"topic": "  "}, "topic", "what the visit is about"),
        ({"weeks": 53}, "weeks", "1 to 52 weeks"),
    ],
)
def test_bad_slots_are_refused(world, fields, field, words):
    with pytest.raises(ValidationFailed) as error:
        slot_services.publish_slots(world.host, world.site, plan(**fields), now=NOW)
    assert error.value.field == field
    assert words in str(error.value.message)


def test_overlapping_slots_at_the_same_site_are_refused(world):
    add_slot(world.site, datetime(2026, 9, 29, 9, 0, tzinfo=UTC), hours=1)  # 11:00–12:00 Oslo
    with pytest.raises(RulesBroken) as error:
        slot_services.publish_slots(
            world.host, world.site, plan(first_day=date(2026, 9, 15), weeks=4), now=NOW
        )
    assert "Overlaps the slot on" in str(error.value.problems[0].message)
    created, skipped = slot_services.publish_slots(
        world.host,
        world.site,
        plan(first_day=date(2026, 9, 15), weeks=4, skip_days={date(2026, 9, 29)}),
        now=NOW,
    )
    assert len(created) == 3
    assert skipped == [date(2026, 9, 29)]


def test_a_slot_ending_exactly_when_another_starts_is_fine(world):
    add_slot(world.site, datetime(2026, 9, 15, 10, 0, tzinfo=UTC), hours=1)  # 12:00 Oslo
    created, _ = slot_services.publish_slots(world.host, world.site, plan(), now=NOW)
    assert len(created) == 1


def test_every_date_skipped(world):
    with pytest.raises(ValidationFailed) as error:
        slot_services.publish_slots(
            world.host, world.site, plan(skip_days={date(2026, 9, 15)}), now=NOW
        )
    assert error.value.field == "skip_days"


def test_host_contact_must_be_a_host_of_the_organisation(world):
    with pytest.raises(ValidationFailed) as error:
        slot_services.publish_slots(
            world.host, world.site, plan(host_contact=world.other_host), now=NOW
        )
    assert error.value.field == "host_contact_id"


def test_capacity_cannot_drop_below_what_is_booked(world, book):
    slot = add_slot(world.site, NOW + timedelta(days=8))
    book(slot, pupils=10, adults=1)
    with pytest.raises(ValidationFailed) as error:
        slot_services.update_slot(
            world.host, slot, topic="Cells", capacity=10, host_contact=None, now=NOW
        )
    assert "11 persons are already booked" in str(error.value.message)
    slot_services.update_slot(
        world.host, slot, topic="Cells", capacity=11, host_contact=world.host, now=NOW
    )
    assert slot.capacity == 11


def test_slot_filters(world, make, book):
    other_site = make.organization("Akershus universitetssykehus")
    hospital_site = add_site(other_site, name="Pathology")
    first = add_slot(world.site, NOW + timedelta(days=8), topic="Antibodies", capacity=20)
    second = add_slot(hospital_site, NOW + timedelta(days=20), topic="Pathology", capacity=20)
    add_slot(world.site, NOW - timedelta(days=1), topic="Old")
    add_slot(world.site, NOW + timedelta(days=9), topic="Gone", cancelled_at=NOW)
    book(first, pupils=15, adults=2)

    def found(**criteria):
        query = slot_services.slots_query(SlotFilter(**criteria), now=NOW)
        return list(db.session.scalars(query))

    assert found() == [first, second]
    assert found(topic="patho") == [second]
    assert found(organization_id=world.company.id) == [first]
    assert found(min_free=5) == [second]
    assert found(start_on=date(2026, 9, 20)) == [second]
    assert found(end_on=date(2026, 9, 20)) == [first]
