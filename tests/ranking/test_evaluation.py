import pytest

from matcher.ranking.documents import ProblemQuery, ResearcherProfile
from matcher.ranking.evaluation import MetricsRow, evaluate_ranker, metrics_table, text_ranker
from matcher.ranking.text_index import TextIndex

PROFILES = [ResearcherProfile(rid, "N") for rid in ("a", "b", "c")]
QUERIES = [ProblemQuery("q1", text="x"), ProblemQuery("q2", text="y"), ProblemQuery("unlabelled", text="z")]
LABELS = {"q1": {"b": 2}, "q2": {"a": 1, "c": 2}}


def test_evaluate_ranker_averages_hand_computed_metrics():
    fixed = {"q1": [("a", 0.9), ("b", 0.5), ("c", 0.1)], "q2": [("c", 0.9), ("a", 0.5), ("b", 0.1)]}
    row = evaluate_ranker("fixed", PROFILES, QUERIES, LABELS, lambda q: fixed[q.id], k=2)
    assert row.queries == 2
    # q1: nDCG@2 = (3/log2 3) / 3 = 0.630930; q2 is ideal -> 1
    assert row.ndcg == pytest.approx((0.630930 + 1) / 2, abs=1e-6)
    assert row.precision == pytest.approx((0.5 + 1.0) / 2)
    assert row.mrr == pytest.approx((0.5 + 1) / 2)
    # q1 pairs: (a,b) gap 2 wrong, (b,c) gap 2 right -> 0.5 ; q2 all right -> 0
    assert row.pairwise_loss == pytest.approx(0.25)


def test_metrics_table_lists_every_row():
    rows = [MetricsRow("one", 3, 0.5, 0.25, 1.0, 0.1), MetricsRow("two", 3, 0.1, 0.2, 0.3, 0.4)]
    table = metrics_table(rows, "Title")
    lines = table.splitlines()
    assert lines[0] == "## Title" and "nDCG@10" in lines[2]
    assert "| one" in lines[4] and "0.500" in lines[4] and "| two" in lines[5]


def test_text_ranker_ranks_everyone():
    profiles = [ResearcherProfile("a", "N", "burglary"), ResearcherProfile("b", "N", "traffic")]
    ranking = text_ranker(TextIndex(max_df=1.0).fit(profiles))(ProblemQuery("q", text="burglary"))
    assert [rid for rid, _ in ranking] == ["a", "b"] and ranking[0][1] > 0 == ranking[1][1]
