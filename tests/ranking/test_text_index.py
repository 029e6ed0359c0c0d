import numpy as np
import pytest
import scipy.sparse as sp
import sklearn

from matcher.ranking.documents import ProblemQuery, Publication, ResearcherProfile
from matcher.ranking.text_index import TextIndex


def fitted(profiles, **params) -> TextIndex:
    """Plain TF-IDF with the hand bridges (LSA off), so scores can be checked against scikit-learn."""
    return TextIndex(**({"max_df": 1.0, "bridges": True, "lsa_weight": 0.0} | params)).fit(profiles)


def reference(index: TextIndex, profiles):
    """scikit-learn's TfidfVectorizer fitted with the index's analyser and settings."""
    from matcher.ranking.documents import researcher_document
    return index._new_vectorizer(*index.settings_).fit([researcher_document(p) for p in profiles])


def test_fit_returns_self_and_learns_underscored_attributes(profiles):
    index = TextIndex(max_df=1.0)
    assert not hasattr(index, "analyzer_")
    assert index.fit(profiles) is index
    assert index.ids_ == [p.id for p in profiles]
    assert isinstance(index.blocks_[0], sp.csc_matrix)
    assert len(index) == len(profiles) and "gun-expert" in index


def test_practitioner_words_find_the_researcher(profiles, burglary_query):
    hits = fitted(profiles).query(burglary_query, k=3)
    assert hits[0].researcher_id == "burglary-expert"
    assert hits[0].score > hits[1].score
    shootings = fitted(profiles).query(ProblemQuery("q", "Shootings", "Crews keep shooting at each other."))
    assert shootings[0].researcher_id == "gun-expert"


def test_scores_equal_brute_force_cosine(profiles, burglary_query):
    index = fitted(profiles)
    from matcher.ranking.documents import problem_document
    document = problem_document(burglary_query, bridged=index.bridges_.expand("Break-ins rising"))
    query = reference(index, profiles).transform([document])
    brute = (index.blocks_[0] @ query.T).toarray().ravel()
    fast = index.scores(burglary_query)
    for row, researcher_id in enumerate(index.ids_):
        assert fast.get(researcher_id, 0.0) == pytest.approx(brute[row], abs=1e-6)


def test_k_limits_and_none_returns_everyone_best_first(profiles, burglary_query):
    index = fitted(profiles)
    assert len(index.query(burglary_query, k=2)) == 2
    everyone = index.query(burglary_query, k=None)
    assert sorted(h.researcher_id for h in everyone) == sorted(p.id for p in profiles)
    keys = [(-h.score, h.researcher_id) for h in everyone]
    assert keys == sorted(keys)


def test_ties_are_broken_by_researcher_id():
    twins = [ResearcherProfile(rid, "N", "burglary prevention study") for rid in ("zed", "amy", "kim")]
    twins.append(ResearcherProfile("other", "N", "traffic safety"))
    hits = TextIndex(max_df=1.0).fit(twins).query("burglary", k=2)
    assert [h.researcher_id for h in hits] == ["amy", "kim"]
    assert hits[0].score == hits[1].score > 0


def test_accents_are_folded_both_ways(profiles):
    index = fitted(profiles)
    assert index.query("jose martinez bogota", k=1)[0].researcher_id == "trust-expert"
    other = TextIndex(max_df=1.0).fit([ResearcherProfile("a", "N", "jose works here"),
                                       ResearcherProfile("b", "N", "traffic")])
    assert other.query("José", k=1)[0].score > 0


def test_explanations_shares_and_best_publication(profiles):
    query = ProblemQuery("q", "Burglaries and break-ins rising", "Near-repeat burglaries in 2024, 45 homes hit.")
    hit = fitted(profiles).query(query, k=1)[0]
    assert 0 < len(hit.terms) <= 8
    shares = [share for _, share in hit.terms]
    assert shares == sorted(shares, reverse=True)
    assert 0 < sum(shares + [share for _, share in hit.related]) <= 1.0 + 1e-3
    # as the agency wrote them; "homes" is shared too, but no researcher names a subject with it
    assert {term for term, _ in hit.terms} == {"burglaries", "near-repeat"}
    assert hit.best_publication.index == 1
    assert hit.best_publication.title.startswith("Near-repeat")
    no_papers = fitted(profiles).query("shootings", k=1)[0]
    assert no_papers.best_publication is None


def test_bridged_words_are_related_not_shared(profiles, burglary_query):
    hit = fitted(profiles).query(burglary_query, k=1)[0]
    assert hit.researcher_id == "burglary-expert"
    assert hit.terms == [] and [term for term, _ in hit.related] == ["burglary"]


def test_explanations_hold_no_numbers_fragments_or_generic_words(profiles):
    index = fitted(profiles + [ResearcherProfile("n", "N", "In 2024 we hit 45 break-ins, half called in.",
                                                 ["break-ins", "people"])])
    hits = index.query("2024: 45 break-ins hit us, half called in, 9-officer people don't", k=None)
    shown = {term for hit in hits for term, _ in hit.terms + hit.related}
    assert shown == {"break-ins", "burglary"}


def test_explain_false_and_keep_publications_false_skip_the_work(profiles, burglary_query):
    assert fitted(profiles).query(burglary_query, k=1, explain=False)[0].terms == []
    assert fitted(profiles, keep_publications=False).query(burglary_query, k=1)[0].best_publication is None


def test_add_or_update_and_remove_without_refit(profiles):
    index = fitted(profiles)
    vocabulary = len(index.terms_)
    index.add_or_update([ResearcherProfile("new", "N", "traffic safety and speed cameras at crashes")])
    assert len(index.terms_) == vocabulary
    assert "new" in index and len(index) == len(profiles) + 1
    assert "new" in [h.researcher_id for h in index.query("speed cameras", k=2)]
    index.add_or_update([ResearcherProfile("traffic-expert", "Dana Wu", "burglary burglary")])
    assert index.query("speed cameras", k=1)[0].researcher_id == "new"
    assert index.query("burglary", k=None)[0].researcher_id in {"traffic-expert", "burglary-expert"}
    assert len(index) == len(profiles) + 1
    index.remove(["new", "unknown-id"])
    assert "new" not in index
    assert "new" not in [h.researcher_id for h in index.query("speed cameras", k=None)]


def test_refit_advised_after_a_fifth_changed(profiles):
    index = fitted(profiles)
    assert not index.refit_advised
    index.add_or_update([ResearcherProfile("x1", "N", "burglary")])
    assert not index.refit_advised  # 1 of 5 is not more than 20 %
    index.remove(["x1"])
    assert index.refit_advised


def test_many_additions_merge_into_one_block(profiles, monkeypatch):
    monkeypatch.setattr("matcher.ranking.text_index.MERGE_RECENT_ROWS", 3)
    index = fitted(profiles)
    index.add_or_update([ResearcherProfile(f"n{i}", "N", "speed cameras") for i in range(4)])
    assert len(index.blocks_) == 1 and index.blocks_[0].shape[0] == len(profiles) + 4
    assert {h.researcher_id for h in index.query("speed cameras", k=5)} >= {"n0", "n1", "n2", "n3"}


def test_version_names_library_params_and_corpus(profiles):
    first, again = fitted(profiles).version_, fitted(profiles).version_
    assert sklearn.__version__ in first and first == again
    assert fitted(profiles[:-1]).version_ != first
    assert fitted(profiles, ngram_range=(1, 2)).version_ != first
    index = fitted(profiles)
    index.add_or_update([ResearcherProfile("y", "N", "text")])
    assert index.version_ != first


def test_empty_texts_and_empty_queries_do_not_fail():
    index = TextIndex().fit([ResearcherProfile("a", "N"), ResearcherProfile("b", "N", "")])
    assert [h.score for h in index.query("anything at all", k=None)] == [0.0, 0.0]
    assert index.add_or_update([ResearcherProfile("c", "N", "x")]).query("", k=None)[-1].researcher_id == "c"
    assert TextIndex().fit([]).query("burglary") == []


def test_duplicate_ids_are_refused():
    with pytest.raises(ValueError):
        TextIndex().fit([ResearcherProfile("a", "N", "x y"), ResearcherProfile("a", "N", "z w")])


def test_max_df_drops_words_in_most_documents():
    corpus = [ResearcherProfile(str(i), "N", f"violence topic{i}") for i in range(6)]
    index = TextIndex(max_df=0.5).fit(corpus)
    assert "violence" not in set(index.terms_)
    assert np.all(index.live_)


def test_publication_without_shared_terms_is_not_best():
    index = TextIndex(max_df=1.0).fit([
        ResearcherProfile("a", "N", "burglary", publications=[Publication("Unrelated", "gardening")]),
        ResearcherProfile("b", "N", "traffic")])
    assert index.query("burglary", k=1)[0].best_publication is None


@pytest.mark.parametrize("sublinear", [True, False])
def test_fast_vector_equals_scikit_learn_transform(profiles, burglary_query, sublinear):
    index = TextIndex(max_df=1.0, sublinear_tf=sublinear, ngram_range=(1, 2)).fit(profiles)
    text = "Break-ins and burglary burglary near repeat, José"
    expected = reference(index, profiles).transform([text])
    columns, weights = index.vector(text)
    assert columns.tolist() == sorted(expected.indices.tolist())
    assert dict(zip(columns.tolist(), weights.tolist(), strict=True)) == pytest.approx(
        dict(zip(expected.indices.tolist(), expected.data.tolist(), strict=True)), abs=1e-6)
    assert index.vector("zzz qqq")[0].size == 0


def _lsa_corpus():
    """Researchers where "burglary" and "break-ins" co-occur, and one who writes only "burglary"."""
    both = [ResearcherProfile(f"b{i}", "N", f"burglary break-ins homes {extra}")
            for i, extra in enumerate(["doors", "windows", "alarms", "locks"])]
    return both + [ResearcherProfile("only-burglary", "N", "residential burglary prevention"),
                   ResearcherProfile("traffic", "N", "traffic crashes speed cameras"),
                   ResearcherProfile("courts", "N", "courts sentencing judges")]


def test_latent_space_finds_a_researcher_who_shares_no_word():
    plain = fitted(_lsa_corpus(), bridges=False).scores("break-ins")
    latent = fitted(_lsa_corpus(), bridges=False, lsa_components=2, lsa_weight=0.3).scores("break-ins")
    assert "only-burglary" not in plain
    assert latent["only-burglary"] > latent.get("traffic", 0.0)


def test_latent_space_follows_added_and_removed_profiles():
    index = fitted(_lsa_corpus()[:5], lsa_components=2, lsa_weight=0.3)
    index.add_or_update([ResearcherProfile("new", "N", "burglary break-ins")]).remove(["b0"])
    assert index.latent_.embeddings_.shape[0] == len(index.ids_)
    ranked = [hit.researcher_id for hit in index.query("break-ins", k=None)]
    assert "new" in ranked[:3] and "b0" not in ranked


def test_publication_evidence_rewards_one_closely_matching_paper():
    profiles = [ResearcherProfile("one-paper", "N", "policing research " * 5,
                                  publications=[Publication("Drones as first responders", "drones")]),
                ResearcherProfile("mentions", "N", "policing research drones")]
    query = "drones first responders"
    assert fitted(profiles, publication_weight=0.6).scores(query)["one-paper"] > \
        fitted(profiles, publication_weight=0.0).scores(query)["one-paper"]


def test_calibrated_scores_mean_the_same_across_problems(profiles):
    index = fitted(profiles)
    assert index.reference_ > 0
    assert index.calibrated(0.0) == 0.0 and index.calibrated(10.0) == 1.0
    assert index.calibrated(index.reference_ / 2) == pytest.approx(0.5)


def test_strength_needs_several_shared_words(profiles):
    index = fitted(profiles)
    one_word = index.query("gardening in the summer with speed", k=1)[0]
    many = index.query("Gun violence, shootings and group violence intervention with focused deterrence", k=1)[0]
    assert index.strength(one_word) < 0.5 <= index.strength(many)


def test_scikit_learn_tools_can_read_set_and_clone_the_parameters(profiles):
    from sklearn.base import clone
    index = TextIndex(lsa_weight=0.1, max_df=0.9)
    assert index.get_params()["lsa_weight"] == 0.1
    copy = clone(index).set_params(max_df=1.0)
    assert copy.get_params()["lsa_weight"] == 0.1 and copy.max_df == 1.0 and index.max_df == 0.9
    assert len(copy.fit(profiles)) == len(profiles)
