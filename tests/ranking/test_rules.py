"""Rules that never hide the best person: terms and distance shape the score, and exclude only when the
agency said so (issue 10)."""

from dataclasses import replace

import pytest

from matcher.ranking.blend import blend
from matcher.ranking.exclusions import exclusion_reason
from matcher.ranking.structured import MatchCandidate, ProblemFacts, terms_fit

BOSTON = (42.3601, -71.0589)
CAMBRIDGE = (42.3736, -71.1097)
PROVIDENCE = (41.8240, -71.4128)  # ~41 miles from Boston
NEW_YORK = (40.7128, -74.0060)  # ~190 miles from Boston

PROBLEM = ProblemFacts(topics=["burglary"], help_wanted=["evaluation"], lat=BOSTON[0], lon=BOSTON[1], state="MA",
                       funding="none", agency_name="Boston Police Department")
FREE = MatchCandidate("free", name="Ana Silva", topics=["burglary"], help_offered=["evaluation"], terms=["free"],
                      lat=CAMBRIDGE[0], lon=CAMBRIDGE[1], state="MA", free_capacity=2)


@pytest.mark.parametrize("funding", ["fee", "grant"])
def test_a_researcher_working_free_of_charge_fits_an_agency_that_can_pay_or_applies_for_a_grant(funding):
    problem = replace(PROBLEM, funding=funding)
    assert terms_fit(FREE, problem) == 1.0
    suggestions, exclusions = blend(problem, [FREE], {"free": 0.3})
    assert exclusions == [] and suggestions[0].parts["terms"] == 1.0


@pytest.mark.parametrize("funding, fits, misfits", [
    ("none", ["free", "negotiable"], ["fee", "joint-grant"]),
    ("fee", ["fee", "free", "negotiable"], ["joint-grant"]),
    ("grant", ["joint-grant", "free", "negotiable"], ["fee"]),
])
def test_paid_terms_fit_only_the_funding_they_need(funding, fits, misfits):
    problem = replace(PROBLEM, funding=funding)
    for terms in fits:
        assert terms_fit(replace(FREE, terms=[terms]), problem) == 1.0, terms
    for terms in misfits:
        assert terms_fit(replace(FREE, terms=[terms]), problem) == 0.0, terms


NEARBY_PREFERRED = replace(PROBLEM, max_distance_miles=100)
IN_PERSON = replace(NEARBY_PREFERRED, in_person_only=True)
FAR = replace(FREE, researcher_id="far", lat=NEW_YORK[0], lon=NEW_YORK[1], state="NY", remote=False)
MIDWAY = replace(FREE, researcher_id="midway", lat=PROVIDENCE[0], lon=PROVIDENCE[1], state="RI")


def test_beyond_the_preferred_distance_is_suggested_scoring_lower_on_distance():
    assert exclusion_reason(FAR, NEARBY_PREFERRED) is None
    suggestions, exclusions = blend(NEARBY_PREFERRED, [FAR, MIDWAY, FREE], {"far": 0.3, "midway": 0.3, "free": 0.3})
    assert exclusions == []
    distance = {s.researcher_id: s.parts["distance"] for s in suggestions}
    assert distance["free"] == 1.0 > distance["midway"] > distance["far"] == 0.0
    assert [s.researcher_id for s in suggestions] == ["free", "midway", "far"]


def test_the_preferred_distance_sets_where_the_distance_score_reaches_zero():
    wider = replace(NEARBY_PREFERRED, max_distance_miles=250)
    near_enough, = blend(wider, [FAR], {})[0]
    assert 0.0 < near_enough.parts["distance"] < 1.0
    no_preference, = blend(PROBLEM, [FAR], {})[0]  # the default horizon, 500 miles
    assert no_preference.parts["distance"] > near_enough.parts["distance"]


def test_too_far_only_when_the_agency_needs_someone_in_person():
    suggestions, exclusions = blend(IN_PERSON, [FAR, MIDWAY, FREE], {})
    assert exclusions == [("far", "too-far")]
    assert [s.researcher_id for s in suggestions] == ["free", "midway"]
    assert exclusion_reason(FAR, IN_PERSON) == "too-far"


@pytest.mark.parametrize("who", [
    replace(FAR, remote=True),  # works remotely
    replace(FAR, lat=None, lon=None),  # place unknown: not ruled out on a guess
])
def test_in_person_does_not_exclude_remote_workers_or_unknown_places(who):
    assert exclusion_reason(who, IN_PERSON) is None


def test_in_person_without_a_distance_excludes_nobody():
    assert exclusion_reason(FAR, replace(IN_PERSON, max_distance_miles=None)) is None
