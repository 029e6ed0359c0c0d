"""TF-IDF vectors of single texts without scikit-learn's per-call overhead (same numbers as transform)."""

from __future__ import annotations

from collections import Counter

import numpy as np

EMPTY = (np.empty(0, dtype=np.int64), np.empty(0))


def tfidf_vector(tokens: list[str], vocabulary: dict[str, int], idf: np.ndarray,
                 sublinear_tf: bool) -> tuple[np.ndarray, np.ndarray]:
    """(sorted column indices, L2-normalised weights) of one analysed text, as the fitted vectorizer would."""
    counts = Counter(map(vocabulary.get, tokens))
    counts.pop(None, None)
    if not counts:
        return EMPTY
    columns = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
    tf = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
    weights = (1.0 + np.log(tf) if sublinear_tf else tf) * idf[columns]
    weights /= np.linalg.norm(weights)
    order = np.argsort(columns)
    return columns[order], weights[order]


def cosine(a: tuple[np.ndarray, np.ndarray], b: tuple[np.ndarray, np.ndarray]) -> float:
    """Dot product of two sparse L2-normalised vectors given as (sorted indices, weights)."""
    _, in_a, in_b = np.intersect1d(a[0], b[0], assume_unique=True, return_indices=True)
    return float(a[1][in_a] @ b[1][in_b])
