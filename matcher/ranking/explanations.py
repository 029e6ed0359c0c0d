"""Why a researcher was found: the shared terms behind the score and the closest publication."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from matcher.ranking.documents import Publication, publication_text
from matcher.ranking.postings import row_contributions
from matcher.ranking.vectors import cosine


@dataclass(frozen=True)
class BestPublication:
    """The researcher's publication closest to the problem."""

    index: int
    title: str
    similarity: float


def term_shares(subs, query: tuple[np.ndarray, np.ndarray], hit_rows: np.ndarray, hit_scores: np.ndarray,
                terms: np.ndarray, n_terms: int = 8) -> dict[int, list[tuple[str, float]]]:
    """For each hit row, the shared terms with the largest share of its score."""
    columns, weights = query
    contributions = row_contributions(subs, weights, hit_rows)
    shares = {}
    for i, (row, score) in enumerate(zip(hit_rows.tolist(), hit_scores.tolist(), strict=True)):
        order = [j for j in np.argsort(-contributions[i], kind="stable")[:n_terms] if contributions[i, j] > 0]
        shares[row] = [(str(terms[columns[j]]), round(float(contributions[i, j] / score), 4)) for j in order]
    return shares


def best_publications(vector, query: tuple[np.ndarray, np.ndarray],
                      publications_per_hit: list[tuple[Publication, ...]]) -> list[BestPublication | None]:
    """For each hit, its publication with the highest cosine to the query (None if nothing shared)."""
    found = []
    for publications in publications_per_hit:
        similarities = [cosine(query, vector(publication_text(p))) for p in publications]
        best = int(np.argmax(similarities)) if similarities else 0
        if similarities and similarities[best] > 0:
            found.append(BestPublication(best, publications[best].title, round(similarities[best], 4)))
        else:
            found.append(None)
    return found
