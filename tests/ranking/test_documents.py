import pytest

from matcher.ranking.documents import (
    DocumentWeights,
    ProblemQuery,
    Publication,
    ResearcherProfile,
    problem_document,
    publication_text,
    researcher_document,
)
from matcher.ranking.expansions import Bridges
from matcher.ranking.text_index import TextIndex


@pytest.fixture
def expand():
    return Bridges(TextIndex().new_analyzer()).expand


def test_researcher_document_holds_every_part_but_not_topics():
    profile = ResearcherProfile("r", "N", "my statement", ["kw-one"], ["gun-violence"],
                                [Publication("Paper title", "Paper abstract")])
    document = researcher_document(profile)
    for part in ("my statement", "kw-one", "Paper title", "Paper abstract"):
        assert part in document
    assert "Gun violence" not in document  # topics are scored by the blend's topic part, not twice


def test_weights_repeat_and_drop_parts():
    profile = ResearcherProfile("r", "N", "statement", ["alpha"], [], [Publication("Title", "abstract")])
    heavy = researcher_document(profile, DocumentWeights(keywords=3, publication_abstracts=0))
    assert heavy.count("alpha") == 3
    assert "abstract" not in heavy


def test_problem_document_repeats_title_and_adds_bridged_words_without_topics():
    problem = ProblemQuery("p", "Car break-ins", "Frequent flyers call us.", ["robbery"])
    document = problem_document(problem, DocumentWeights(problem_title=2), bridged="burglary")
    assert document.count("Car break-ins") == 2
    assert "burglary" in document and "Robbery" not in document


def test_bridges_fire_on_practitioner_phrases_in_any_form(expand):
    assert "focused deterrence" in expand("We held two GVI call-ins")
    assert "opioids" in expand("Overdoses doubled")
    assert "gun violence" in expand("A SHOOTING last night")
    assert "repeat victimization" in expand("one frequent flyer")
    assert "burglary" in expand("a break-in") and "burglary" in expand("Break-Ins")
    assert expand("budget meeting on Tuesday") == ""


@pytest.mark.parametrize("text", [
    "calling the front desk", "troubleshooting the printer", "we share data sets",
    "a yoga mat", "shots of espresso", "a screwdriver", "the frequent fliers programme at the airport",
])
def test_bridges_do_not_fire_on_unrelated_words(expand, text):
    assert expand(text) == ""


def test_empty_profile_gives_empty_document():
    assert researcher_document(ResearcherProfile("r", "N")) == ""
    assert publication_text(Publication("T", "")) == "T."
