import numpy as np
import pytest
import scipy.sparse as sp

from matcher.ranking import analysis
from matcher.ranking.analysis import Analyzer, fold, words
from matcher.ranking.documents import ResearcherProfile, researcher_document
from matcher.ranking.postings import Postings, top_rows
from matcher.ranking.text_index import TextIndex

TEXTS = [
    "José Martínez studies Bogotá's ﬁrearm cases — naïve Ångström façade, Straße ΣΊΣΥΦΟΣ e\u0301x",
    "Break-ins and burglary, burglary near repeat; the police of the city would like to help.",
    "a I x2 3d __init__ re-entry CAD/RMS 2021 x",
    "",
    "   ",
]


def test_fold_lowercases_and_strips_accents_only_where_needed():
    assert fold("José BOGOTÁ") == "jose bogota"
    assert fold("Plain ASCII") == "plain ascii"
    assert fold("e\u0301clair ﬁne") == "eclair fine"


def test_words_keep_hyphenated_words_whole():
    assert words("A b2 cc, Dd-EE x_y é -- end-") == ["b2", "cc", "dd-ee", "x_y", "--", "end-"]


def test_stray_hyphens_make_no_terms():
    assert TextIndex().new_analyzer()("-- theft- -burglary") == ["theft", "burglari"]


def test_stop_words_are_dropped():
    assert Analyzer({"the", "of"})("The study of the BURGLARY") == ["studi", "burglari"]


def test_word_forms_share_one_term():
    analyse = Analyzer()
    assert analyse("burglary burglaries") == ["burglari", "burglari"]
    assert analyse("shootings shooting shot") [:2] == ["shoot", "shoot"]


def test_british_and_american_spellings_share_one_term():
    analyse = Analyzer()
    assert analyse("victimisation randomised neighbourhoods programme") == \
        analyse("victimization randomized neighborhoods program")


def test_numbers_and_single_letters_are_not_terms():
    assert TextIndex().new_analyzer()("45 calls in 2024, 600 000 x 10 k9 3d") == ["call"]


def test_affixes_join_their_word_instead_of_standing_alone():
    analyse = Analyzer()
    assert analyse("break-ins") == analyse("breakins") == ["breakin"]
    assert analyse("re-entry") == analyse("reentry")
    assert analyse("co-responder") == analyse("coresponder")
    assert "in" not in analyse("break-ins") and "ins" not in analyse("break-ins")
    assert analyse("near-repeat hot-spot") == analyse("near repeat hot spot")


def test_accents_fold_before_stemming():
    assert Analyzer()("José Zoë Chloé") == Analyzer()("jose zoe chloe")


def test_surface_forms_name_the_word_the_text_used():
    forms = TextIndex().new_analyzer().surface_forms("Break-ins and more break-ins; burglaries")
    assert forms == {"breakin": "break-ins", "burglari": "burglaries"}


@pytest.mark.parametrize("ngram_range", [(1, 2), (2, 3)])
def test_ngrams_pair_the_terms(ngram_range):
    unigrams = Analyzer()("residential burglary near repeat")
    grams = Analyzer(ngram_range=ngram_range)("residential burglary near repeat")
    if ngram_range[0] == 1:
        assert grams[:4] == unigrams
    assert " ".join(unigrams[:2]) in grams


def test_analyzer_pickles_without_its_cache():
    import pickle
    analyse = Analyzer({"the"}, (1, 2))
    analyse("the burglary")
    copy = pickle.loads(pickle.dumps(analyse))
    assert copy("the burglaries") == analyse("the burglaries") and repr(copy) == repr(analyse)


@pytest.mark.parametrize("sublinear", [True, False])
@pytest.mark.parametrize("ngram_range", [(1, 1), (1, 2)])
def test_fitted_matrix_equals_scikit_learn(profiles, monkeypatch, sublinear, ngram_range):
    monkeypatch.setattr(analysis, "CHUNK_DOCUMENTS", 2)  # several chunks
    extra = [ResearcherProfile(f"x{i}", "N", text) for i, text in enumerate(TEXTS)]
    corpus = profiles + extra
    index = TextIndex(max_df=0.6, sublinear_tf=sublinear, ngram_range=ngram_range).fit(corpus)
    reference = index._new_vectorizer(*index.settings_)
    expected = reference.fit_transform([researcher_document(p) for p in corpus])
    assert index.terms_.tolist() == reference.get_feature_names_out().tolist()
    assert index.blocks_[0].has_sorted_indices
    assert np.allclose(index.blocks_[0].toarray(), expected.toarray(), atol=1e-6)
    assert np.allclose(index.idf_, reference.idf_, atol=1e-6)


def test_same_tokens_at_fit_and_at_query_time(profiles):
    index = TextIndex(max_df=1.0).fit(profiles)
    matrix = sp.csr_matrix(index.blocks_[0])
    for row, profile in enumerate(profiles):
        columns, weights = index.vector(researcher_document(profile))
        assert columns.tolist() == sorted(matrix[row].indices.tolist())
        assert np.allclose(weights, matrix[row, columns].toarray().ravel(), atol=1e-6)


def _random_blocks(rng, sizes, n_columns):
    return [sp.csc_matrix(sp.random(n, n_columns, density=0.3, random_state=rng, dtype=np.float32))
            for n in sizes]


def test_lookup_reads_the_cells():
    rng = np.random.default_rng(1)
    blocks = _random_blocks(rng, (30, 7), 12)
    dense = np.vstack([b.toarray() for b in blocks])
    rows, columns = np.array([0, 3, 29, 30, 36]), np.array([11, 0, 5, 5])
    assert np.array_equal(Postings(blocks).lookup(rows, columns), dense[np.ix_(rows, columns)])


@pytest.mark.parametrize("k", [1, 3, 10, 100])
def test_top_scores_contain_the_exact_top_k(k):
    rng = np.random.default_rng(k)
    blocks = _random_blocks(rng, (40, 9), 15)
    dense = np.vstack([b.toarray() for b in blocks])
    columns, weights = np.array([1, 4, 9, 14]), np.array([0.5, 0.2, 0.7, 0.1])
    dead = np.array([2, 41])
    rows, scores = top_rows(Postings(blocks).dense_scores(columns, weights), dead, k)
    brute = dense[:, columns] @ weights
    brute[dead] = 0
    best = np.sort(brute[brute > 0])[::-1][:k]
    assert np.allclose(np.sort(scores)[::-1][:k], best, atol=1e-6)
    assert np.allclose(scores, brute[rows], atol=1e-6)
    assert not set(rows.tolist()) & set(dead.tolist())


@pytest.mark.parametrize("british, american", [
    ("supervising", "supervising"), ("advising", "advising"), ("crises", "crises"), ("cruise", "cruise"),
    ("emphasise", "emphasize"), ("organising", "organizing"), ("analysed", "analyzed"),
])
def test_spelling_follows_the_root_not_the_whole_word(british, american):
    from matcher.ranking.spelling import americanise
    assert americanise(british) == american


def test_unicode_hyphens_join_words_and_soft_hyphens_vanish():
    analyse = TextIndex().new_analyzer()
    assert analyse("break\u2010ins call\u2011ins re\u2011entry soft\u00adware") == \
        analyse("break-ins call-ins re-entry software")


def test_numbers_inside_hyphenated_words_are_not_shown():
    forms = TextIndex().new_analyzer().surface_forms("a 9-officer agency, 16-hour shifts, near-repeat, don't")
    assert forms["offic"] == "officer" and forms["hour"] == "hour" and "near-repeat" in forms.values()
    assert "don" not in forms
