"""Matching pins its ranking on small hand-made cases, and each suggestion explains its score."""

from __future__ import annotations

from datetime import date

import pytest
from flask_babel import force_locale

from talent.extensions import db
from talent.mentoring.models import PairingState
from talent.mentoring.services.matching import explain, next_suggestion, suggest_mentors
from talent.people.models import Role
from tests import factories
from tests.mentoring.conftest import TODAY


def names(suggestions):
    return [s.mentor.name for s in suggestions]


@pytest.fixture
def case(mk):
    """A pupil interested in immunology and AI, and six mentors built to rank in a known order."""
    x, y = factories.organization("Org X"), factories.organization("Org Y")
    programme = mk.programme()
    mentee = mk.pupil(interests=["immunology", "ai"], languages=["nb"])
    mentors = {
        "Anna": mk.mentor(name="Anna", expertise=["immunology", "ai"], organization=x),
        "Bjørn": mk.mentor(
            name="Bjørn",
            expertise=["immunology"],
            languages=["nb", "en"],
            capacity=3,
            organization=y,
        ),
        "Cecilie": mk.mentor(
            name="Cecilie", expertise=["ai", "immunology"], languages=["en"], capacity=1
        ),
        "Dag": mk.mentor(name="Dag", expertise=["immunology", "ai"], vetted=False),
        "Erik": mk.mentor(name="Erik", expertise=[], capacity=1),
        "Frida": mk.mentor(name="Frida", expertise=["immunology", "ai"], organization=y),
    }
    # Bjørn already mentors someone else in this programme.
    mk.pairing(mentors["Bjørn"], mk.pupil(), programme)
    db.session.flush()
    return programme, mentee, mentors


def test_ranking_of_the_hand_made_case(case):
    programme, mentee, mentors = case
    ranked = suggest_mentors(mentee, programme, today=TODAY)
    assert names(ranked) == ["Anna", "Frida", "Bjørn", "Cecilie", "Erik", "Dag"]
    assert [s.score for s in ranked] == [10, 9, 6, 3, 3, 10]
    assert [s.eligible for s in ranked] == [True, True, True, True, True, False]


def test_each_score_is_the_sum_of_its_explained_reasons(case):
    programme, mentee, _ = case
    with force_locale("en"):
        ranked = {s.mentor.name: s for s in suggest_mentors(mentee, programme, today=TODAY)}
        anna = [(r.points, str(r.text)) for r in ranked["Anna"].reasons]
        assert anna == [
            (6, "Shared interests: immunology, ai"),
            (2, "Speaks Norwegian"),
            (2, "2 of 2 places free"),
        ]
        bjorn = [(r.points, str(r.text)) for r in ranked["Bjørn"].reasons]
        assert bjorn == [
            (3, "Shared interests: immunology"),
            (2, "Speaks Norwegian"),
            (2, "2 of 3 places free"),
            (-1, "Already has 1 mentee(s)"),
        ]
        frida = [(r.points, str(r.text)) for r in ranked["Frida"].reasons]
        assert frida[-1] == (-1, "Colleagues at Org Y already have 1 pairing(s) here")
        cecilie = [(r.points, str(r.text)) for r in ranked["Cecilie"].reasons]
        assert (-4, "No language in common") in cecilie
        dag = ranked["Dag"]
        assert [str(b) for b in dag.blocked] == [
            "No police certificate is recorded.",
            "No safeguarding training is recorded.",
            "The code of conduct has not been accepted.",
        ]
    for suggestion in ranked.values():
        assert suggestion.score == sum(r.points for r in suggestion.reasons)


def test_an_adult_mentee_does_not_need_a_vetted_mentor(mk):
    programme = mk.programme()
    mentee = mk.researcher(interests=["ai"], languages=["nb"])
    mk.mentor(name="Unvetted", expertise=["ai"], vetted=False)
    ranked = suggest_mentors(mentee, programme, today=TODAY)
    assert ranked[0].eligible


def test_a_pupil_of_18_is_not_a_minor(mk):
    programme = mk.programme()
    mentee = mk.pupil(birth_date=date(2008, 3, 2))
    mk.mentor(name="Unvetted", vetted=False)
    assert suggest_mentors(mentee, programme, today=TODAY)[0].eligible
    younger = mk.pupil(birth_date=date(2008, 3, 3))
    assert not suggest_mentors(younger, programme, today=TODAY)[0].eligible


def test_expired_certificate_blocks_with_the_date(mk):
    programme = mk.programme()
    mentee = mk.pupil()
    mk.mentor(
        name="Expired",
        police_certificate_on=date(2020, 1, 1),
        vetted=False,
        police_certificate_expires_on=TODAY,
        safeguarding_training_on=date(2020, 1, 1),
        code_of_conduct_accepted_on=date(2020, 1, 1),
    )
    with force_locale("en"):
        blocked = [str(b) for b in suggest_mentors(mentee, programme, today=TODAY)[0].blocked]
    assert blocked == ["The police certificate expired on 2026-03-02."]


def test_full_or_not_accepting_mentors_are_blocked_and_listed_last(mk):
    programme = mk.programme()
    mentee = mk.pupil(interests=["ai"])
    full = mk.mentor(name="Full", expertise=["ai"], capacity=1)
    mk.pairing(full, mk.pupil(), programme)
    mk.mentor(name="Resting", expertise=["ai"], is_accepting=False)
    mk.mentor(name="Free")
    ranked = suggest_mentors(mentee, programme, today=TODAY)
    # Blocked mentors follow the eligible ones, by score: Resting 3+2+2, Full 3+2-1.
    assert names(ranked) == ["Free", "Resting", "Full"]
    assert ranked[0].eligible and not ranked[1].eligible and not ranked[2].eligible


def test_ties_go_to_the_less_loaded_mentor_then_by_name(mk):
    programme = mk.programme()
    mentee = mk.researcher(interests=[], languages=["nb"])
    busy = mk.mentor(name="Aase", capacity=4)  # +2 language, +2 free places, -2 mentees
    mk.pairing(busy, mk.researcher(), programme)
    mk.pairing(busy, mk.researcher(), mk.programme())
    mk.mentor(name="Ola", capacity=1)  # +2 language, +1 free place
    mk.mentor(name="Kari", capacity=1)  # same as Ola
    ranked = suggest_mentors(mentee, programme, today=TODAY)
    assert names(ranked) == ["Kari", "Ola", "Aase"]
    assert [s.score for s in ranked] == [3, 3, 2]


def test_a_mentor_who_declined_this_mentee_drops_and_the_next_is_suggested(mk):
    programme = mk.programme()
    mentee = mk.pupil(interests=["ai"])
    first = mk.mentor(name="First", expertise=["ai"])
    mk.mentor(name="Second")
    mk.pairing(first, mentee, programme, state=PairingState.DECLINED)
    ranked = suggest_mentors(mentee, programme, today=TODAY)
    assert names(ranked) == ["Second", "First"]
    assert ranked[1].score == 3 + 2 + 2 - 10
    assert next_suggestion(mentee, programme, today=TODAY).mentor.name == "Second"


def test_explain_needs_no_database(mk):
    mentee = mk.researcher(interests=["ip", "start-ups"], languages=["en", "nb"])
    profile = mk.mentor(name="Pure", expertise=["start-ups"], languages=["en"], capacity=5)
    suggestion = explain(mentee, profile, today=TODAY, programme_load_of_others_at_organisation=7)
    # +3 interest, +2 language, +2 capacity (capped), -3 organisation (capped)
    assert suggestion.score == 4
    assert suggestion.eligible


def test_a_person_cannot_mentor_themselves(mk):
    programme = mk.programme()
    person = factories.user(Role.MENTOR, Role.RESEARCHER)
    mentee = mk.researcher(user=person)
    mk.mentor(user=person)
    assert not suggest_mentors(mentee, programme, today=TODAY)[0].eligible
