"""Score a ranking function against graded labels and print the result as a table."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from matcher.ranking.documents import ProblemQuery, ResearcherProfile, publication_text
from matcher.ranking.metrics import ndcg_at_k, pairwise_loss, precision_at_k, reciprocal_rank

Ranker = Callable[[ProblemQuery], Sequence[tuple[str, float]]]
Labels = Mapping[str, Mapping[str, float]]


@dataclass(frozen=True)
class MetricsRow:
    """Mean metrics of one ranking function over the labelled queries."""

    name: str
    queries: int
    ndcg: float
    precision: float
    mrr: float
    pairwise_loss: float
    k: int = 10


def evaluate_ranker(name: str, profiles: Sequence[ResearcherProfile], queries: Sequence[ProblemQuery],
                    labels: Labels, rank: Ranker, k: int = 10, min_grade: float = 1) -> MetricsRow:
    """Run rank on every labelled query; unlabelled researchers count as grade 0."""
    everyone = [p.id for p in profiles]
    totals = [0.0, 0.0, 0.0, 0.0]
    scored = 0
    for query in queries:
        given = labels.get(query.id)
        if not given:
            continue
        grades = {rid: 0.0 for rid in everyone} | {rid: float(g) for rid, g in given.items()}
        ranking = list(rank(query))
        ranked = [rid for rid, _ in ranking]
        values = (ndcg_at_k(ranked, grades, k), precision_at_k(ranked, grades, k, min_grade),
                  reciprocal_rank(ranked, grades, min_grade), pairwise_loss(dict(ranking), grades))
        totals = [t + v for t, v in zip(totals, values, strict=True)]
        scored += 1
    means = [t / scored for t in totals] if scored else totals
    return MetricsRow(name, scored, *means, k=k)


def metrics_table(rows: Sequence[MetricsRow], title: str = "") -> str:
    """Format metrics rows as a fixed-width (and Markdown-compatible) table."""
    k = rows[0].k if rows else 10
    header = ["ranking", "queries", f"nDCG@{k}", f"P@{k}", "MRR", "pairwise loss"]
    body = [[r.name, str(r.queries), f"{r.ndcg:.3f}", f"{r.precision:.3f}", f"{r.mrr:.3f}",
             f"{r.pairwise_loss:.3f}"] for r in rows]
    widths = [max(len(line[i]) for line in [header, *body]) for i in range(len(header))]
    lines = [f"## {title}", ""] if title else []
    lines.append("| " + " | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)) + " |")
    lines.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    lines += ["| " + " | ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)) + " |"
              for line in body]
    return "\n".join(lines)


def plain_text(profile: ResearcherProfile) -> str:
    """A profile's own words, unweighted: statement, keywords, publication titles and abstracts."""
    papers = " ".join(publication_text(p) for p in profile.publications)
    return f"{profile.statement}\n{', '.join(profile.keywords)}\n{papers}"


def baseline_ranker(profiles: Sequence[ResearcherProfile]) -> Ranker:
    """The plain scikit-learn baseline: TfidfVectorizer (English stop words, sublinear tf) and cosine."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(stop_words="english", sublinear_tf=True, strip_accents="unicode")
    matrix = vectorizer.fit_transform([plain_text(p) for p in profiles])
    ids = [p.id for p in profiles]

    def rank(query: ProblemQuery) -> list[tuple[str, float]]:
        scores = (matrix @ vectorizer.transform([f"{query.title}\n{query.text}"]).T).toarray().ravel()
        return sorted(zip(ids, scores.tolist(), strict=True), key=lambda pair: (-pair[1], pair[0]))

    return rank


def text_ranker(index) -> Ranker:
    """A ranker using the text index alone (every researcher, best first)."""
    return lambda query: [(h.researcher_id, h.score) for h in index.query(query, k=None, explain=False)]


def blended_ranker(index, candidates, facts_of: Mapping, weights=None) -> Ranker:
    """A ranker blending text with structured fit; excluded researchers are left out."""
    from matcher.ranking.blend import BlendWeights, blend

    def rank(query: ProblemQuery) -> list[tuple[str, float]]:
        suggestions, _ = blend(facts_of[query.id], candidates, index.scores(query), weights or BlendWeights())
        return [(s.researcher_id, s.score) for s in suggestions]

    return rank
