"""School of Health Innovation courses: sessions, applications, seats, the waitlist and
offers, attendance and certificates."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from talent.clock import default_zone_name
from talent.courses.models import (
    AdmissionMode,
    Attendance,
    AttendanceMethod,
    Certificate,
    Course,
    CourseEnrollment,
    CourseFormat,
    CourseSession,
    EnrollmentState,
    course_partners,
)
from talent.courses.services.certificates import CODE_ALPHABET, CODE_LENGTH
from talent.generate.base import Context

S = EnrollmentState
TITLES = (
    "Innovation in health",
    "Intellectual property for researchers",
    "From idea to product",
    "Business development in life science",
    "Regulatory affairs for medical devices",
    "Clinical trials: design and business",
    "Pitching your research",
    "Health economics for innovators",
    "Digital health and data",
    "Funding a start-up",
)
SEAT_STATES = (S.OFFERED, S.CONFIRMED, S.COMPLETED)


def _code(ctx: Context, length: int) -> str:
    return "".join(ctx.rng.choices(CODE_ALPHABET, k=length))


def _states(ctx: Context, capacity: int, *, over: bool, selection: bool) -> list[S]:
    """The states of one course's enrollments, in the order the seats and tickets went."""
    rng = ctx.rng
    seated = capacity - rng.randint(0, 3) if over else capacity - 1
    if over:
        states = [S.COMPLETED if rng.random() < 0.85 else S.CONFIRMED for _ in range(seated)]
        states += [S.WITHDRAWN] * rng.randint(1, 3) + [S.LAPSED] * rng.randint(0, 1)
    elif selection:
        states = [S.CONFIRMED] * (seated // 3) + [S.APPLIED] * rng.randint(8, 16)
        states += [S.REJECTED] * rng.randint(0, 2) + [S.DRAFT] * rng.randint(0, 2)
    else:
        states = [S.CONFIRMED] * seated + [S.OFFERED] + [S.WAITLISTED] * rng.randint(2, 6)
        states += [S.WITHDRAWN, S.DECLINED]
    return states


def _course(ctx: Context, year: int, index: int, anchor_state: S | None) -> None:
    rng = ctx.rng
    sizes = ctx.sizes
    starts = ctx.day_in(year)
    if anchor_state is not None:
        starts = ctx.today + timedelta(days=21 + 14 * index % 40)
    capacity = rng.choice((16, 20, 24, 30))
    sessions = [ctx.at(starts + timedelta(weeks=week), 13) for week in range(rng.randint(3, 6))]
    ends = sessions[-1].date()
    over = ends < ctx.today
    selection = anchor_state is S.APPLIED or (
        anchor_state is None and not over and rng.random() < 0.3
    )
    opens = ctx.at(starts - timedelta(days=70), 9)
    states = _states(ctx, capacity, over=over, selection=selection)
    pool = ctx.ids["researchers"] + ctx.ids["mentors"][: sizes.mentors // 3]
    people = rng.sample(pool, min(len(states), len(pool)))
    states = states[: len(people)]
    anchor = ctx.anchors.researcher
    if anchor_state is not None and anchor_state in states:
        spot = states.index(anchor_state)
        if anchor in people:
            here = people.index(anchor)
            people[here], people[spot] = people[spot], anchor
        else:
            people[spot] = anchor

    title = f"{TITLES[index % len(TITLES)]} {year}"
    if index >= len(TITLES):
        title += f" ({index // len(TITLES) + 1})"
    course = ctx.add(
        Course,
        title=title,
        summary="A short course for young researchers and clinicians.",
        description="Lectures, cases and a project in small groups, with guest speakers "
        "from the cluster's member companies.",
        language=rng.choice(("en", "nb")),
        format=rng.choice(tuple(CourseFormat)),
        ects=Decimal("2.5") if rng.random() < 0.5 else None,
        hours=len(sessions) * 3,
        location="Oslo Cancer Cluster Innovation Park",
        timezone=default_zone_name(),
        starts_on=starts,
        ends_on=ends,
        enrollment_opens_at=opens,
        enrollment_closes_at=ctx.at(starts - timedelta(days=7), 23),
        capacity=capacity,
        seats_taken=sum(state in SEAT_STATES for state in states),
        last_queue_number=sum(state in (S.OFFERED, S.WAITLISTED) for state in states),
        admission_mode=AdmissionMode.SELECTION if selection else AdmissionMode.FIRST_COME,
        institution_quota=None,
        eligible_roles=[],
        eligible_kinds=[],
        completion_percent=80,
        offer_hours=48,
        is_published=True,
        copied_from_id=None,
        created_at=opens - timedelta(days=10),
        updated_at=opens - timedelta(days=10),
    )
    ctx.facts["course_titles"][course] = title
    for partner in rng.sample(ctx.ids["partners"], min(2, len(ctx.ids["partners"]))):
        ctx.add(course_partners, course_id=course, organization_id=partner)
    session_ids = [
        ctx.add(
            CourseSession,
            course_id=course,
            title=f"Session {number}",
            starts_at=moment,
            ends_at=moment + timedelta(hours=3),
            location="",
            attendance_code=_code(ctx, 6),
        )
        for number, moment in enumerate(sessions, start=1)
    ]
    held = [(sid, moment) for sid, moment in zip(session_ids, sessions, strict=True)]
    held = [(sid, moment) for sid, moment in held if moment < ctx.now]

    queue = 0
    coordinator = ctx.ids["coordinators"][0]
    for person, state in zip(people, states, strict=True):
        applied = opens + timedelta(days=rng.randint(0, 50), hours=rng.randint(0, 10))
        applied = min(applied, ctx.now - timedelta(hours=1))
        ticket = None
        if state in (S.OFFERED, S.WAITLISTED):
            queue += 1
            ticket = queue
        ended = state in (S.WITHDRAWN, S.DECLINED, S.LAPSED, S.REJECTED)
        enrollment = ctx.add(
            CourseEnrollment,
            course_id=course,
            user_id=person,
            organization_id=ctx.facts["user_org"].get(person),
            state=state,
            motivation="I want to take my research to patients." if selection else "",
            score=rng.randint(3, 10) if selection and state is not S.DRAFT else None,
            scored_by_id=coordinator if selection and state is not S.DRAFT else None,
            queue_number=ticket,
            created_at=applied,
            submitted_at=None if state is S.DRAFT else applied,
            waitlisted_at=applied if ticket else None,
            offered_at=ctx.now - timedelta(hours=6) if state is S.OFFERED else None,
            offer_expires_at=ctx.now + timedelta(hours=42) if state is S.OFFERED else None,
            confirmed_at=applied if state in (S.CONFIRMED, S.COMPLETED) else None,
            completed_at=sessions[-1] + timedelta(hours=4) if state is S.COMPLETED else None,
            ended_at=min(applied + timedelta(days=5), ctx.now) if ended else None,
        )
        ctx.facts["course_rows"].append((enrollment, person, state, course, applied))
        if state not in (S.CONFIRMED, S.COMPLETED):
            continue
        skip = 0 if state is S.COMPLETED else max(1, len(held) // 2)
        for session, moment in held[: len(held) - skip]:
            ctx.add(
                Attendance,
                session_id=session,
                enrollment_id=enrollment,
                method=rng.choice(tuple(AttendanceMethod)),
                recorded_at=moment + timedelta(minutes=20),
                recorded_by_id=coordinator,
            )
        if state is S.COMPLETED:
            ctx.add(
                Certificate,
                enrollment_id=enrollment,
                code=_code(ctx, CODE_LENGTH),
                issued_at=sessions[-1] + timedelta(days=1),
                revoked_at=None,
            )


def generate_courses(ctx: Context):
    """Each year's courses; the demo researcher is enrolled, waitlisted, offered a seat and has
    applied to a course whose applications wait for the coordinator."""
    ctx.facts["course_rows"] = []
    ctx.facts["course_titles"] = {}
    per_year = max(1, round(ctx.sizes.courses / len(ctx.years)))
    wanted = [S.CONFIRMED, S.WAITLISTED, S.OFFERED, S.APPLIED] if ctx.anchors.researcher else []
    index = 0
    for year in ctx.years:
        for _ in range(per_year):
            anchor_state = wanted.pop(0) if wanted and year == ctx.current_year else None
            _course(ctx, year, index, anchor_state)
            index += 1
        yield 1


def courses_steps(ctx: Context) -> int:
    return len(ctx.years)
