"""What every generation phase shares: the sizes a scale gives, the random source, the clock,
names, and a writer that inserts rows in bulk with ids it hands out itself."""

from __future__ import annotations

import math
import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from talent.clock import at_local, local_date
from talent.extensions import db
from talent.generate.names import FIRST_NAMES, LAST_NAMES

#: Where the e-mail addresses of generated people live; no mail is ever delivered there.
EMAIL_DOMAIN = "generated.talent.test"
#: Rows buffered before they go to the database in one executemany per table.
BATCH_ROWS = 20_000


def school_year_of(day: date) -> int:
    """School years run August to June; the year the one holding ``day`` started."""
    return day.year if day.month >= 8 else day.year - 1


@dataclass(frozen=True)
class Sizes:
    """How much a scale makes: 1 is one school year of two schools, 100 a national network."""

    scale: float
    years: int
    schools: int
    pupils: int
    host_organizations: int
    visits: int
    activities: int
    courses: int
    mentors: int
    researchers: int
    pairings: int
    coordinators: int

    @classmethod
    def of(cls, scale: float) -> Sizes:
        if scale <= 0:
            raise ValueError("scale must be positive")
        years = max(1, min(10, round(1 + 4.5 * math.log10(scale)))) if scale > 1 else 1
        return cls(
            scale=scale,
            years=years,
            # A network grows in schools as well as in years, so a page of one school's data
            # looks the same at any scale.
            schools=max(2, round(2 * scale)),
            pupils=max(20, round(300 * scale)),
            host_organizations=max(4, round(5 * scale**0.8)),
            visits=max(6, round(40 * scale)),
            activities=max(4, round(30 * scale)),
            courses=max(3, round(10 * scale)),
            mentors=max(6, round(30 * scale)),
            researchers=max(10, round(60 * scale)),
            pairings=max(8, round(60 * scale)),
            coordinators=max(2, round(2 + scale / 20)),
        )


@dataclass
class Anchors:
    """Existing rows the generated data is built around (the demo's organisations and people)."""

    schools: list[int] = field(default_factory=list)
    hosts: list[int] = field(default_factory=list)
    partners: list[int] = field(default_factory=list)
    cluster: int | None = None
    coordinator: int | None = None
    teacher: int | None = None
    host: int | None = None
    mentor: int | None = None
    researcher: int | None = None
    #: The account of a pupil; the generator makes their pupil record.
    student: int | None = None


class Writer:
    """Buffers rows per table and inserts them in bulk, parents before children."""

    def __init__(self, batch_rows: int = BATCH_ROWS):
        self.batch_rows = batch_rows
        self.buffers: dict[sa.Table, list[dict]] = defaultdict(list)
        self.buffered = 0
        self.next_ids: dict[sa.Table, int] = {}
        self.counts: dict[str, int] = defaultdict(int)
        self.order = {table: index for index, table in enumerate(db.metadata.sorted_tables)}

    def new_id(self, model) -> int:
        table = model.__table__
        if table not in self.next_ids:
            highest = db.session.scalar(sa.select(sa.func.max(table.c.id)))
            self.next_ids[table] = (highest or 0) + 1
        value = self.next_ids[table]
        self.next_ids[table] = value + 1
        return value

    def add(self, model, **values) -> int | None:
        """Buffer one row; give it a fresh id when the table has one; return that id."""
        table = model if isinstance(model, sa.Table) else model.__table__
        if "id" in table.c and "id" not in values:
            values["id"] = self.new_id(model)
        self.buffers[table].append(values)
        self.buffered += 1
        if self.buffered >= self.batch_rows:
            self.flush()
        return values.get("id")

    def flush(self) -> None:
        for table in sorted(self.buffers, key=self.order.__getitem__):
            rows = self.buffers[table]
            by_keys: dict[frozenset, list[dict]] = defaultdict(list)
            for row in rows:
                by_keys[frozenset(row)].append(row)
            for group in by_keys.values():
                db.session.execute(table.insert(), group)
            self.counts[table.name] += len(rows)
        self.buffers.clear()
        self.buffered = 0

    def finish(self, *, commit: bool = True) -> None:
        """Flush, move PostgreSQL's id sequences past the ids handed out, commit and analyze."""
        self.flush()
        if db.session.get_bind().dialect.name == "postgresql":
            for table in self.next_ids:
                db.session.execute(
                    sa.text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'),"  # noqa: S608
                        f" (SELECT MAX(id) FROM {table.name}))"
                    )
                )
        if commit:
            db.session.commit()
            # Tables filled in bulk have no planner statistics until autovacuum gets to them
            # (SQLite never gathers them itself): without them the first queries plan badly.
            db.session.execute(sa.text("ANALYZE"))
            db.session.commit()


@dataclass
class Context:
    """The state one generation run passes from phase to phase."""

    sizes: Sizes
    rng: random.Random
    now: datetime
    password_hash: str
    anchors: Anchors
    writer: Writer
    #: Filled by the phases: ids of what they made, for the phases after them.
    ids: dict[str, list] = field(default_factory=lambda: defaultdict(list))
    facts: dict = field(default_factory=dict)

    @property
    def today(self) -> date:
        return local_date(self.now)

    @property
    def current_year(self) -> int:
        return school_year_of(self.today)

    @property
    def retention_cutoff(self) -> date:
        """Pupils who left school on or before this day have been anonymised."""
        return self.today - timedelta(days=3 * 365 + 1)

    @property
    def years(self) -> list[int]:
        return list(range(self.current_year - self.sizes.years + 1, self.current_year + 1))

    def add(self, model, **values) -> int | None:
        return self.writer.add(model, **values)

    def name(self) -> str:
        return f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(LAST_NAMES)}"

    def day_in(self, year: int, *, before: date | None = None, after: date | None = None) -> date:
        """A school day (Monday to Friday) in the school year, optionally bounded."""
        first = max(date(year, 8, 20), after or date.min)
        last = min(date(year + 1, 6, 15), before or date.max)
        if last < first:
            last = first
        day = first + timedelta(days=self.rng.randint(0, (last - first).days))
        if (day.month, day.day) >= (12, 20) or (day.month, day.day) <= (1, 3):
            day = date(year, 12, 18)  # nothing happens over Christmas
        while day.weekday() >= 5:
            day -= timedelta(days=1)
        return min(max(day, first), last)

    def at(self, day: date, hour: int, minute: int = 0) -> datetime:
        """An aware UTC time from an Oslo wall-clock time."""
        return at_local(day, time(hour, minute))

    def moment_before(self, moment: datetime, *, days: int) -> datetime:
        return moment - timedelta(days=self.rng.randint(1, days), hours=self.rng.randint(0, 8))
