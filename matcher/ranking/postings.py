"""Score accumulation over the postings of a query's terms, and deterministic top-k."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp


@dataclass(frozen=True)
class Postings:
    """Every (row, query term, contribution) touched by one query."""

    rows: np.ndarray
    terms: np.ndarray
    contributions: np.ndarray


def gather_postings(blocks: list[sp.csc_matrix], columns: np.ndarray, weights: np.ndarray) -> Postings:
    """Collect the nonzeros of the query's columns from row-stacked CSC blocks."""
    rows, terms, contributions, offset = [], [], [], 0
    for block in blocks:
        starts, ends = block.indptr[columns], block.indptr[columns + 1]
        lengths = ends - starts
        if lengths.sum():
            firsts = np.repeat(starts - (np.cumsum(lengths) - lengths), lengths)
            positions = firsts + np.arange(lengths.sum())
            rows.append(block.indices[positions].astype(np.int64) + offset)
            terms.append(np.repeat(np.arange(len(columns)), lengths))
            contributions.append(block.data[positions] * np.repeat(weights, lengths))
        offset += block.shape[0]
    if not rows:
        empty = np.empty(0)
        return Postings(empty.astype(np.int64), empty.astype(np.int64), empty)
    return Postings(np.concatenate(rows), np.concatenate(terms), np.concatenate(contributions))


def accumulate(postings: Postings, n_rows: int) -> tuple[np.ndarray, np.ndarray]:
    """Sum contributions per row; return (rows with a contribution, their scores)."""
    if len(postings.rows) > n_rows // 8:
        dense = np.bincount(postings.rows, weights=postings.contributions, minlength=n_rows)
        touched = np.zeros(n_rows, dtype=bool)
        touched[postings.rows] = True
        rows = np.flatnonzero(touched)
        return rows, dense[rows]
    rows, inverse = np.unique(postings.rows, return_inverse=True)
    return rows, np.bincount(inverse, weights=postings.contributions, minlength=len(rows))


def top_k(rows: np.ndarray, scores: np.ndarray, keys: list[str], k: int) -> list[int]:
    """Positions of the k best scores, ties broken by key; never sorts all rows."""
    if k <= 0 or len(rows) == 0:
        return []
    if k < len(rows):
        kth = np.argpartition(-scores, k - 1)[k - 1]
        chosen = np.flatnonzero(scores >= scores[kth])
    else:
        chosen = np.arange(len(rows))
    ordered = sorted(chosen.tolist(), key=lambda i: (-scores[i], keys[rows[i]]))
    return ordered[:k]
