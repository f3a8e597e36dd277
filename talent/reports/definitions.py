"""What every number of the impact report counts and leaves out: the one place the services
build their queries from and the page explains them from."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from talent.courses.models import EnrollmentState as CourseState
from talent.mentoring.models import PairingState
from talent.programmes.models import EnrollmentState as ProgrammeState
from talent.visits.models import VisitState

#: The school collaboration began in 2009; no report reaches further back.
FIRST_YEAR = 2009


class Unit(enum.StrEnum):
    COUNT = "count"
    HOURS = "hours"
    PERCENT = "percent"
    SCORE = "score"


#: A lab visit that took place.
HELD_VISIT = VisitState.COMPLETED
#: A visit the class did not come to.
NO_SHOW_VISIT = VisitState.NO_SHOW
#: Visits that were due to take place: the base of the no-show rate.
DUE_VISITS = frozenset({VisitState.COMPLETED, VisitState.NO_SHOW})
#: Programme enrollments that hold a place: a pupil taking part.
PARTICIPATING = frozenset({ProgrammeState.ACTIVE, ProgrammeState.COMPLETED})
#: Pairings the mentor accepted (they ran, for however long).
ACCEPTED_PAIRINGS = frozenset(
    {PairingState.ACTIVE, PairingState.PAUSED, PairingState.COMPLETED, PairingState.ENDED_EARLY}
)
#: Course enrollments that were sent in (an unsent draft is no application).
APPLIED_COURSE = frozenset(CourseState) - {CourseState.DRAFT}
#: Course enrollments of people who took a seat and kept it.
ENROLLED_COURSE = frozenset({CourseState.CONFIRMED, CourseState.COMPLETED})


@dataclass(frozen=True)
class Measure:
    label: object
    definition: object
    unit: Unit = Unit.COUNT
    #: A part of the measure above it ("of them …"), shown indented.
    is_part: bool = False


ERASED_NOTE = _l(
    "Erased pupils are counted: erasure removes the name and personal details, "
    "not the fact that the pupil took part."
)

MEASURES: dict[str, Measure] = {
    # Pupils reached -----------------------------------------------------------------------
    "pupils_reached": Measure(
        _l("Pupils reached"),
        _l(
            "Different pupils who in the school year were on a held lab visit (and not marked "
            "absent), took part in an activity, had an active or completed place in a talent "
            "programme, or were the mentee of an accepted mentoring pairing that started. Each "
            "pupil counts once however often they took part. Pupils who were only booked on "
            "cancelled, declined or no-show visits, or whose programme enrollment was withdrawn, "
            "are not counted."
        ),
    ),
    "pupils_visits": Measure(
        _l("of them on lab visits"),
        _l("Pupils listed on a held lab visit and not marked absent."),
        is_part=True,
    ),
    "pupils_activities": Measure(
        _l("of them in activities"),
        _l("Pupils listed as participants of an activity that started in the school year."),
        is_part=True,
    ),
    "pupils_programmes": Measure(
        _l("of them in talent programmes"),
        _l(
            "Pupils with an active or completed enrollment in a programme of the school year; "
            "applied and withdrawn enrollments are not counted."
        ),
        is_part=True,
    ),
    "pupils_mentoring": Measure(
        _l("of them mentored"),
        _l("Pupil mentees of accepted pairings that started in the school year."),
        is_part=True,
    ),
    # Lab visits ---------------------------------------------------------------------------
    "visits_held": Measure(
        _l("Lab visits held"),
        _l("Visits marked completed by the host whose slot started in the school year."),
    ),
    "visits_cancelled": Measure(
        _l("Lab visits cancelled"),
        _l(
            "Booked visits cancelled by the school, the host or a coordinator (also when the "
            "whole slot was cancelled). Requests the host declined are not counted here."
        ),
    ),
    "visits_no_show": Measure(
        _l("No-show visits"),
        _l("Confirmed visits the class did not come to."),
    ),
    "no_show_rate": Measure(
        _l("No-show rate"),
        _l(
            "No-show visits as a share of visits that were due to take place (held plus "
            "no-show). Cancelled and declined visits are left out."
        ),
        Unit.PERCENT,
    ),
    "visit_pupils": Measure(
        _l("Pupil visits"),
        _l(
            "Pupils on the participant lists of held visits, not marked absent; a pupil on "
            "two visits counts twice. With a school chosen, that school's pupils."
        ),
    ),
    "hosts_involved": Measure(
        _l("Host organisations involved"),
        _l("Different organisations whose lab sites received at least one held visit."),
    ),
    # Activities ---------------------------------------------------------------------------
    "activities": Measure(
        _l("Activities"),
        _l("Guest lectures, work placements and projects that started in the school year."),
    ),
    "activity_pupil_hours": Measure(
        _l("Activity hours (pupil-hours)"),
        _l(
            "For each activity, its hours per participant times its number of pupils, added "
            "up. An activity without pupils adds no hours."
        ),
        Unit.HOURS,
    ),
    "activity_partners": Measure(
        _l("Partner organisations"),
        _l("Different partner organisations of those activities."),
    ),
    # Talent programmes and the outcome ---------------------------------------------------------
    "programme_applied": Measure(
        _l("Programme applications"),
        _l("Every enrollment in a programme of the school year, whatever became of it."),
    ),
    "programme_participants": Measure(
        _l("Programme participants"),
        _l("Enrollments that are active or completed; withdrawn ones are not counted."),
    ),
    "programme_completed": Measure(
        _l("Programme completions"),
        _l("Enrollments marked completed."),
    ),
    "programme_withdrawn": Measure(
        _l("Programme withdrawals"),
        _l("Enrollments withdrawn, by the pupil or the school (not counted above)."),
    ),
    "outcome_base": Measure(
        _l("Completers with both intended fields recorded"),
        _l(
            "Different pupils who completed a programme of the school year and whose intended "
            "field of study was recorded both at the start and at completion. Withdrawn and "
            "unfinished enrollments are left out."
        ),
    ),
    "outcome_moved": Measure(
        _l("Moved to medicine or natural sciences"),
        _l(
            "Of those pupils, the ones whose intended field at the start was something else "
            "(or undecided) and at completion was medicine or natural sciences."
        ),
    ),
    "outcome_share": Measure(
        _l("Outcome: share who moved to medicine or natural sciences"),
        _l("Pupils who moved, as a share of completers with both fields recorded."),
        Unit.PERCENT,
    ),
    # Courses ----------------------------------------------------------------------------------
    "course_applications": Measure(
        _l("Course applications"),
        _l(
            "Applications and enrollments sent in for courses that started in the school year, "
            "whatever became of them; unsent drafts are not counted."
        ),
    ),
    "course_enrollments": Measure(
        _l("Course enrollments"),
        _l(
            "Enrollments that are confirmed or completed. Withdrawn, declined, lapsed, rejected "
            "and waiting ones are not counted."
        ),
    ),
    "course_completions": Measure(
        _l("Course completions"),
        _l("Enrollments completed (the participant attended enough sessions)."),
    ),
    "course_withdrawn": Measure(
        _l("Course withdrawals"),
        _l("Enrollments withdrawn by the participant (not counted as enrollments)."),
    ),
    # Mentoring ----------------------------------------------------------------------------------
    "pairings": Measure(
        _l("Mentoring pairings"),
        _l(
            "Pairings the mentor accepted that started in the school year (active, paused, "
            "completed or ended early). Proposals, declined and lapsed ones are not counted."
        ),
    ),
    "pupil_pairings": Measure(
        _l("of them with pupils"), _l("Those pairings whose mentee is a pupil."), is_part=True
    ),
    "confirmed_hours": Measure(
        _l("Confirmed mentoring hours"),
        _l(
            "Length of logged sessions held in the school year that the mentee confirmed and "
            "did not dispute."
        ),
        Unit.HOURS,
    ),
    "unconfirmed_hours": Measure(
        _l("Logged hours not yet confirmed"),
        _l(
            "Sessions held in the school year that the mentee has not confirmed or has "
            "disputed; shown for reference, not counted as mentoring hours."
        ),
        Unit.HOURS,
    ),
    # Feedback -----------------------------------------------------------------------------------
    "rating_visit_pupils": Measure(
        _l("Lab visits, rated by pupils"),
        _l("Average rating (1–5) pupils gave held visits of the school year."),
        Unit.SCORE,
    ),
    "rating_visit_teachers": Measure(
        _l("Lab visits, rated by teachers"),
        _l("Average rating (1–5) teachers gave held visits of the school year."),
        Unit.SCORE,
    ),
    "rating_mentees": Measure(
        _l("Mentoring, rated by mentees"),
        _l("Average mid-point and end rating (1–5) mentees gave in the school year."),
        Unit.SCORE,
    ),
    "rating_mentors": Measure(
        _l("Mentoring, rated by mentors"),
        _l("Average mid-point and end rating (1–5) mentors gave in the school year."),
        Unit.SCORE,
    ),
}


@dataclass(frozen=True)
class SectionInfo:
    title: object
    definition: object


SECTIONS: dict[str, SectionInfo] = {
    "reach": SectionInfo(_l("Pupils reached"), ERASED_NOTE),
    "visits": SectionInfo(
        _l("Lab visits"),
        _l("A visit belongs to the school year its slot starts in (Norwegian time)."),
    ),
    "hosts": SectionInfo(
        _l("Held lab visits by host organisation"),
        _l("Held visits at each organisation's lab sites; organisations without any are left out."),
    ),
    "activities": SectionInfo(
        _l("Guest lectures, placements and projects"),
        _l("An activity belongs to the school year of its first day."),
    ),
    "programmes": SectionInfo(
        _l("Talent programmes and the outcome measure"),
        _l(
            "Programmes belong to the school year they were set up for. The outcome measure "
            "is the cluster's goal: more pupils choosing medicine and natural sciences."
        ),
    ),
    "alumni": SectionInfo(
        _l("What alumni went on to study"),
        _l(
            "Follow-ups reported in the school year, one per former pupil (the latest "
            "reported). Erased pupils are counted by field; their institution and study are "
            "gone."
        ),
    ),
    "courses": SectionInfo(
        _l("School of Health Innovation courses"),
        _l(
            "A course belongs to the school year of its first day. Courses are for researchers "
            "and clinicians: the school and programme filters do not apply to them, and the "
            "host filter picks courses the organisation is a partner of."
        ),
    ),
    "mentoring": SectionInfo(
        _l("Mentoring"),
        _l(
            "The host filter picks mentors of that organisation; the school and programme "
            "filters pick pupil mentees."
        ),
    ),
    "feedback": SectionInfo(
        _l("Feedback scores"),
        _l("Averages of 1–5 ratings, each followed by the number of ratings it is made of."),
    ),
}
