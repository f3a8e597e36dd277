"""Report numbers against the hand-counted world of tests/reports/world.py.

Every expected number is counted by hand in the comment beside it; "cur" is 2025/26 and
"prev" 2024/25.
"""

from __future__ import annotations

import pytest

from talent.reports.period import ReportFilter, SchoolYear
from talent.reports.services import build_report
from tests.reports import world as world_module


def numbers(**filters) -> dict:
    report = build_report(ReportFilter(SchoolYear(world_module.YEAR), **filters))
    found = {}
    for section in report.sections:
        for row in section.rows:
            found[row.key] = (row.current, row.previous)
    return found


def test_pupils_reached_counts_each_pupil_once_and_skips_what_does_not_count(world):
    n = numbers()
    # cur: visits p1 p3 p6 q2 (p2 absent; z cancelled; q1 no-show; q2 declined visit aside),
    # activities p1 p4 q1, programmes p1 p2 p4 p5 p6 (z withdrawn, q1 only applied),
    # mentoring p1 (z declined, p2 proposed): 8 different pupils, erased p6 among them.
    # prev: visit p5, activity p5 p6, programme p5; the researcher mentee is no pupil.
    assert n["pupils_reached"] == (8, 2)
    assert n["pupils_visits"] == (4, 1)
    assert n["pupils_activities"] == (3, 2)
    assert n["pupils_programmes"] == (5, 1)
    assert n["pupils_mentoring"] == (1, 0)


def test_lab_visits_held_cancelled_no_show_and_the_boundary_of_the_year(world):
    n = numbers()
    # cur held: 1 Oct (company), 1 Mar (hospital), 00:30 1 Aug Oslo (company); prev held: the
    # 23:30 31 July visit. Declined visits are neither held nor cancelled.
    assert n["visits_held"] == (3, 1)
    assert n["visits_cancelled"] == (1, 1)
    assert n["visits_no_show"] == (1, 0)
    assert n["no_show_rate"] == (25.0, 0.0)  # 1 of 3 + 1; 0 of 1
    assert n["visit_pupils"] == (5, 1)  # p1 p3 | p1 p6 | q2 ; p5
    assert n["hosts_involved"] == (2, 1)
    host = f"host-{world.company.id}"
    assert n[host] == (2, 1)
    assert n[f"host-{world.hospital.id}"] == (1, 0)


def test_activities_and_pupil_hours(world):
    n = numbers()
    # cur: 2.5 h × 2 pupils + 3 h × 1 pupil (15 July 2026); 1 August 2026 is next year.
    assert n["activities"] == (2, 1)
    assert n["activity_pupil_hours"] == (8.0, 2.0)
    assert n["activity_partners"] == (2, 1)


def test_programme_enrollments_and_the_outcome_measure(world):
    n = numbers()
    assert n["programme_applied"] == (7, 1)
    assert n["programme_participants"] == (5, 1)  # not z (withdrawn) nor q1 (applied)
    assert n["programme_completed"] == (4, 1)
    assert n["programme_withdrawn"] == (1, 0)
    # Completed with both fields: p1 (other → medicine), p2 (medicine → medicine), erased p6
    # (undecided → natural sciences); p5 lacks an end field; withdrawn z is left out.
    assert n["outcome_base"] == (3, 1)
    assert n["outcome_moved"] == (2, 0)
    assert n["outcome_share"][0] == pytest.approx(200 / 3)
    assert n["outcome_share"][1] == 0


def test_alumni_count_each_pupils_latest_follow_up(world):
    n = numbers()
    assert n["field-medicine"] == (1, 0)  # p5's later report replaces natural sciences
    assert n["field-natural_sciences"] == (0, 0)
    assert n["field-technology"] == (1, 0)  # erased p6
    assert n["field-other"] == (0, 1)


def test_courses_count_sent_applications_and_kept_seats(world):
    n = numbers()
    assert n["course_applications"] == (5, 1)  # everything but the draft
    assert n["course_enrollments"] == (2, 1)  # confirmed and completed
    assert n["course_completions"] == (1, 1)
    assert n["course_withdrawn"] == (1, 0)


def test_mentoring_counts_accepted_pairings_and_confirmed_hours_only(world):
    n = numbers()
    assert n["pairings"] == (1, 1)  # declined and proposed ones are not counted
    assert n["pupil_pairings"] == (1, 0)
    assert n["confirmed_hours"] == (1.0, 1.5)  # the disputed 45 minutes are not confirmed
    assert n["unconfirmed_hours"] == (1.25, 0)


def test_feedback_averages_ratings_of_held_visits_and_of_mentoring(world):
    n = numbers()
    assert n["rating_visit_pupils"] == (4.5, 2.0)  # the cancelled visit's 1 is left out
    assert n["rating_visit_pupils_count"] == (2, 1)
    assert n["rating_visit_teachers"] == (3.0, None)
    assert n["rating_mentees"] == (4.0, 3.0)
    assert n["rating_mentors"] == (5.0, None)


def test_school_filter(world):
    n = numbers(school_id=world.hauge.id)
    assert n["pupils_reached"] == (2, 0)  # q2 on a visit, q1 in an activity
    assert n["visits_held"] == (1, 0)
    assert n["visits_no_show"] == (1, 0)
    assert n["no_show_rate"] == (50.0, None)
    assert n["programme_participants"] == (0, 0)
    assert n["pairings"] == (0, 0)
    assert "course_applications" not in n  # courses are not for pupils


def test_host_filter(world):
    n = numbers(host_id=world.hospital.id)
    assert n["visits_held"] == (1, 0)
    assert n["visits_cancelled"] == (0, 1)
    assert n["pupils_reached"] == (3, 0)  # p1 p6 on its visit, p1 p4 in its lecture
    assert n["activity_pupil_hours"] == (5.0, 0)
    assert n["pairings"] == (0, 0)  # the mentor works at the company
    assert n["course_applications"] == (0, 0)
    assert "programme_applied" not in n
    company = numbers(host_id=world.company.id)
    assert company["course_applications"] == (5, 0)
    assert company["pairings"] == (1, 1)


def test_programme_filter(world):
    n = numbers(programme_id=world.programme.id)
    # The programme's pupils: p1 p2 p4 p5 p6 (z withdrew, q1 only applied).
    assert n["visits_held"] == (2, 1)
    assert n["visits_cancelled"] == (0, 1)
    assert n["programme_applied"] == (7, 0)
    assert n["outcome_moved"] == (2, 0)
    assert n["field-medicine"] == (1, 0)
    assert n["field-other"] == (0, 0)
    assert n["pairings"] == (1, 0)


def test_an_empty_year_has_nothing_but_zeros(world):
    report = build_report(ReportFilter(SchoolYear(2012)))
    assert report.is_empty
    assert not build_report(ReportFilter(SchoolYear(world_module.YEAR))).is_empty
