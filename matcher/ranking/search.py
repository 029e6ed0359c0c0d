"""The directory's keyword search: BM25F over analysed profile fields, filters, distance, similar profiles.

Pure: plain entries in, ids with scores and reasons out. `DirectoryIndex().fit(entries)` keeps each
entry's analysed keys and assembles them into column-wise arrays (one column per key) so a query costs a
few numpy operations per word; `update(changed, removed)` re-analyses only the changed entries and
reassembles (idf and average lengths stay exact). A search is an AND of its words: each word must match
in some field, by its analysed terms (burglaries = burglary), as a whole name word (chloe = Chloé) or as a
state code ("PA"). Results come in relevance order with the fields each word matched in.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from matcher import taxonomy
from matcher.ranking.analysis import WORD, Analyzer, fold, words
from matcher.ranking.did_you_mean import Vocabulary
from matcher.ranking.search_documents import (
    FIELDS,
    NAME_PREFIX,
    AnalysedEntry,
    DirectoryEntry,
    EntryAnalyser,
    name_tokens,
    state_key,
)
from matcher.ranking.text_index import TextIndex

K1 = 1.2
MAX_SEARCH_WORDS = 10
FEW_RESULTS = 2  # at most this many results: look for a better-spelt search
RARE_WORD = 2  # a word in at most this many profiles may be a misspelling there too
RARE_WORD_SIMILARITY = 85.0
EARTH_RADIUS_MILES = 3958.8
STATE_CODES = frozenset(code for code, _ in taxonomy.US_STATES)
TYPED_STATE_CODE = re.compile(r"\b[A-Z]{2}\b")
FIELD_WEIGHTS = np.array([f.weight for f in FIELDS], dtype=np.float32)
FIELD_B = np.array([f.b for f in FIELDS], dtype=np.float32)
CONTENT_FIELDS = np.array([f.content for f in FIELDS])
TAG_KINDS = ("topics", "methods", "help", "terms")


@dataclass(frozen=True)
class Near:
    """Within `miles` of a point."""

    latitude: float
    longitude: float
    miles: float


@dataclass(frozen=True)
class DirectoryQuery:
    """What a visitor asked for; empty strings mean 'any'."""

    text: str = ""
    state: str = ""
    topic: str = ""
    method: str = ""
    help: str = ""
    terms: str = ""
    near: Near | None = None


@dataclass(frozen=True)
class MatchedOn:
    """Words of the search and the fields (labels) they matched in."""

    words: str
    fields: tuple[str, ...]


@dataclass(frozen=True)
class SearchHit:
    """One researcher found: relevance score (0 without text), miles from the ZIP, what matched."""

    id: int
    score: float
    miles: float | None = None
    matched_on: tuple[MatchedOn, ...] = ()


@dataclass(frozen=True)
class SearchPage:
    """A slice of the results, the total, words left out as too common, and a better-spelt search."""

    total: int
    hits: list[SearchHit]
    ignored: tuple[str, ...] = ()
    suggestion: str | None = None


@dataclass
class _Clause:
    """One word of a search: its analysed term keys (all must be present) or other keys (any will do)."""

    word: str
    terms: tuple[int | None, ...]
    others: tuple[int, ...]
    required: bool
    mask: np.ndarray | None = field(default=None, repr=False)


def _haversine_miles(lat: np.ndarray, lon: np.ndarray, near: Near) -> np.ndarray:
    """Great-circle distances from `near` (NaN where a coordinate is missing)."""
    lat1, lon1 = np.radians(lat), np.radians(lon)
    lat2, lon2 = np.radians(near.latitude), np.radians(near.longitude)
    a = np.sin((lat1 - lat2) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon1 - lon2) / 2) ** 2
    return 2 * EARTH_RADIUS_MILES * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


class DirectoryIndex:
    """Keyword search over listed researchers (scikit-learn conventions: learned attributes end in _)."""

    def __init__(self, analyzer: Analyzer | None = None):
        self.analyzer = analyzer or TextIndex().new_analyzer()

    # --- building ---------------------------------------------------------------------------------

    def fit(self, entries) -> DirectoryIndex:
        """Index these entries from scratch."""
        self._analyser = EntryAnalyser(self.analyzer)
        self._entries: dict[int, tuple[DirectoryEntry, AnalysedEntry]] = {}
        return self.update(entries)

    def update(self, changed=(), removed=()) -> DirectoryIndex:
        """Add or replace the changed entries, drop the removed ids, and reassemble."""
        for entry_id in removed:
            self._entries.pop(entry_id, None)
        for entry in changed:
            self._entries[entry.id] = (entry, self._analyser.analyse(entry))
        self._assemble()
        return self

    def __len__(self) -> int:
        return len(self.ids_)

    def __contains__(self, entry_id: int) -> bool:
        return entry_id in self.row_of_

    def _assemble(self) -> None:
        entries = [entry for entry, _ in self._entries.values()]
        analysed = [a for _, a in self._entries.values()]
        self.ids_ = np.array([e.id for e in entries], dtype=np.int64)
        self.row_of_ = {entry_id: row for row, entry_id in enumerate(self.ids_.tolist())}
        self._assemble_keys(analysed)
        self._assemble_facts(entries)
        self._analysed, self._content, self._vocabulary = analysed, None, None

    def _assemble_keys(self, analysed: list[AnalysedEntry]) -> None:
        """BM25 contributions (rows x keys, CSC) and the fields behind them."""
        n_rows, n_keys = len(analysed), len(self._analyser.keys)
        sizes = np.array([len(a.keys) for a in analysed], dtype=np.int64)
        rows = np.repeat(np.arange(n_rows, dtype=np.int32), sizes)
        keys = np.concatenate([a.keys for a in analysed] + [np.empty(0, np.int32)])
        fields = np.concatenate([a.fields for a in analysed] + [np.empty(0, np.uint8)]).astype(np.int64)
        counts = np.concatenate([a.counts for a in analysed] + [np.empty(0, np.float32)])
        lengths = np.vstack([a.lengths for a in analysed]) if analysed else np.zeros((0, len(FIELDS)), np.float32)
        average = lengths.mean(axis=0) if n_rows else np.ones(len(FIELDS), np.float32)
        average[average == 0] = 1.0
        norms = 1.0 - FIELD_B + FIELD_B * lengths / average
        weighted = (FIELD_WEIGHTS[fields] * counts / norms[rows, fields]).astype(np.float32)
        shape = (n_rows, n_keys)
        tf = sp.csc_matrix((weighted, (rows, keys)), shape=shape)
        tf.sum_duplicates()
        masks = sp.csc_matrix(((1 << fields).astype(np.int32), (rows, keys)), shape=shape)
        masks.sum_duplicates()  # distinct fields per (row, key): the sum of their bits is their union
        df = np.diff(tf.indptr)
        self.idf_ = np.log1p((n_rows - df + 0.5) / (df + 0.5)).astype(np.float32)
        column = np.repeat(np.arange(n_keys), df)
        self.scores_ = sp.csc_matrix((self.idf_[column] * tf.data * (K1 + 1) / (tf.data + K1),
                                      tf.indices, tf.indptr), shape=shape)
        self.fields_ = masks
        content = CONTENT_FIELDS[fields]
        self._content_parts = (rows[content], keys[content], weighted[content], shape, df)

    @property
    def content_(self) -> tuple[sp.csr_matrix, sp.csc_matrix]:
        """L2-normalised tf-idf of what each researcher works on (keywords, topics, statement…), by rows and
        by columns; built on first use after a change (only the profile page needs it).

        The idf is scikit-learn's smoothed one, so words every profile shares still count a little.
        """
        if self._content is None:
            rows, keys, weighted, shape, df = self._content_parts
            matrix = sp.csr_matrix((weighted, (rows, keys)), shape=shape)
            matrix.sum_duplicates()
            matrix.data *= (np.log((shape[0] + 1.0) / (df + 1.0)) + 1.0).astype(np.float32)[matrix.indices]
            lengths = np.diff(matrix.indptr)
            norms = np.sqrt(np.bincount(np.repeat(np.arange(shape[0]), lengths),
                                        weights=matrix.data.astype(np.float64) ** 2, minlength=shape[0]))
            norms[norms == 0] = 1.0
            matrix.data /= np.repeat(norms, lengths).astype(np.float32)
            self._content = (matrix, matrix.tocsc())
        return self._content

    @property
    def vocabulary_(self) -> Vocabulary:
        """The words of the listed profiles with their counts, for 'did you mean' (built on first use)."""
        if self._vocabulary is None:
            self._vocabulary = Vocabulary.from_entries(self._analyser.words, [a.words for a in self._analysed])
        return self._vocabulary

    def _assemble_facts(self, entries: list[DirectoryEntry]) -> None:
        """Filter arrays: state, vocabulary tags, coordinates, alphabetical order."""
        self.states_ = np.array([e.state for e in entries], dtype="<U2")
        tagged: dict[tuple[str, str], list[int]] = defaultdict(list)
        for kind in TAG_KINDS:
            for row, entry in enumerate(entries):
                for slug in getattr(entry, kind):
                    tagged[kind, slug].append(row)
        self.tags_: dict[tuple[str, str], np.ndarray] = {}
        for tag, rows in tagged.items():
            self.tags_[tag] = np.zeros(len(entries), dtype=bool)
            self.tags_[tag][rows] = True
        self.latitudes_ = np.array([np.nan if e.latitude is None else e.latitude for e in entries], dtype=float)
        self.longitudes_ = np.array([np.nan if e.longitude is None else e.longitude for e in entries], dtype=float)
        order = sorted(range(len(entries)), key=lambda row: (fold(entries[row].name), entries[row].id))
        self.name_rank_ = np.empty(len(entries), dtype=np.int64)
        self.name_rank_[order] = np.arange(len(entries))

    # --- searching --------------------------------------------------------------------------------

    def search(self, query: DirectoryQuery, start: int = 0, stop: int = 20) -> SearchPage:
        """Results start:stop of the query, best first, with the total and what was left out."""
        allowed, miles = self._filtered(query)
        clauses, ignored = self._clauses(query.text)
        matched, scores = self._matched(clauses, allowed, bool(query.text.strip()))
        rows = self._ordered(np.flatnonzero(matched), scores, miles, bool(clauses))
        suggestion = self._suggestion(query, clauses, len(rows)) if len(rows) <= FEW_RESULTS else None
        hits = [self._hit(int(row), clauses, scores, miles) for row in rows[start:stop]]
        return SearchPage(total=len(rows), hits=hits, ignored=ignored, suggestion=suggestion)

    def _filtered(self, query: DirectoryQuery) -> tuple[np.ndarray, np.ndarray | None]:
        allowed = np.ones(len(self.ids_), dtype=bool)
        if query.state:
            allowed &= self.states_ == query.state
        for kind, slug in zip(TAG_KINDS, (query.topic, query.method, query.help, query.terms), strict=True):
            if slug:
                allowed &= self.tags_.get((kind, slug), np.zeros_like(allowed))
        miles = None
        if query.near is not None:
            miles = _haversine_miles(self.latitudes_, self.longitudes_, query.near)
            with np.errstate(invalid="ignore"):
                allowed &= miles <= query.near.miles
        return allowed, miles

    def _clauses(self, text: str) -> tuple[list[_Clause], tuple[str, ...]]:
        """One clause per word of the search, and the words too common to search on."""
        folded = words(text)[:MAX_SEARCH_WORDS]
        typed = [match.group() for match in WORD.finditer(text)]
        shown = typed[:MAX_SEARCH_WORDS] if len(typed) == len(words(text)) else folded
        codes = {code.lower() for code in TYPED_STATE_CODE.findall(text) if code in STATE_CODES}
        keys = self._analyser.keys
        clauses, ignored = [], []
        for word, display in zip(folded, shown, strict=True):
            terms = tuple(keys.get(term) for term in self.analyzer.word_terms(word))
            others = [keys.get(NAME_PREFIX + token) for token in name_tokens(word)]
            is_state = word.upper() in STATE_CODES and (word in codes or terms)
            if is_state:
                others.append(keys.get(state_key(word)))
            required = bool(terms) or is_state
            clause = _Clause(display, terms, tuple(k for k in others if k is not None), required)
            clauses.append(clause)
            if not required and not clause.others and display.lower() not in ENGLISH_STOP_WORDS:
                ignored.append(display)
        return clauses, tuple(ignored)

    def _present(self, key: int) -> np.ndarray:
        mask = np.zeros(len(self.ids_), dtype=bool)
        column = self.scores_
        mask[column.indices[column.indptr[key]:column.indptr[key + 1]]] = True
        return mask

    def _clause_mask(self, clause: _Clause) -> np.ndarray:
        if clause.terms and None not in clause.terms:
            mask = np.logical_and.reduce([self._present(k) for k in clause.terms])
        else:
            mask = np.zeros(len(self.ids_), dtype=bool)
        for key in clause.others:
            mask |= self._present(key)
        return mask

    def _matched(self, clauses: list[_Clause], allowed: np.ndarray, has_words: bool):
        """(rows matching every required word, or any other word when none is required; their scores).

        A text without a searchable word ("%", "police") finds nobody rather than everybody.
        """
        scores = np.zeros(len(self.ids_), dtype=np.float32)
        if not has_words:
            return allowed, scores
        for clause in clauses:
            clause.mask = self._clause_mask(clause)
        required = [c.mask for c in clauses if c.required]
        if required:
            matched = allowed & np.logical_and.reduce(required)
        else:
            matched = allowed & np.logical_or.reduce([c.mask for c in clauses] or [np.zeros_like(allowed)])
        for key in {k for c in clauses for k in (*c.terms, *c.others) if k is not None}:
            start, stop = self.scores_.indptr[key], self.scores_.indptr[key + 1]
            scores[self.scores_.indices[start:stop]] += self.scores_.data[start:stop]
        return matched, scores

    def _ordered(self, rows: np.ndarray, scores: np.ndarray, miles: np.ndarray | None, by_score: bool):
        """Best score first (ties by name), or nearest first, or by name."""
        if by_score:
            return rows[np.lexsort((self.name_rank_[rows], -scores[rows]))]
        if miles is not None:
            return rows[np.lexsort((self.name_rank_[rows], miles[rows]))]
        return rows[np.argsort(self.name_rank_[rows], kind="stable")]

    def _hit(self, row: int, clauses: list[_Clause], scores: np.ndarray, miles: np.ndarray | None) -> SearchHit:
        return SearchHit(id=int(self.ids_[row]), score=float(scores[row]),
                         miles=None if miles is None else float(miles[row]),
                         matched_on=self._matched_on(row, clauses))

    def _field_bits(self, row: int, key: int) -> int:
        start, stop = self.fields_.indptr[key], self.fields_.indptr[key + 1]
        at = start + np.searchsorted(self.fields_.indices[start:stop], row)
        return int(self.fields_.data[at]) if at < stop and self.fields_.indices[at] == row else 0

    def _matched_on(self, row: int, clauses: list[_Clause]) -> tuple[MatchedOn, ...]:
        """Each matching word with the fields it matched in; neighbours matching the same fields together."""
        grouped: list[tuple[list[str], tuple[str, ...]]] = []
        for clause in clauses:
            bits = 0
            for key in (*clause.terms, *clause.others):
                if key is not None:
                    bits |= self._field_bits(row, key)
            labels = tuple(dict.fromkeys(f.label for n, f in enumerate(FIELDS) if bits >> n & 1))
            if not labels:
                continue
            if grouped and grouped[-1][1] == labels:
                grouped[-1][0].append(clause.word)
            else:
                grouped.append(([clause.word], labels))
        return tuple(MatchedOn(" ".join(ws), labels) for ws, labels in grouped)

    # --- did you mean -----------------------------------------------------------------------------

    def _suggestion(self, query: DirectoryQuery, clauses: list[_Clause], total: int) -> str | None:
        """The search with unknown or rare words replaced by close, commoner ones, if that finds more.

        An unknown word may be replaced by any close word; a word that some profile does contain (a rare
        spelling, perhaps a typo there too) only by a very close one found in many more profiles; a word
        matching a name or a state code is never replaced.
        """
        replacements = {}
        for position, clause in enumerate(clauses):
            if not clause.required or clause.mask is None or any(self._present(k).any() for k in clause.others):
                continue
            count = int(clause.mask.sum())
            if count == 0:
                better = self.vocabulary_.split(fold(clause.word)) or self.vocabulary_.closest(fold(clause.word))
            elif count <= RARE_WORD:
                better = self.vocabulary_.closest(fold(clause.word), at_least=max(3, 5 * count),
                                                  min_similarity=RARE_WORD_SIMILARITY)
            else:
                continue
            if better is not None:
                replacements[position] = better
        if not replacements:
            return None
        corrected = _replace_words(query.text, replacements)
        found = self.search(DirectoryQuery(corrected, query.state, query.topic, query.method, query.help,
                                           query.terms, query.near), 0, 0).total
        return corrected if found > total else None

    # --- similar researchers ----------------------------------------------------------------------

    def similar(self, entry_id: int, k: int = 4, min_similarity: float = 0.05) -> list[tuple[int, float]]:
        """The k researchers whose work is closest to this one's (cosine of tf-idf vectors), best first."""
        row = self.row_of_.get(entry_id)
        if row is None:
            return []
        by_row, by_column = self.content_
        start, stop = by_row.indptr[row], by_row.indptr[row + 1]
        keys, weights = by_row.indices[start:stop], by_row.data[start:stop]
        if not len(keys):
            return []
        similarity = np.asarray(by_column[:, keys] @ weights).ravel()
        similarity[row] = 0.0
        candidates = np.flatnonzero(similarity >= min_similarity)
        best = candidates[np.lexsort((self.name_rank_[candidates], -similarity[candidates]))][:k]
        return [(int(self.ids_[r]), float(similarity[r])) for r in best]


def _replace_words(text: str, replacements: dict[int, str]) -> str:
    """The text with its n-th words replaced."""
    seen = [-1]

    def replace(match: re.Match) -> str:
        seen[0] += 1
        return replacements.get(seen[0], match.group())

    return WORD.sub(replace, text)
