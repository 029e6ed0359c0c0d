"""Tokenising, stemming and counting for the TF-IDF index, without per-token Python overhead.

`Analyzer` turns text into index terms: fold case and accents (as scikit-learn's strip_accents="unicode"),
keep hyphenated words together, join an affix to its word ("break-ins" -> breakins, "re-entry" -> reentry),
drop numbers and stop words, use American spellings and Snowball (Porter2) stems ("burglaries" ->
burglari). Each distinct surface word is analysed once and cached, so fitting and querying cost one dict
look-up per word. `count_fit` / `tfidf_matrix` reproduce scikit-learn's `TfidfVectorizer(analyzer=...)`
vocabulary, document-frequency cuts, smoothed idf, sublinear tf and L2 norm (tested against it).
The index uses the same `Analyzer` at fit, at query time, for explanations and for the directory.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from itertools import chain

import numpy as np
import scipy.sparse as sp
import Stemmer

from matcher.ranking.spelling import americanise

WORD = re.compile(r"[\w-]{2,}")  # words of two or more characters, hyphenated ones whole
ASCII_WORD = re.compile(r"[a-z0-9_-]{2,}")  # the same on lower-cased ASCII text, faster
NON_ASCII = re.compile(r"[^\x00-\x7f]+")
CHUNK_DOCUMENTS = 4096
# Parts of a hyphenated word that are joined to their neighbour instead of standing alone.
JOINED_PREFIXES = frozenset({"re", "co", "non", "pre", "post", "anti", "multi", "inter", "sub", "un", "de",
                             "mis", "ex", "cyber", "e"})
JOINED_SUFFIXES = frozenset({"in", "ins", "up", "ups", "out", "outs", "by", "on", "ons", "off", "offs"})
MIN_LETTERS = 2


# Unicode hyphens become "-" (so "break‐ins" is one word); the soft hyphen disappears.
HYPHENS = str.maketrans({"\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2212": "-", "\u00ad": ""})


def _strip_accents(run: re.Match) -> str:
    folded = unicodedata.normalize("NFKD", run.group().translate(HYPHENS))
    return "".join([c for c in folded if not unicodedata.combining(c)])


def fold(text: str) -> str:
    """Lower-case and strip accents (NFKD, drop combining marks) as scikit-learn's strip_accents="unicode".

    Only the runs of non-ASCII characters are normalised: NFKD decomposes character by character and
    only reorders combining marks, which are all dropped, so this equals normalising the whole text.
    """
    text = text.lower()
    return text if text.isascii() else NON_ASCII.sub(_strip_accents, text)


def words(text: str) -> list[str]:
    """fold(text) split into words of two or more characters, hyphenated words kept whole, in order (stray
    hyphens come along and are dropped by the analyser; stop words and numbers are kept)."""
    text = text.lower()
    if text.isascii():
        return ASCII_WORD.findall(text)
    return WORD.findall(NON_ASCII.sub(_strip_accents, text))


def join_affixes(parts: list[str]) -> list[str]:
    """The parts of a hyphenated word with prefixes and particles joined on ("call", "ins" -> "callins")."""
    joined: list[str] = []
    for part in parts:
        if joined and (joined[-1] in JOINED_PREFIXES or part in JOINED_SUFFIXES):
            joined[-1] += part
        else:
            joined.append(part)
    return joined


def _has_letters(part: str) -> bool:
    return sum(c.isalpha() for c in part) >= MIN_LETTERS


def _has_digits(word: str) -> bool:
    return any(c.isdigit() for c in word)


class Analyzer:
    """Text -> index terms: words, affixes joined, numbers and stop words dropped, stemmed, n-grams (picklable)."""

    def __init__(self, stop_words: Iterable[str] = (), ngram_range: tuple[int, int] = (1, 1), stem: bool = True):
        self.stop_words = frozenset(stop_words)
        self.ngram_range = tuple(ngram_range)
        self.stem = stem
        self._cache: dict[str, tuple[str, ...]] = {}

    def __repr__(self) -> str:
        return (f"Analyzer(stop_words={sorted(self.stop_words)!r}, ngram_range={self.ngram_range!r}, "
                f"stem={self.stem!r})")

    def __getstate__(self) -> dict:
        return {"stop_words": self.stop_words, "ngram_range": self.ngram_range, "stem": self.stem}

    def __setstate__(self, state: dict) -> None:
        self.__init__(**state)

    def word_terms(self, word: str) -> tuple[str, ...]:
        """The terms of one folded surface word (cached): "break-ins" -> ("breakin",), "2024" -> ()."""
        terms = self._cache.get(word)
        if terms is None:
            terms = self._cache[word] = self._analyse_word(word)
        return terms

    def _analyse_word(self, word: str) -> tuple[str, ...]:
        return tuple(term for term, _ in self.word_parts(word))

    def word_parts(self, word: str) -> list[tuple[str, str]]:
        """(term, the part of the word it came from) for one folded word: "9-officer" -> [("offic", "officer")]."""
        parts = join_affixes(word.split("-")) if "-" in word else [word]
        kept = [p for p in parts if p not in self.stop_words and _has_letters(p)]
        spelled = [americanise(p) for p in kept]
        terms = stemmer().stemWords(spelled) if self.stem else spelled
        return list(zip(terms, kept, strict=True))

    def unigrams(self, text: str) -> list[str]:
        """The single-word terms of a text, in order."""
        return list(chain.from_iterable(map(self.word_terms, words(text))))

    def surface_forms(self, text: str) -> dict[str, str]:
        """Each term of a text mapped to the first word that produced it, or, for a hyphenated word with a
        number in it, to its own part ("16-hour" shows as "hour"): for showing terms to people."""
        forms: dict[str, str] = {}
        for word in words(text):
            if "-" not in word:
                for term in self.word_terms(word):
                    forms.setdefault(term, word)
                continue
            for term, part in self.word_parts(word):
                forms.setdefault(term, part if _has_digits(word) else word)
        return forms

    def __call__(self, text: str) -> list[str]:
        tokens = self.unigrams(text)
        min_n, max_n = self.ngram_range
        if max_n == 1:
            return tokens
        grams = list(tokens) if min_n == 1 else []
        for n in range(max(min_n, 2), min(max_n, len(tokens)) + 1):
            grams.extend(" ".join(tokens[i:i + n]) for i in range(len(tokens) - n + 1))
        return grams


_STEMMER: list = []


def stemmer():
    """The process's English Snowball stemmer (PyStemmer objects are not picklable, so made on first use)."""
    if not _STEMMER:
        _STEMMER.append(Stemmer.Stemmer("english"))
    return _STEMMER[0]


class _WordColumns(dict):
    """Surface word -> one int code, so counting stays a C loop of dict look-ups.

    A word with one term (nearly all) codes as its vocabulary column; a word with no term (a stop word,
    a number) as DROPPED; a word with several terms ("near-repeat") as -2 - k, k indexing `several`.
    """

    def __init__(self, analyzer: Analyzer, vocabulary: defaultdict):
        super().__init__()
        self.analyzer, self.vocabulary = analyzer, vocabulary
        self.several: list[np.ndarray] = []

    def __missing__(self, word: str) -> int:
        columns = [self.vocabulary[term] for term in self.analyzer.word_terms(word)]
        if len(columns) == 1:
            code = columns[0]
        elif not columns:
            code = DROPPED
        else:
            self.several.append(np.array(columns, dtype=np.int32))
            code = -2 - (len(self.several) - 1)
        self[word] = code
        return code

    def columns(self, document: str) -> np.ndarray:
        """The vocabulary columns of a document's terms, in order."""
        found = words(document)
        codes = np.fromiter(map(self.__getitem__, found), dtype=np.int32, count=len(found))
        several = np.flatnonzero(codes < DROPPED)
        if several.size:
            parts = np.split(codes, several)  # every part but the first starts with a several-terms code
            pieces = [parts[0]]
            for part in parts[1:]:
                pieces += [self.several[-2 - int(part[0])], part[1:]]
            codes = np.concatenate(pieces)
        return codes[codes >= 0]


DROPPED = -1


def _chunk_matrix(ids: list[np.ndarray], n_columns: int) -> sp.csr_matrix:
    """Counts (documents x columns) from each document's column ids (duplicates summed)."""
    lengths = np.fromiter(map(len, ids), dtype=np.int64, count=len(ids))
    columns = np.concatenate(ids) if ids else np.empty(0, dtype=np.int32)
    rows = np.repeat(np.arange(len(ids), dtype=np.int32), lengths)
    counts = sp.csr_matrix((np.ones(len(columns), dtype=np.float32), (rows, columns)),
                           shape=(len(ids), n_columns))
    counts.sum_duplicates()
    return counts


def count_fit(documents: Iterable[str], analyzer: Analyzer) -> tuple[list[sp.csr_matrix], list[str]]:
    """(term counts in row chunks, terms by column) of the documents.

    The vocabulary grows as it goes, entirely in C (a defaultdict numbering new terms by its size); with
    unigrams each document costs one C dict look-up per word; with n-grams the analyser pairs the terms.
    """
    vocabulary: defaultdict[str, int] = defaultdict()
    vocabulary.default_factory = vocabulary.__len__
    unigrams = analyzer.ngram_range == (1, 1)
    word_columns = _WordColumns(analyzer, vocabulary)
    number = vocabulary.__getitem__
    chunks, pending = [], []
    for document in documents:
        if unigrams:
            pending.append(word_columns.columns(document))
        else:
            terms = analyzer(document)
            pending.append(np.fromiter(map(number, terms), dtype=np.int32, count=len(terms)))
        if len(pending) == CHUNK_DOCUMENTS:
            chunks.append(_chunk_matrix(pending, len(vocabulary)))
            pending = []
    chunks.append(_chunk_matrix(pending, len(vocabulary)))
    for chunk in chunks:
        chunk.resize((chunk.shape[0], len(vocabulary)))
    return chunks, list(vocabulary)


def _document_frequencies(chunks: list[sp.csr_matrix], n_terms: int) -> np.ndarray:
    df = np.zeros(n_terms, dtype=np.int64)
    for chunk in chunks:
        df += np.bincount(chunk.indices, minlength=n_terms)
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


def tfidf_matrix(chunks: list[sp.csr_matrix], terms: list[str], min_df: float, max_df: float,
                 sublinear_tf: bool) -> tuple[sp.csc_matrix, np.ndarray, np.ndarray]:
    """(L2-normalised TF-IDF as CSC with sorted rows, terms by column, idf) from the counted chunks.

    Chunks are consumed (emptied from the list) one at a time and written straight into the final CSC
    arrays, so only the counts and one copy of the result are ever in memory together.
    Raises ValueError (chunks untouched) when the cuts leave nothing.
    """
    n_documents = sum(chunk.shape[0] for chunk in chunks)
    df = _document_frequencies(chunks, len(terms))
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
