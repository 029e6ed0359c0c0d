"""Rules that never hide the best person: terms and distance shape the score, and exclude only when the
agency said so (issue 10)."""

from dataclasses import replace

import pytest

from matcher.ranking.blend import blend
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
