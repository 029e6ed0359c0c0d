"""Scoring over only the query's columns of row-stacked CSC blocks, and deterministic top-k."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp


def query_columns(blocks: list[sp.csc_matrix], columns: np.ndarray) -> list[sp.csc_matrix]:
    """The query's columns of each block: a copy of only their postings."""
    return [block[:, columns] for block in blocks]


def column_scores(subs: list[sp.csc_matrix], weights: np.ndarray) -> np.ndarray:
    """Dot product of every row with the query from its columns."""
    parts = [sub @ weights if sub.shape[1] else np.zeros(sub.shape[0]) for sub in subs]
    return np.concatenate(parts) if parts else np.zeros(0)


def row_contributions(subs: list[sp.csc_matrix], weights: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """(len(rows) x len(weights)) matrix of each query term's contribution to each row's score."""
    found = np.zeros((len(rows), len(weights)))
    offset = 0
    for sub in subs:
        mine = np.flatnonzero((rows >= offset) & (rows < offset + sub.shape[0]))
        if len(mine) and sub.shape[1]:
            found[mine] = sub[rows[mine] - offset].toarray() * weights
        offset += sub.shape[0]
    return found


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
