"""The TF-IDF index of researcher profiles: fit once, query fast, update in place."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
import sklearn
from sklearn.base import BaseEstimator
from sklearn.feature_extraction.text import TfidfVectorizer

from matcher import taxonomy
from matcher.ranking import calibration
from matcher.ranking.analysis import Analyzer, count_fit, tfidf_matrix
from matcher.ranking.documents import (
    DocumentWeights,
    ProblemQuery,
    ResearcherProfile,
    own_words,
    problem_document,
    publication_text,
    researcher_document,
)
from matcher.ranking.expansions import Bridges
from matcher.ranking.explanations import BestPublication, best_publications, named_terms, term_shares
from matcher.ranking.postings import Postings, top_k, top_rows
from matcher.ranking.semantic import LatentSpace, PaperEvidence
from matcher.ranking.stopwords import DOMAIN_STOP_WORDS, GENERIC_WORDS, stop_words
from matcher.ranking.vectors import EMPTY, tfidf_vector

DEFAULT_WEIGHTS = DocumentWeights()
SUBJECT_LABELS = " ".join(label for _, label in taxonomy.TOPICS + taxonomy.METHODS)
MERGE_RECENT_ROWS = 2048


def _sorted_csc(matrix: sp.spmatrix) -> sp.csc_matrix:
    """CSC with sorted row indices in every column (searchsorted relies on it)."""
    matrix = sp.csc_matrix(matrix)
    matrix.sort_indices()
    return matrix


@dataclass(frozen=True)
class TextHit:
    """One researcher found by a text query, with why.

    terms are words the problem itself wrote that the profile shares, with their share of the word
    overlap; related are researcher words the bridges added for the problem's phrases.
    """

    researcher_id: str
    score: float
    terms: list[tuple[str, float]]
    best_publication: BestPublication | None = None
    related: list[tuple[str, float]] = field(default_factory=list)
    n_subject_terms: int = 0


@dataclass(frozen=True)
class _Query:
    """A problem ready to score: its TF-IDF vector and the words behind each of its terms."""

    vector: tuple[np.ndarray, np.ndarray]
    own_forms: dict[str, str]
    bridged_forms: dict[str, str]


class TextIndex(BaseEstimator):
    """TF-IDF cosine index over researcher documents (a scikit-learn estimator: get_params, set_params, clone)."""

    def __init__(self, *, ngram_range=(1, 1), min_df=1, max_df=0.5, sublinear_tf=True,
                 extra_stop_words=DOMAIN_STOP_WORDS | GENERIC_WORDS, weights=DEFAULT_WEIGHTS, refit_share=0.2,
                 keep_publications=True, n_terms=8, stem=True, bridges=False, lsa_components=50,
                 lsa_weight=0.3, publication_weight=0.0):
        self.ngram_range = ngram_range
        self.stem = stem
        self.bridges = bridges
        self.lsa_components = lsa_components
        self.lsa_weight = lsa_weight
        self.publication_weight = publication_weight
        self.min_df = min_df
        self.max_df = max_df
        self.sublinear_tf = sublinear_tf
        self.extra_stop_words = extra_stop_words
        self.weights = weights
        self.refit_share = refit_share
        self.keep_publications = keep_publications
        self.n_terms = n_terms

    def new_analyzer(self) -> Analyzer:
        """The analyser used at fit, at query time and for explanations."""
        return Analyzer(stop_words(self.extra_stop_words), self.ngram_range, self.stem)

    def _new_vectorizer(self, min_df, max_df) -> TfidfVectorizer:
        """A scikit-learn vectorizer with the same analyser and settings (for baselines and tests)."""
        return TfidfVectorizer(analyzer=self.new_analyzer(), min_df=min_df, max_df=max_df,
                               sublinear_tf=self.sublinear_tf, dtype=np.float32)

    def _documents(self, profiles: Iterable[ResearcherProfile]):
        for profile in profiles:
            document = researcher_document(profile, self.weights)
            self._remember(profile, document)
            yield document

    def _fit_matrix(self, profiles: Iterable[ResearcherProfile]) -> sp.csc_matrix:
        """Count, cut by document frequency (relaxed for tiny corpora), weight; or fit nothing."""
        self.analyzer_ = self.new_analyzer()
        chunks, terms = count_fit(self._documents(profiles), self.analyzer_)
        n_documents = sum(chunk.shape[0] for chunk in chunks)
        self.settings_ = None
        for min_df, max_df in ((self.min_df, self.max_df), (1, 1.0)):
            try:
                matrix, self.terms_, self.idf_ = tfidf_matrix(chunks, terms, min_df, max_df,
                                                              self.sublinear_tf)
            except ValueError:  # empty vocabulary or nothing left after pruning
                continue
            self.settings_ = (min_df, max_df)
            self.vocabulary_ = {term: column for column, term in enumerate(self.terms_.tolist())}
            return matrix
        self.analyzer_, self.terms_, self.vocabulary_, self.idf_ = None, np.array([]), {}, np.zeros(0)
        return sp.csc_matrix((n_documents, 0), dtype=np.float32)

    def fit(self, profiles: Iterable[ResearcherProfile]) -> TextIndex:
        """Build the index from scratch over the given profiles."""
        self.ids_, self.publications_, self._paper_texts = [], [], []
        self._calibration = calibration.CalibrationSample()
        self.subject_terms_: set[str] = set()
        self._corpus_hash = hashlib.sha256()
        self.blocks_ = [self._fit_matrix(profiles)]
        self.bridges_ = Bridges(self.analyzer_) if self.bridges and self.analyzer_ is not None else None
        self.latent_ = None
        if self.lsa_components and self.lsa_weight > 0:
            self.latent_ = LatentSpace(self.lsa_components).fit(self.blocks_[0])
        self.papers_ = PaperEvidence().fit(self._transform, self._paper_texts) \
            if self.publication_weight > 0 else None
        self.row_of_ = {rid: row for row, rid in enumerate(self.ids_)}
        if len(self.row_of_) != len(self.ids_):
            raise ValueError("Each researcher id may appear only once in the profiles.")
        self.live_ = np.ones(len(self.ids_), dtype=bool)
        self._dead = np.empty(0, dtype=np.int64)
        self.postings_ = Postings(self.blocks_)
        self.subject_terms_ |= set(self.analyzer_.unigrams(SUBJECT_LABELS)) if self.analyzer_ else set()
        self.reference_ = calibration.reference_score(self._calibration, self._best_other_score)
        self.n_fitted_, self.n_changed_ = len(self.ids_), 0
        params = repr((self.analyzer_, self.settings_, self.sublinear_tf, "smooth-idf-l2", self.bridges,
                       self.lsa_components, self.lsa_weight, self.publication_weight))
        settings = hashlib.sha256((params + repr(self.weights)).encode()).hexdigest()[:8]
        self._prefix = f"tfidf-sklearn{sklearn.__version__}-{settings}"
        return self

    def _best_other_score(self, row: int, text: str) -> float:
        scores, _ = self._dense_scores(self._prepare(text))
        scores[row] = 0.0
        return float(scores.max()) if len(scores) else 0.0

    def calibrated(self, score: float) -> float:
        """A text score on a scale that means the same for every problem: 1 = a typical strong match."""
        return min(1.0, max(0.0, score / self.reference_))

    def strength(self, hit: TextHit) -> float:
        """How strong a text match is, 0-1, comparable across problems (see calibration.strength)."""
        return calibration.strength(hit.score, self.reference_, hit.n_subject_terms)

    def _remember(self, profile: ResearcherProfile, document: str) -> None:
        self.ids_.append(profile.id)
        self.publications_.append(tuple(profile.publications) if self.keep_publications else ())
        if self.publication_weight > 0:
            self._paper_texts.append([publication_text(p) for p in profile.publications])
        if profile.publications:
            self._calibration.offer(len(self.ids_) - 1, publication_text(profile.publications[0]))
        if self.analyzer_ is not None:  # words researchers use to name subjects: what explanations may show
            titles = " ".join(p.title for p in profile.publications)
            self.subject_terms_.update(self.analyzer_.unigrams(f"{' '.join(profile.keywords)} {titles}"))
        self._corpus_hash.update(f"{profile.id}\0{document}\n".encode())

    @property
    def version_(self) -> str:
        """Library version, parameters and a fingerprint of the indexed corpus."""
        return f"{self._prefix}-{self._corpus_hash.hexdigest()[:12]}"

    @property
    def refit_advised(self) -> bool:
        """True when so many profiles changed since fit that the vocabulary is stale."""
        return self.n_changed_ > self.refit_share * max(self.n_fitted_, 1)

    def __len__(self) -> int:
        return int(self.live_.sum())

    def __contains__(self, researcher_id: str) -> bool:
        return researcher_id in self.row_of_

    def add_or_update(self, profiles: Iterable[ResearcherProfile]) -> TextIndex:
        """Add new profiles or replace changed ones, reusing the fitted vocabulary."""
        profiles = list(profiles)
        if not profiles:
            return self
        if len({p.id for p in profiles}) != len(profiles):
            raise ValueError("Each researcher id may appear only once in the profiles.")
        self.remove(p.id for p in profiles if p.id in self.row_of_)
        documents = []
        for profile in profiles:
            document = researcher_document(profile, self.weights)
            self.row_of_[profile.id] = len(self.ids_)
            self._remember(profile, document)
            documents.append(document)
        new = _sorted_csc(self._transform(documents))
        if self.latent_ is not None:
            self.latent_.append(new)
        if self.papers_ is not None:
            self.papers_.append(self._transform, self._paper_texts[-len(profiles):])
        self.live_ = np.concatenate([self.live_, np.ones(len(profiles), dtype=bool)])
        self._dead = np.flatnonzero(~self.live_)
        self.n_changed_ += len(profiles)
        recent = _sorted_csc(sp.vstack([self.blocks_[1], new])) if len(self.blocks_) > 1 else new
        self.blocks_ = [self.blocks_[0], recent]
        if recent.shape[0] > MERGE_RECENT_ROWS:
            self.blocks_ = [_sorted_csc(sp.vstack(self.blocks_))]
        self.postings_ = Postings(self.blocks_)
        return self

    def remove(self, researcher_ids: Iterable[str]) -> TextIndex:
        """Drop researchers from the results (their rows stay until the next fit)."""
        for researcher_id in list(researcher_ids):
            row = self.row_of_.pop(researcher_id, None)
            if row is not None:
                self.live_[row] = False
                self.publications_[row] = ()
                self.n_changed_ += 1
                self._corpus_hash.update(f"-{researcher_id}\n".encode())
        self._dead = np.flatnonzero(~self.live_)
        return self

    def _transform(self, documents: list[str]) -> sp.csr_matrix:
        """TF-IDF rows of new documents over the fitted vocabulary (same numbers as the fit)."""
        vectors = [self.vector(document) for document in documents]
        indptr = np.concatenate([[0], np.cumsum([len(c) for c, _ in vectors])])
        columns = np.concatenate([c for c, _ in vectors] + [np.empty(0, dtype=np.int64)])
        weights = np.concatenate([w for _, w in vectors] + [np.empty(0)]).astype(np.float32)
        return sp.csr_matrix((weights, columns, indptr), shape=(len(documents), len(self.terms_)))

    def vector(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """The L2-normalised TF-IDF vector of a text as (columns, weights), fast."""
        if self.analyzer_ is None:
            return EMPTY
        return tfidf_vector(self.analyzer_(text), self.vocabulary_, self.idf_, self.sublinear_tf)

    def _prepare(self, problem: ProblemQuery | str) -> _Query:
        """The problem's vector (its own words plus bridged researcher words) and the words behind its terms."""
        own = own_words(problem)
        if self.analyzer_ is None:
            return _Query(EMPTY, {}, {})
        bridged = self.bridges_.expand(own) if self.bridges_ is not None else ""
        if isinstance(problem, str):
            document = f"{problem}\n{bridged}" if bridged else problem
        else:
            document = problem_document(problem, self.weights, bridged)
        return _Query(self.vector(document), self.analyzer_.surface_forms(own),
                      self.analyzer_.surface_forms(bridged))

    def _dense_scores(self, query: _Query) -> tuple[np.ndarray, np.ndarray]:
        """(text score of every row, its word-overlap cosine part) for a prepared query."""
        cosines = self.postings_.dense_scores(*query.vector)
        if not len(query.vector[0]) or (self.latent_ is None and self.papers_ is None):
            return cosines.copy(), cosines
        scores = cosines.copy()
        if self.latent_ is not None:
            latent = self.latent_.embeddings_ @ self.latent_.embed_vector(*query.vector)
            np.clip(latent, 0.0, None, out=latent)
            scores += self.lsa_weight * (latent - cosines)
        if self.papers_ is not None:
            scores += self.publication_weight * (self.papers_.best(query.vector, cosines) - cosines)
        return scores, cosines

    def scores(self, problem: ProblemQuery | str) -> dict[str, float]:
        """Text score of the problem with every live researcher scoring above 0."""
        scores, _ = self._dense_scores(self._prepare(problem))
        rows = np.flatnonzero((scores > 0) & self.live_)
        return dict(zip([self.ids_[row] for row in rows.tolist()], scores[rows].tolist(), strict=True))

    def query(self, problem: ProblemQuery | str, k: int | None = 10, *,
              explain: bool = True, with_publications: bool = True) -> list[TextHit]:
        """The k best researchers (all when k is None), best first, ties by id; explained if asked."""
        query = self._prepare(problem)
        k = len(self) if k is None else k
        scores, cosines = self._dense_scores(query)
        rows, top = top_rows(scores, self._dead, k)
        chosen = top_k(rows, top, self.ids_, k)
        hits = self._hits(query, rows[chosen], top[chosen], cosines, explain, with_publications)
        return hits + self._zero_hits(rows, k - len(hits))

    def explain(self, problem: ProblemQuery | str, researcher_ids: Iterable[str]) -> list[TextHit]:
        """The text hit of each named researcher, scored and explained exactly as `query` does (unknown ids
        are left out), so a researcher outside the top k can be shown like the others."""
        query = self._prepare(problem)
        scores, cosines = self._dense_scores(query)
        rows = np.array([self.row_of_[rid] for rid in dict.fromkeys(researcher_ids) if rid in self.row_of_],
                        dtype=np.int64)
        return self._hits(query, rows, scores[rows], cosines, True, True)

    def _hits(self, query: _Query, hit_rows: np.ndarray, hit_scores: np.ndarray, cosines: np.ndarray,
              explain: bool, with_publications: bool) -> list[TextHit]:
        """TextHits for these rows, with shared words and the best publication when explained."""
        shares = term_shares(self.postings_, query.vector, hit_rows, cosines[hit_rows], self.terms_,
                             self.n_terms) if explain else {}
        papers = best_publications(self.vector, query.vector, [self.publications_[r] for r in hit_rows]) \
            if explain and with_publications and self.keep_publications else [None] * len(hit_rows)
        hits = []
        for row, score, paper in zip(hit_rows.tolist(), hit_scores.tolist(), papers, strict=True):
            row_shares = [(term, share) for term, share in shares.get(row, []) if self._is_subject(term)]
            terms, related = named_terms(row_shares, query.own_forms, query.bridged_forms)
            hits.append(TextHit(self.ids_[row], float(score), terms, paper, related, len(row_shares)))
        return hits

    def _is_subject(self, term: str) -> bool:
        """Whether researchers use the term (every word of an n-gram) in keywords, titles or topic names."""
        return all(part in self.subject_terms_ for part in term.split(" "))

    def _zero_hits(self, scored_rows: np.ndarray, wanted: int) -> list[TextHit]:
        """Fill with researchers sharing no term, in id order (only reached when fewer than k scored)."""
        if wanted <= 0:
            return []
        scored = set(scored_rows.tolist())
        rest = sorted(rid for rid, row in self.row_of_.items() if row not in scored)
        return [TextHit(rid, 0.0, []) for rid in rest[:wanted]]

