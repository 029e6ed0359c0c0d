"""Tokenising and counting for the TF-IDF index, without scikit-learn's per-token Python overhead.

`Analyzer` reproduces `TfidfVectorizer(lowercase=True, strip_accents="unicode", stop_words=...,
ngram_range=...)`'s analyser (same tokens, same order) in one pass; `count_fit` / `tfidf_matrix`
reproduce `fit_transform`'s vocabulary, document-frequency cuts, smoothed idf, sublinear tf and L2 norm.
The index uses the same `Analyzer` at fit, at query time and for explanations.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable

import numpy as np
import scipy.sparse as sp

# scikit-learn's default token_pattern is r"(?u)\b\w\w+\b"; a greedy \w\w+ scanned left to right finds the
# same maximal runs of two or more word characters without the boundary checks.
TOKEN = re.compile(r"\w\w+")
ASCII_TOKEN = re.compile(r"[a-z0-9_]{2,}")  # the same on lower-cased ASCII text, about 1.5x faster
NON_ASCII = re.compile(r"[^\x00-\x7f]+")
CHUNK_DOCUMENTS = 4096


def _strip_accents(run: re.Match) -> str:
    return "".join([c for c in unicodedata.normalize("NFKD", run.group()) if not unicodedata.combining(c)])


def fold(text: str) -> str:
    """Lower-case and strip accents (NFKD, drop combining marks) as scikit-learn's strip_accents="unicode".

    Only the runs of non-ASCII characters are normalised: NFKD decomposes character by character and
    only reorders combining marks, which are all dropped, so this equals normalising the whole text.
    """
    text = text.lower()
    return text if text.isascii() else NON_ASCII.sub(_strip_accents, text)


def words(text: str) -> list[str]:
    """fold(text) split into runs of two or more word characters, in order (stop words kept)."""
    text = text.lower()
    if text.isascii():
        return ASCII_TOKEN.findall(text)
    return TOKEN.findall(NON_ASCII.sub(_strip_accents, text))


class Analyzer:
    """Text -> tokens: fold, one regex pass, stop words dropped, then word n-grams (picklable)."""

    def __init__(self, stop_words: Iterable[str] = (), ngram_range: tuple[int, int] = (1, 1)):
        self.stop_words = frozenset(stop_words)
        self.ngram_range = tuple(ngram_range)

    def __repr__(self) -> str:
        return f"Analyzer(stop_words={sorted(self.stop_words)!r}, ngram_range={self.ngram_range!r})"

    def tokens(self, text: str) -> list[str]:
        """All word tokens, stop words included (what fit counts when only unigrams are used)."""
        return words(text)

    def __call__(self, text: str) -> list[str]:
        stop = self.stop_words
        tokens = [t for t in words(text) if t not in stop]
        min_n, max_n = self.ngram_range
        if max_n == 1:
            return tokens
        grams = list(tokens) if min_n == 1 else []
        for n in range(max(min_n, 2), min(max_n, len(tokens)) + 1):
            grams.extend(" ".join(tokens[i:i + n]) for i in range(len(tokens) - n + 1))
        return grams


def _chunk_matrix(ids: list[np.ndarray], n_columns: int) -> sp.csr_matrix:
    """Counts (documents x columns) from each document's column ids (duplicates summed)."""
    lengths = np.fromiter(map(len, ids), dtype=np.int64, count=len(ids))
    columns = np.concatenate(ids) if ids else np.empty(0, dtype=np.int32)
    rows = np.repeat(np.arange(len(ids), dtype=np.int32), lengths)
    counts = sp.csr_matrix((np.ones(len(columns), dtype=np.float32), (rows, columns)),
                           shape=(len(ids), n_columns))
    counts.sum_duplicates()
    return counts


def count_fit(documents: Iterable[str], analyzer: Analyzer) -> tuple[list[sp.csr_matrix], list[str], int]:
    """(term counts in row chunks, terms by column, number of leading stop-word columns) of the documents.

    The vocabulary grows as it goes, entirely in C (a defaultdict numbering new terms by its size).
    With unigrams the stop words are pre-numbered and counted, then dropped as columns, instead of
    being filtered token by token in Python; with n-grams the analyser drops them before pairing.
    """
    vocabulary: defaultdict[str, int] = defaultdict()
    vocabulary.default_factory = vocabulary.__len__
    unigrams = analyzer.ngram_range == (1, 1)
    for word in sorted(analyzer.stop_words) if unigrams else ():
        vocabulary[word]
    reserved = len(vocabulary)
    tokenize = analyzer.tokens if unigrams else analyzer
    number = vocabulary.__getitem__
    chunks, pending = [], []
    for document in documents:
        tokens = tokenize(document)
        pending.append(np.fromiter(map(number, tokens), dtype=np.int32, count=len(tokens)))
        if len(pending) == CHUNK_DOCUMENTS:
            chunks.append(_chunk_matrix(pending, len(vocabulary)))
            pending = []
    chunks.append(_chunk_matrix(pending, len(vocabulary)))
    for chunk in chunks:
        chunk.resize((chunk.shape[0], len(vocabulary)))
    return chunks, list(vocabulary), reserved


def _document_frequencies(chunks: list[sp.csr_matrix], n_terms: int, reserved: int) -> np.ndarray:
    df = np.zeros(n_terms, dtype=np.int64)
    for chunk in chunks:
        df += np.bincount(chunk.indices, minlength=n_terms)
    df[:reserved] = 0  # stop words counted only to keep them out of the Python loop
    return df


def kept_columns(df: np.ndarray, terms: list[str], n_documents: int, min_df: float, max_df: float) -> np.ndarray:
    """Columns surviving the document-frequency cuts (scikit-learn's rules), ordered by term.

    Raises ValueError like scikit-learn when nothing is left.
    """
    if not df.any():
        raise ValueError("empty vocabulary; perhaps the documents only contain stop words")
    max_count = max_df if isinstance(max_df, int) and not isinstance(max_df, bool) else max_df * n_documents
    min_count = min_df if isinstance(min_df, int) and not isinstance(min_df, bool) else min_df * n_documents
    if max_count < min_count:
        raise ValueError("max_df corresponds to < documents than min_df")
    kept = np.flatnonzero((df >= min_count) & (df <= max_count) & (df > 0))
    if kept.size == 0:
        raise ValueError("After pruning, no terms remain. Try a lower min_df or a higher max_df.")
    names = np.array([terms[i] for i in kept.tolist()])
    return kept[np.argsort(names, kind="stable")]


def idf_of(df: np.ndarray, n_documents: int) -> np.ndarray:
    """scikit-learn's smoothed idf: ln((1 + n) / (1 + df)) + 1."""
    return np.log((n_documents + 1.0) / (df.astype(np.float64) + 1.0)) + 1.0


def weigh_rows(counts: sp.csr_matrix, idf: np.ndarray, sublinear_tf: bool) -> sp.csr_matrix:
    """Counts -> L2-normalised (sublinear) tf * idf rows, float32."""
    data = counts.data.astype(np.float32)
    if sublinear_tf:
        np.log(data, out=data)
        data += 1.0
    data *= idf.astype(np.float32)[counts.indices]
    lengths = np.diff(counts.indptr)
    norms = np.sqrt(np.bincount(np.repeat(np.arange(counts.shape[0]), lengths), weights=data * data,
                                minlength=counts.shape[0])).astype(np.float32)
    norms[norms == 0] = 1.0
    data /= np.repeat(norms, lengths)
    return sp.csr_matrix((data, counts.indices, counts.indptr), shape=counts.shape)


def tfidf_matrix(chunks: list[sp.csr_matrix], terms: list[str], reserved: int, min_df: float, max_df: float,
                 sublinear_tf: bool) -> tuple[sp.csc_matrix, np.ndarray, np.ndarray]:
    """(L2-normalised TF-IDF as CSC with sorted rows, terms by column, idf) from the counted chunks.

    Chunks are consumed (emptied from the list) one at a time and written straight into the final CSC
    arrays, so only the counts and one copy of the result are ever in memory together.
    Raises ValueError (chunks untouched) when the cuts leave nothing.
    """
    n_documents = sum(chunk.shape[0] for chunk in chunks)
    df = _document_frequencies(chunks, len(terms), reserved)
    kept = kept_columns(df, terms, n_documents, min_df, max_df)
    idf = idf_of(df[kept], n_documents)
    indptr = np.concatenate([[0], np.cumsum(df[kept])])
    nnz = int(indptr[-1])
    index_type = np.int32 if max(nnz, n_documents) < 2**31 else np.int64
    indices = np.empty(nnz, dtype=index_type)
    data = np.empty(nnz, dtype=np.float32)
    filled = indptr[:-1].copy()
    first_row = 0
    while chunks:
        chunk = chunks.pop(0)
        part = weigh_rows(chunk[:, kept], idf, sublinear_tf).tocsc()
        del chunk
        lengths = np.diff(part.indptr)
        at = np.repeat(filled - part.indptr[:-1], lengths) + np.arange(part.nnz)
        indices[at] = part.indices + first_row
        data[at] = part.data
        filled += lengths
        first_row += part.shape[0]
    matrix = sp.csc_matrix((data, indices, indptr.astype(index_type)), shape=(n_documents, len(kept)))
    matrix.has_sorted_indices = True
    return matrix, np.array([terms[i] for i in kept.tolist()]), idf
