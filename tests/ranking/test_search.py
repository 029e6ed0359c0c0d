"""The directory's pure search index: no app, no database."""

from __future__ import annotations

import pytest

from matcher.ranking.did_you_mean import Vocabulary
from matcher.ranking.search import DirectoryIndex, DirectoryQuery, Near
from matcher.ranking.search_documents import DirectoryEntry, name_tokens


def entry(entry_id: int, name: str, **fields) -> DirectoryEntry:
    return DirectoryEntry(id=entry_id, name=name, **fields)


@pytest.fixture
def index() -> DirectoryIndex:
    return DirectoryIndex().fit([
        entry(1, "Ada Burgess", state="MA", city="Cambridge", statement="Near-repeat burglary and target hardening.",
              keywords=("CPTED", "burglary"), topics=("burglary",), methods=("rct",), latitude=42.36,
              longitude=-71.10),
        entry(2, "Chloé Dubois", state="LA", city="New Orleans", institution="Tulane University",
              statement="A partnership with neighbourhood groups on gun violence.", topics=("gun-violence",),
              publications=(("Shootings", "Burglaries rose once, near repeat."),), latitude=29.95,
              longitude=-90.07),
        entry(3, "José Ramírez-Ochoa", state="PA", city="Philadelphia", statement="Hot spots policing.",
              topics=("hot-spots",), help=("evaluation",)),
        entry(4, "Will Hope", state="IN", city="Bloomington", statement="Use of force."),
    ])


def ids(index: DirectoryIndex, text: str = "", **filters) -> list[int]:
    return [hit.id for hit in index.search(DirectoryQuery(text, **filters), 0, 50).hits]


def test_name_tokens_are_folded_whole_words_and_hyphen_parts():
    assert name_tokens("José Ramírez-Ochoa") == ["jose", "ramirez-ochoa", "ramirez", "ochoa"]


@pytest.mark.parametrize("text, expected", [
    ("burglary", [1, 2]), ("Burglaries", [1, 2]), ("neighborhood", [2]), ("chloe", [2]), ("CHLOÉ", [2]),
    ("ochoa", [3]), ("ramirez-ochoa", [3]), ("will", [4]), ("hope", [4]), ("PA", [3]), ("pennsylvania", [3]),
    ("partnership", [2]), ("partner", []), ("IN", [4]), ("burglary chloe", [2]), ("burglary zebra", []), ("%", []),
    ("program evaluation", [3]), ("randomised", [1]),
])
def test_words_match_by_form_name_and_whole_word(index, text, expected):
    assert sorted(ids(index, text)) == expected


def test_a_lower_case_stop_word_is_not_read_as_a_state_code(index):
    assert ids(index, "burglary in") == [1, 2]


def test_relevance_puts_keywords_and_topics_above_a_publication(index):
    page = index.search(DirectoryQuery("burglary"))
    assert [hit.id for hit in page.hits] == [1, 2] and page.hits[0].score > page.hits[1].score
    assert [(m.words, m.fields) for m in page.hits[0].matched_on] == [("burglary", ("keywords", "topic", "statement"))]
    assert [(m.words, m.fields) for m in page.hits[1].matched_on] == [("burglary", ("publications",))]


def test_neighbouring_words_matching_the_same_fields_are_shown_together(index):
    hit = index.search(DirectoryQuery("near repeat Chloé")).hits[0]
    assert [(m.words, m.fields) for m in hit.matched_on] == [("near repeat", ("publications",)),
                                                              ("Chloé", ("name",))]


def test_without_text_results_are_by_name_or_by_distance(index):
    assert ids(index) == [1, 2, 3, 4]
    near = index.search(DirectoryQuery(near=Near(42.3601, -71.0589, 25))).hits
    assert [hit.id for hit in near] == [1] and 1 < near[0].miles < 4
    assert ids(index, near=Near(42.3601, -71.0589, 5000)) == [1, 2]  # no coordinates, never near


def test_filters_combine_with_the_text(index):
    assert ids(index, "burglary", state="LA") == [2]
    assert ids(index, "burglary", topic="burglary") == [1]
    assert ids(index, "", help="evaluation") == [3]
    assert ids(index, "burglary", method="surveys") == []


def test_common_words_are_reported_not_searched(index):
    page = index.search(DirectoryQuery("police"))
    assert page.total == 0 and page.ignored == ("police",)


def test_a_misspelling_gets_a_suggestion_that_finds_more(index):
    assert index.search(DirectoryQuery("burgalry")).suggestion == "burglary"
    assert index.search(DirectoryQuery("Chole")).suggestion == "chloe"
    assert index.search(DirectoryQuery("burglary zzzzzz")).suggestion is None
    assert index.search(DirectoryQuery("burglary")).suggestion is None


def test_vocabulary_prefers_the_commoner_of_equally_close_words():
    vocabulary = Vocabulary(["burglary", "burglars", "burgers"], __import__("numpy").array([9, 1, 1]))
    assert vocabulary.closest("burglery") == "burglary"
    assert vocabulary.closest("xy") is None and vocabulary.count("burglars") == 1


def test_update_replaces_and_removes_entries(index):
    index.update([entry(4, "Zoë Lindqvist", statement="Burglary in rural areas.")], removed=[2])
    assert sorted(ids(index, "burglary")) == [1, 4] and ids(index, "zoe") == [4] and ids(index, "hope") == []
    assert len(index) == 3 and 2 not in index


def test_similar_researchers_share_the_most_work(index):
    index.update([entry(5, "Bo Burglar", statement="Burglary and target hardening.", keywords=("CPTED",),
                        topics=("burglary",))])
    similar = index.similar(1, k=2)
    assert similar[0][0] == 5 and all(other != 1 for other, _ in similar)
    assert index.similar(999) == []


def test_an_empty_index_finds_nothing_and_suggests_nothing():
    empty = DirectoryIndex().fit([])
    page = empty.search(DirectoryQuery("burglary"))
    assert page.total == 0 and page.suggestion is None and empty.similar(1) == []


def test_a_found_name_or_a_rare_real_word_is_not_corrected(index):
    index.update([entry(6, "Close Reader", statement="Close reading."), entry(7, "Ann Other", statement="Closer.")])
    assert index.search(DirectoryQuery("chloe")).suggestion is None
    assert index.search(DirectoryQuery("tulane")).suggestion is None


def test_run_together_words_are_split_and_abbreviations_of_the_vocabulary_found(index):
    index.update([entry(8, "Hana Spot", statement="Hot spots policing.", methods=("rct",))])
    assert index.search(DirectoryQuery("hotspots")).suggestion == "hot spots"
    assert ids(index, "RCT") == [1, 8]


@pytest.mark.parametrize("module", ["search", "search_documents", "did_you_mean"])
def test_the_search_core_imports_neither_flask_nor_the_database(module):
    import ast
    import pathlib

    import matcher.ranking

    tree = ast.parse((pathlib.Path(matcher.ranking.__file__).parent / f"{module}.py").read_text())
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    imported |= {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    forbidden = ("flask", "sqlalchemy", "flask_sqlalchemy", "matcher.extensions", "matcher.models", "matcher.services")
    assert not [name for name in imported if name.startswith(forbidden)]
