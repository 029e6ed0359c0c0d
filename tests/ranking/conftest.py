"""Small hand-written corpora for the ranking tests (no app, no database)."""

import pytest

from matcher.ranking.documents import ProblemQuery, Publication, ResearcherProfile


@pytest.fixture
def profiles() -> list[ResearcherProfile]:
    """Five researchers with clearly different specialities."""
    return [
        ResearcherProfile("burglary-expert", "Ana Silva",
                          "I study residential burglary and near-repeat patterns.",
                          ["burglary", "near repeat"], ["burglary"],
                          [Publication("Traffic stops and race", "Analysis of vehicle stops.", 2019),
                           Publication("Near-repeat burglary in Philadelphia",
                                       "Burglary risk spreads to nearby homes.", 2021)]),
        ResearcherProfile("gun-expert", "Ben Okafor",
                          "Gun violence, shootings and group violence intervention.",
                          ["gun violence", "focused deterrence"], ["gun-violence", "focused-deterrence"], []),
        ResearcherProfile("crisis-expert", "Carla Nguyen",
                          "Co-responder programs pairing clinicians with officers.",
                          ["mental health"], ["mental-health-crisis"], []),
        ResearcherProfile("trust-expert", "José Martínez",
                          "Procedural justice and legitimacy surveys in Bogotá.",
                          ["procedural justice"], ["community-trust"], []),
        ResearcherProfile("traffic-expert", "Dana Wu", "Traffic safety, crashes and speed cameras.",
                          ["traffic"], ["traffic-safety"], []),
    ]


@pytest.fixture
def burglary_query() -> ProblemQuery:
    """A practitioner's burglary problem, in practitioner words."""
    return ProblemQuery("q-burglary", "Break-ins rising",
                        "We have had many break-ins in one neighbourhood.", [])
