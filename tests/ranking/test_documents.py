from matcher.ranking.documents import (
    DocumentWeights,
    ProblemQuery,
    Publication,
    ResearcherProfile,
    problem_document,
    publication_text,
    researcher_document,
)
from matcher.ranking.expansions import expand_phrases, topic_terms


def test_researcher_document_holds_every_part_and_topic_labels():
    profile = ResearcherProfile("r", "N", "my statement", ["kw-one"], ["gun-violence"],
                                [Publication("Paper title", "Paper abstract")])
    document = researcher_document(profile)
    for part in ("my statement", "kw-one", "Gun violence", "shootings", "Paper title", "Paper abstract"):
        assert part in document


def test_weights_repeat_and_drop_parts():
    profile = ResearcherProfile("r", "N", "statement", ["alpha"], [], [Publication("Title", "abstract")])
    heavy = researcher_document(profile, DocumentWeights(keywords=3, publication_abstracts=0))
    assert heavy.count("alpha") == 3
    assert "abstract" not in heavy


def test_problem_document_repeats_title_and_expands_practitioner_words():
    problem = ProblemQuery("p", "Car break-ins", "Frequent flyers call us about people in crisis.",
                           ["robbery"])
    document = problem_document(problem, DocumentWeights(problem_title=2))
    assert document.count("Car break-ins") == 2
    for bridged in ("burglary", "vehicle crime", "repeat victimization", "mental health crisis", "Robbery"):
        assert bridged in document


def test_expand_phrases_bridges_and_ignores_unrelated_text():
    assert "focused deterrence" in expand_phrases("We held two GVI call-ins")
    assert "opioids" in expand_phrases("Overdoses doubled")
    assert expand_phrases("budget meeting on Tuesday") == ""


def test_unknown_topic_slug_has_no_terms_and_empty_profile_gives_empty_document():
    assert topic_terms("no-such-topic") == ""
    assert researcher_document(ResearcherProfile("r", "N")) == ""
    assert publication_text(Publication("T", "")) == "T."


def test_expand_phrases_matches_singular_and_any_case():
    assert "gun violence" in expand_phrases("A SHOOTING last night")
    assert "repeat victimization" in expand_phrases("one frequent flyer")
    assert "burglary" in expand_phrases("a break-in")
