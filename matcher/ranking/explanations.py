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


def _display(term: str, forms: dict[str, str]) -> str | None:
    """The words a text used for an index term (each word of an n-gram), or None if it did not use it."""
    words = [forms.get(part) for part in term.split(" ")]
    return None if None in words else " ".join(words)


def named_terms(shares: list[tuple[str, float]], own_forms: dict[str, str], bridged_forms: dict[str, str],
                ) -> tuple[list[tuple[str, float]], list[tuple[str, float]]]:
    """(shared words as the problem wrote them, related words the bridges added) from index-term shares."""
    shared: dict[str, float] = {}
    related: dict[str, float] = {}
    for term, share in shares:
        own = _display(term, own_forms)
        if own is not None:
            shared[own] = shared.get(own, 0.0) + share  # "near-repeat" is two terms, one word
        elif (bridged := _display(term, bridged_forms)) is not None:
            related[bridged] = related.get(bridged, 0.0) + share
    return _by_share(shared), _by_share(related)


def _by_share(shares: dict[str, float]) -> list[tuple[str, float]]:
    return sorted(((word, round(share, 4)) for word, share in shares.items()), key=lambda pair: -pair[1])


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
