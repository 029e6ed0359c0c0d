"""Why a researcher was found: the shared terms behind the score and the closest publication."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from matcher.ranking.documents import Publication, publication_text
from matcher.ranking.postings import Postings


@dataclass(frozen=True)
class BestPublication:
    """The researcher's publication closest to the problem."""

    index: int
    title: str
    similarity: float


def term_shares(postings: Postings, hit_rows: np.ndarray, hit_scores: np.ndarray,
                query_terms: np.ndarray, n_terms: int = 8) -> dict[int, list[tuple[str, float]]]:
    """For each hit row, the shared terms with the largest share of its score."""
    score_of = dict(zip(hit_rows.tolist(), hit_scores.tolist(), strict=True))
    mask = np.isin(postings.rows, hit_rows)
    rows, terms, contributions = postings.rows[mask], postings.terms[mask], postings.contributions[mask]
    order = np.lexsort((-contributions, rows))
    rows, terms, contributions = rows[order], terms[order], contributions[order]
    boundaries = np.flatnonzero(np.diff(rows)) + 1
    shares = {row: [] for row in score_of}
    for start, end in zip(np.r_[0, boundaries], np.r_[boundaries, len(rows)], strict=True):
        if end <= start:
            continue
        row = int(rows[start])
        score = score_of[row]
        top = range(start, min(end, start + n_terms))
        shares[row] = [(str(query_terms[terms[i]]), round(float(contributions[i] / score), 4)) for i in top]
    return shares


def best_publications(vectorizer, query: sp.csr_matrix,
                      publications_per_hit: list[tuple[Publication, ...]]) -> list[BestPublication | None]:
    """For each hit, its publication with the highest cosine to the query (None if nothing shared)."""
    texts = [publication_text(p) for pubs in publications_per_hit for p in pubs]
    if vectorizer is None or not texts:
        return [None] * len(publications_per_hit)
    similarities = (vectorizer.transform(texts) @ query.T).toarray().ravel()
    found, start = [], 0
    for publications in publications_per_hit:
        mine = similarities[start:start + len(publications)]
        start += len(publications)
        if len(mine) and mine.max() > 0:
            best = int(np.argmax(mine))
            found.append(BestPublication(best, publications[best].title, round(float(mine[best]), 4)))
        else:
            found.append(None)
    return found
