import math

import pytest

from matcher.ranking.metrics import dcg, mrr, ndcg_at_k, pairwise_loss, precision_at_k, reciprocal_rank

# Hand computation: gains 2**g - 1, discount log2(rank + 1).
# ranked a, b, c with grades a=0, b=2, c=1:
#   DCG  = 0/1 + 3/log2(3) + 1/log2(4) = 0 + 1.892789 + 0.5 = 2.392789
#   IDCG = 3/1 + 1/log2(3) + 0        = 3 + 0.630930      = 3.630930
#   nDCG = 0.659001


def test_dcg_and_ndcg_match_hand_computation():
    assert dcg([0, 2, 1]) == pytest.approx(2.392789, abs=1e-6)
    assert ndcg_at_k(["a", "b", "c"], {"a": 0, "b": 2, "c": 1}, k=3) == pytest.approx(0.659001, abs=1e-6)


def test_ndcg_cutoff_perfect_and_nothing_relevant():
    grades = {"a": 0, "b": 2, "c": 1}
    # top-1 is a (gain 0) while the ideal top-1 has gain 3
    assert ndcg_at_k(["a", "b", "c"], grades, k=1) == 0.0
    assert ndcg_at_k(["b", "c", "a"], grades, k=3) == pytest.approx(1.0)
    assert ndcg_at_k(["a"], {"a": 0}, k=10) == 0.0


def test_precision_at_k_counts_relevant_over_k():
    ranked, grades = ["a", "b", "c", "d"], {"b": 2, "d": 1, "c": 0}
    assert precision_at_k(ranked, grades, k=2) == 0.5
    assert precision_at_k(ranked, grades, k=4) == 0.5
    assert precision_at_k(ranked, grades, k=4, min_grade=2) == 0.25
    assert precision_at_k(ranked, grades, k=8) == 2 / 8  # short lists are not rewarded


def test_reciprocal_rank_and_mrr():
    assert reciprocal_rank(["a", "b"], {"b": 1}) == 0.5
    assert reciprocal_rank(["a", "b"], {"b": 1}, min_grade=2) == 0.0
    assert mrr([["a", "b"], ["b"], ["a"]], [{"b": 1}, {"b": 3}, {"b": 1}]) == pytest.approx((0.5 + 1 + 0) / 3)
    assert mrr([], []) == 0.0


def test_pairwise_loss_weights_by_grade_difference():
    # pairs: (a,b) gap 2 wrong, (a,c) gap 1 wrong, (b,c) gap 1 right -> 3 / 4
    assert pairwise_loss({"a": 3, "b": 2, "c": 1}, {"a": 0, "b": 2, "c": 1}) == 0.75
    assert pairwise_loss({"a": 1, "b": 2, "c": 3}, {"a": 0, "b": 2, "c": 1}) == pytest.approx(1 / 4)


def test_pairwise_loss_ties_half_missing_last_and_equal_grades_ignored():
    assert pairwise_loss({"a": 1.0, "b": 1.0}, {"a": 1, "b": 0}) == 0.5
    assert pairwise_loss({"a": 1.0}, {"a": 0, "b": 1}) == 1.0
    assert pairwise_loss({"a": 1.0, "b": 2.0}, {"a": 1, "b": 1}) == 0.0
    assert not math.isnan(pairwise_loss({}, {}))
