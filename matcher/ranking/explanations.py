"""Why a researcher was found: the shared terms behind the score and the closest publication."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from matcher.ranking.documents import Publication, publication_text
from matcher.ranking.vectors import cosine


@dataclass(frozen=True)
class BestPublication:
    """The researcher's publication closest to the problem."""

    index: int
    title: str
    similarity: float


def term_shares(postings, query: tuple[np.ndarray, np.ndarray], hit_rows: np.ndarray, hit_scores: np.ndarray,
                terms: np.ndarray, n_terms: int = 8) -> dict[int, list[tuple[str, float]]]:
    """For each hit row, the shared terms with the largest share of its score (looked up in the postings)."""
    columns, weights = query
    if len(hit_rows) == 0 or len(columns) == 0:
        return {int(row): [] for row in hit_rows.tolist()}
    contributions = postings.lookup(hit_rows, columns) * weights
    best = np.argsort(-contributions, axis=1, kind="stable")[:, :n_terms]
    values = np.take_along_axis(contributions, best, axis=1).tolist()
    names = terms[columns[best]].tolist()
    shares = {}
    for i, (row, score) in enumerate(zip(hit_rows.tolist(), hit_scores.tolist(), strict=True)):
        shares[row] = [(str(name), round(value / score, 4))
                       for name, value in zip(names[i], values[i], strict=True) if value > 0]
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
