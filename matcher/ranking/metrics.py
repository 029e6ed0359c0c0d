"""Ranking quality against graded relevance labels (grade 0 = not relevant)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence


def dcg(grades: Sequence[float]) -> float:
    """Discounted cumulative gain with gain 2**grade - 1 and discount log2(rank + 1)."""
    return sum((2.0 ** g - 1.0) / math.log2(i + 2) for i, g in enumerate(grades))


def ndcg_at_k(ranked: Sequence[str], grades: Mapping[str, float], k: int = 10) -> float:
    """DCG of the top k divided by the best achievable DCG (0 when nothing is relevant)."""
    ideal = dcg(sorted(grades.values(), reverse=True)[:k])
    return dcg([grades.get(r, 0) for r in ranked[:k]]) / ideal if ideal > 0 else 0.0


def precision_at_k(ranked: Sequence[str], grades: Mapping[str, float], k: int = 10,
                   min_grade: float = 1) -> float:
    """Share of the top k positions holding a researcher graded at least min_grade."""
    return sum(1 for r in ranked[:k] if grades.get(r, 0) >= min_grade) / k if k > 0 else 0.0


def reciprocal_rank(ranked: Sequence[str], grades: Mapping[str, float], min_grade: float = 1) -> float:
    """1 / rank of the first relevant researcher (0 when none is ranked)."""
    for position, researcher in enumerate(ranked, start=1):
        if grades.get(researcher, 0) >= min_grade:
            return 1.0 / position
    return 0.0


def mrr(rankings: Sequence[Sequence[str]], grades: Sequence[Mapping[str, float]],
        min_grade: float = 1) -> float:
    """Mean reciprocal rank over queries."""
    if not rankings:
        return 0.0
    total = sum(reciprocal_rank(r, g, min_grade) for r, g in zip(rankings, grades, strict=True))
    return total / len(rankings)


def pairwise_loss(scores: Mapping[str, float], grades: Mapping[str, float]) -> float:
    """Share of differently-graded pairs ordered against the labels, weighted by grade gap.

    Ties in score count half; a labelled researcher missing from scores ranks below everyone.
    """
    labelled = [(grades[r], scores.get(r, -math.inf)) for r in grades]
    wrong = total = 0.0
    for i, (grade_i, score_i) in enumerate(labelled):
        for grade_j, score_j in labelled[i + 1:]:
            if grade_i == grade_j:
                continue
            weight = abs(grade_i - grade_j)
            better, worse = (score_i, score_j) if grade_i > grade_j else (score_j, score_i)
            total += weight
            wrong += weight * (1.0 if better < worse else 0.5 if better == worse else 0.0)
    return wrong / total if total else 0.0
