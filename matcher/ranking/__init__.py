"""Pure ranking core: plain data in, plain data out (no Flask, no database).

- documents: ResearcherProfile, Publication, ProblemQuery, researcher_document(), problem_document()
- text_index: TextIndex(...).fit(profiles) -> .query(problem, k) -> [TextHit], .scores(problem),
  .add_or_update(profiles), .remove(ids), .refit_advised, .version_
- blend: MatchCandidate, ProblemFacts, BlendWeights,
  blend(facts, candidates, text_scores, weights, k) -> (suggestions, [(id, reason)]),
  text_scale() and score_candidate() to score one researcher on the same scale
- exclusions: Exclusion (codes with labels), exclusions(candidate, facts): the one policy that suggestions,
  introductions and global assignment share
- metrics: ndcg_at_k, precision_at_k, reciprocal_rank, mrr, pairwise_loss
- evaluation: evaluate_ranker(), metrics_table(), text_ranker(), blended_ranker()
- batch: read_profiles(), read_queries(), result_line() for JSON Lines; evaluation_data: load_seed(), load_held_out()
- search: DirectoryIndex().fit(entries) -> .search(DirectoryQuery, start, stop) -> SearchPage, .similar(id),
  .update(changed, removed): the public directory's keyword search (search_documents, did_you_mean)
"""

from matcher.ranking.blend import BlendWeights, Suggestion, blend, score_candidate, text_scale
from matcher.ranking.documents import (
    DocumentWeights,
    ProblemQuery,
    Publication,
    ResearcherProfile,
    problem_document,
    researcher_document,
)
from matcher.ranking.evaluation import MetricsRow, blended_ranker, evaluate_ranker, metrics_table, text_ranker
from matcher.ranking.exclusions import Exclusion, exclusion_reason, exclusions
from matcher.ranking.explanations import BestPublication
from matcher.ranking.metrics import mrr, ndcg_at_k, pairwise_loss, precision_at_k, reciprocal_rank
from matcher.ranking.structured import MatchCandidate, ProblemFacts
from matcher.ranking.text_index import TextHit, TextIndex

__all__ = [
    "BestPublication", "BlendWeights", "DocumentWeights", "Exclusion", "MatchCandidate", "MetricsRow", "ProblemFacts",
    "ProblemQuery", "Publication", "ResearcherProfile", "Suggestion", "TextHit", "TextIndex", "blend",
    "blended_ranker", "evaluate_ranker", "exclusion_reason", "exclusions", "metrics_table", "mrr", "ndcg_at_k",
    "pairwise_loss", "precision_at_k", "problem_document", "reciprocal_rank", "researcher_document",
    "score_candidate", "text_ranker", "text_scale",
]
