"""Scoring from only the postings of the query's own columns (row-stacked CSC blocks), and deterministic top-k.

Cost per query ~ the postings of the query's terms (one C slice + one C mat-vec per block) plus a few
O(n) vector passes (threshold, non-zero rows); the hits' per-term values for explanations are found by a
vectorised binary search, never by copying rows. (A MaxScore variant that skipped long postings lists was
measured and dropped: on these corpora every term's bound is small, so it skipped little and its Python
per-term loop made it slower; see bench/RANKING.md.)
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp


class Postings:
    """The index's CSC blocks (stacked by rows; row indices sorted within each column)."""

    def __init__(self, blocks: list[sp.csc_matrix]):
        self.blocks = blocks
        self.offsets = np.cumsum([0] + [b.shape[0] for b in blocks])[:-1].tolist()
        self.n_rows = int(sum(b.shape[0] for b in blocks))

    def lookup(self, rows: np.ndarray, columns: np.ndarray) -> np.ndarray:
        """(len(rows) x len(columns)) float32 values of the given cells, by a vectorised binary search
        in each column's sorted row indices (cost ~ len(rows) x len(columns) x log(n), not the postings)."""
        rows = np.asarray(rows, dtype=np.int64)
        columns = np.asarray(columns, dtype=np.int64)
        found = np.zeros((len(rows), len(columns)), dtype=np.float32)
        if found.size == 0:
            return found
        for block, offset in zip(self.blocks, self.offsets, strict=True):
            local = rows - offset
            inside = (local >= 0) & (local < block.shape[0])
            if not inside.any() or block.nnz == 0:
                continue
            target = np.broadcast_to(local[:, None], found.shape)
            lo = np.broadcast_to(block.indptr[columns].astype(np.int64), found.shape).copy()
            end = np.broadcast_to(block.indptr[columns + 1].astype(np.int64), found.shape)
            hi = end.copy()
            while True:
                open_ = lo < hi
                if not open_.any():
                    break
                mid = (lo + hi) // 2
                below = open_ & (block.indices[np.minimum(mid, block.nnz - 1)] < target)
                lo = np.where(below, mid + 1, lo)
                hi = np.where(open_ & ~below, mid, hi)
            at = np.minimum(lo, block.nnz - 1)
            hit = (lo < end) & (block.indices[at] == target) & inside[:, None]
            found[hit] = block.data[at[hit]]
        return found

    def dense_scores(self, columns: np.ndarray, weights: np.ndarray) -> np.ndarray:
        """Dot product of every row with the query, from only the query's columns (float32, length n)."""
        weights = weights.astype(np.float32)
        parts = [block[:, columns] @ weights if len(columns) else np.zeros(block.shape[0], dtype=np.float32)
                 for block in self.blocks]
        return parts[0] if len(parts) == 1 else np.concatenate(parts) if parts else np.zeros(0, np.float32)


def top_rows(scores: np.ndarray, dead: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """(rows, scores) of the live rows scoring at least the k-th best (and above 0), rows ascending.

    Ties at the k-th score are all kept (the caller breaks them by id); no sort of all rows.
    """
    scores[dead] = 0
    n = len(scores)
    kth = float(np.partition(scores, n - k)[n - k]) if 0 < k < n else 0.0
    rows = np.flatnonzero(scores >= kth) if kth > 0 else np.flatnonzero(scores > 0)
    return rows, scores[rows].astype(np.float64)


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
