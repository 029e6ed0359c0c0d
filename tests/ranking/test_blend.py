from dataclasses import replace

import pytest

from matcher.ranking.blend import BlendWeights, blend, score_parts, weighted_score
from matcher.ranking.exclusions import Exclusion, exclusion_reason, exclusions, from_code
from matcher.ranking.structured import (
    REMOTE_FLOOR,
    MatchCandidate,
    ProblemFacts,
    distance_fit,
    haversine_miles,
    normalise_name,
    terms_fit,
)

BOSTON = (42.3601, -71.0589)
CAMBRIDGE = (42.3736, -71.1097)
LOS_ANGELES = (34.0522, -118.2437)

PROBLEM = ProblemFacts(topics=["burglary", "hot-spots"], help_wanted=["evaluation", "advice"],
                       lat=BOSTON[0], lon=BOSTON[1], state="MA", max_distance_miles=100, funding="none",
                       agency_name="Springfield Police Department",
                       avoid=["dr. eve adams", "rival university"])
NEAR = MatchCandidate("near", name="Ana Silva", institution="Harvard University", topics=["burglary"],
                      help_offered=["evaluation"], terms=["free"], lat=CAMBRIDGE[0], lon=CAMBRIDGE[1],
                      state="MA", free_capacity=3)


def test_haversine_known_distances():
    assert haversine_miles(*BOSTON, *BOSTON) == 0
    assert haversine_miles(40.7128, -74.0060, *LOS_ANGELES) == pytest.approx(2445, abs=10)


@pytest.mark.parametrize("change, reason", [
    ({"hidden": True}, "hidden"),
    ({"confirmed": False}, "unconfirmed"),
    ({"stale": True}, "stale"),
    ({"conflicts": ["springfield  police department"]}, "declared-conflict"),
    ({"name": "Dr. Eve Adams"}, "avoided-by-agency"),
    ({"institution": "Rival University"}, "avoided-by-agency"),
    ({"free_capacity": 0}, "no-capacity"),
])  # "too-far" only when the agency needs someone in person: tests/ranking/test_rules.py
def test_each_exclusion_reason(change, reason):
    candidate = replace(NEAR, **change)
    assert exclusion_reason(candidate, PROBLEM) == reason
    suggestions, excluded = blend(PROBLEM, [candidate, replace(NEAR, researcher_id="ok")], {})
    assert excluded == [(candidate.researcher_id, reason)]
    assert [s.researcher_id for s in suggestions] == ["ok"]


def test_every_reason_that_applies_is_named_first_one_first():
    stale_with_a_conflict = replace(NEAR, stale=True, conflicts=["Springfield Police Department"], free_capacity=0)
    assert exclusions(stale_with_a_conflict, PROBLEM) == [
        Exclusion.STALE, Exclusion.DECLARED_CONFLICT, Exclusion.NO_CAPACITY]
    assert exclusion_reason(stale_with_a_conflict, PROBLEM) is Exclusion.STALE
    assert exclusions(NEAR, PROBLEM) == []


def test_each_code_has_words_and_a_heading_and_unknown_codes_are_none():
    assert from_code("too-far").label == "Beyond the distance the agency needs for in-person work"
    assert from_code("too-far").group == "Distance"
    assert from_code("no-capacity").group == "Capacity" and from_code("stale").group == "Hidden"
    assert from_code("retired-reason") is None


def test_far_but_remote_is_kept_with_the_remote_floor():
    far = replace(NEAR, lat=LOS_ANGELES[0], lon=LOS_ANGELES[1], state="CA", remote=True)
    assert exclusion_reason(far, PROBLEM) is None
    assert distance_fit(far, PROBLEM) == REMOTE_FLOOR
    assert distance_fit(replace(far, remote=False), replace(PROBLEM, max_distance_miles=None)) == 0.0


def test_unrelated_names_do_not_conflict():
    assert exclusion_reason(replace(NEAR, conflicts=["Boston Police"]), PROBLEM) is None
    assert normalise_name("  José  O'Brien ") == "jose o brien"


def test_distance_decays_and_same_state_adds_a_bonus():
    assert distance_fit(NEAR, PROBLEM) == 1.0
    midway = replace(NEAR, lat=BOSTON[0] + 0.9, state="NH")  # ~62 miles north
    fit = distance_fit(midway, PROBLEM)
    assert 0.0 < fit < 1.0
    assert distance_fit(replace(midway, state="MA"), PROBLEM) == pytest.approx(min(1.0, fit + 0.25))
    unknown = replace(NEAR, lat=None, lon=None)
    assert distance_fit(unknown, PROBLEM) == 0.25


@pytest.mark.parametrize("funding, fits, misfits", [
    ("none", ["free"], ["fee"]), ("fee", ["fee"], ["joint-grant"]), ("grant", ["joint-grant"], ["fee"]),
])
def test_terms_fit_funding(funding, fits, misfits):
    problem = replace(PROBLEM, funding=funding)
    assert terms_fit(replace(NEAR, terms=fits), problem) == 1.0
    assert terms_fit(replace(NEAR, terms=["negotiable"]), problem) == 1.0
    assert terms_fit(replace(NEAR, terms=misfits), problem) == 0.0


def test_every_part_is_returned_and_the_score_is_their_weighted_mean():
    parts = score_parts(NEAR, PROBLEM, 0.4, scale=0.8)
    assert parts == {"text": 0.5, "topics": 0.5, "help": 0.5, "distance": 1.0, "terms": 1.0, "capacity": 1.0,
                     "cosine": 0.4}
    weights = BlendWeights(text=1, topics=1, help=0, distance=0, terms=0, capacity=0)
    assert weighted_score(parts, weights) == pytest.approx(0.5)
    assert weighted_score(parts, BlendWeights(0, 0, 0, 0, 0, 0)) == 0.0


def test_text_part_is_relative_to_the_best_eligible_cosine():
    other = replace(NEAR, researcher_id="other")
    blocked = replace(NEAR, researcher_id="blocked", hidden=True)
    suggestions, _ = blend(PROBLEM, [NEAR, other, blocked], {"near": 0.2, "other": 0.1, "blocked": 0.9})
    by_id = {s.researcher_id: s for s in suggestions}
    assert by_id["near"].parts["text"] == 1.0 and by_id["other"].parts["text"] == pytest.approx(0.5)
    assert by_id["other"].parts["cosine"] == 0.1
    assert by_id["near"].score == pytest.approx(weighted_score(by_id["near"].parts, BlendWeights()))
    nothing, _ = blend(PROBLEM, [NEAR], {})
    assert nothing[0].parts["text"] == 0.0


def test_ranking_follows_weights_and_ties_break_by_id():
    a, b, c = (replace(NEAR, researcher_id=rid) for rid in ("b-id", "a-id", "c-id"))
    suggestions, _ = blend(PROBLEM, [a, b, c], {"c-id": 0.9})
    assert [s.researcher_id for s in suggestions] == ["c-id", "a-id", "b-id"]
    only_topics = BlendWeights(text=0, topics=1, help=0, distance=0, terms=0, capacity=0)
    suggestions, _ = blend(PROBLEM, [a, b, c], {"c-id": 0.9}, only_topics, k=2)
    assert [s.researcher_id for s in suggestions] == ["a-id", "b-id"]
