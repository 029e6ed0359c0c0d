"""Latent semantic analysis over the TF-IDF matrix: bridges learned from the profiles themselves.

Words that researchers use together ("burglary", "near repeat", "target hardening") land close together
in a few dozen latent dimensions, so a problem can match a profile that shares few of its words.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from sklearn.utils.extmath import randomized_svd


def _normalise_rows(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (matrix / norms).astype(np.float32)


class LatentSpace:
    """A truncated SVD of the document-term matrix, with every document's unit-length embedding."""

    def __init__(self, n_components: int = 100, random_state: int = 0, max_fit_rows: int = 20_000):
        self.n_components = n_components
        self.random_state = random_state
        self.max_fit_rows = max_fit_rows

    def fit(self, matrix: sp.spmatrix) -> LatentSpace:
        """Learn the latent directions (from a fixed sample of rows on large corpora) and embed every row."""
        matrix = sp.csr_matrix(matrix)
        n_rows, n_columns = matrix.shape
        components = min(self.n_components, n_rows - 1, n_columns - 1)
        if components < 1:
            self.components_ = np.zeros((0, n_columns), dtype=np.float32)
            self.embeddings_ = np.zeros((n_rows, 0), dtype=np.float32)
            return self
        sample = matrix
        if n_rows > self.max_fit_rows:
            rows = np.random.default_rng(self.random_state).choice(n_rows, self.max_fit_rows, replace=False)
            sample = matrix[np.sort(rows)]
        # What TruncatedSVD(algorithm="randomized") does, without its explained-variance ratios (which
        # divide by zero on tiny corpora and are not used here).
        _, _, directions = randomized_svd(sample, components, n_iter=5, random_state=self.random_state)
        self.components_ = directions.astype(np.float32)
        self.embeddings_ = self.embed(matrix)
        return self

    def embed(self, matrix: sp.spmatrix) -> np.ndarray:
        """Unit-length latent vectors of TF-IDF rows."""
        return _normalise_rows(np.asarray(matrix @ self.components_.T))

    def embed_vector(self, columns: np.ndarray, weights: np.ndarray) -> np.ndarray:
        """The unit-length latent vector of one sparse TF-IDF vector given as (columns, weights)."""
        vector = weights.astype(np.float32) @ self.components_[:, columns].T
        norm = np.linalg.norm(vector)
        return vector / norm if norm > 0 else vector

    def append(self, matrix: sp.spmatrix) -> None:
        """Embed new rows (added profiles) with the fitted directions."""
        self.embeddings_ = np.vstack([self.embeddings_, self.embed(matrix)])


class PaperEvidence:
    """Each researcher's best-matching publication, scored on its own (one row per publication)."""

    def fit(self, transform, texts_per_researcher: list[list[str]]) -> PaperEvidence:
        """Vectorise every publication with the index's transform; remember whose it is."""
        self.matrix_ = sp.csc_matrix((0, 0), dtype=np.float32)
        self.owner_ = np.empty(0, dtype=np.int64)
        self._first_row = 0
        self.append(transform, texts_per_researcher)
        return self

    def append(self, transform, texts_per_researcher: list[list[str]]) -> None:
        """Add the publications of researchers appended to the index (rows in order)."""
        texts = [text for texts in texts_per_researcher for text in texts]
        owners = np.repeat(np.arange(self._first_row, self._first_row + len(texts_per_researcher)),
                           [len(t) for t in texts_per_researcher])
        self._first_row += len(texts_per_researcher)
        new = sp.csc_matrix(transform(texts))
        self.matrix_ = new if self.matrix_.shape[0] == 0 else sp.csc_matrix(sp.vstack([self.matrix_, new]))
        self.owner_ = np.concatenate([self.owner_, owners])

    def best(self, query: tuple[np.ndarray, np.ndarray], without: np.ndarray) -> np.ndarray:
        """For every index row, the cosine of its best publication with the query; rows without any
        publication keep their value in `without` (so having no papers costs nothing)."""
        best = without.astype(np.float32, copy=True)
        columns, weights = query
        if self.matrix_.shape[0] == 0 or not len(columns):
            return best
        scores = self.matrix_[:, columns] @ weights.astype(np.float32)
        starts = np.flatnonzero(np.r_[True, self.owner_[1:] != self.owner_[:-1]])
        best[self.owner_[starts]] = np.maximum.reduceat(scores, starts)
        return best
