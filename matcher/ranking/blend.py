"""Blend the text score with structured fit into one ranked, explained list of suggestions."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from matcher.ranking.exclusions import Exclusion, exclusion_reason
from matcher.ranking.structured import (
    MatchCandidate,
    ProblemFacts,
    capacity_fit,
    distance_fit,
    share_covered,
    terms_fit,
)


@dataclass(frozen=True)
class BlendWeights:
    """Weight of each part in the final score (filled from configuration by the app)."""

    text: float = 0.6
    topics: float = 0.15
    help: float = 0.05
    distance: float = 0.1
    terms: float = 0.05
    capacity: float = 0.05


@dataclass(frozen=True)
class Suggestion:
    """One ranked researcher, the final score and every part behind it."""

    researcher_id: str
    score: float
    parts: dict[str, float]


def score_parts(candidate: MatchCandidate, problem: ProblemFacts, cosine: float,
                scale: float = 1.0) -> dict[str, float]:
    """Each part of the fit in [0, 1]; text is the text score divided by scale (capped at 1)."""
    return {
        "text": min(max(cosine / scale, 0.0), 1.0) if scale > 0 else 0.0,
        "topics": share_covered(problem.topics, candidate.topics),
        "help": share_covered(problem.help_wanted, candidate.help_offered),
        "distance": distance_fit(candidate, problem),
        "terms": terms_fit(candidate, problem),
        "capacity": capacity_fit(candidate),
        "cosine": cosine,
    }


def weighted_score(parts: dict[str, float], weights: BlendWeights) -> float:
    """Weighted mean of the weighted parts (0 when every weight is 0); other parts are for display."""
    weight_of = asdict(weights)
    total = sum(weight_of.values())
    return sum(weight * parts[name] for name, weight in weight_of.items()) / total if total else 0.0


def text_scale(problem: ProblemFacts, candidates: list[MatchCandidate], text_scores: dict[str, float]) -> float:
    """The text score that counts as a full text part: the best eligible candidate's."""
    eligible = [c for c in candidates if exclusion_reason(c, problem) is None]
    return max((text_scores.get(c.researcher_id, 0.0) for c in eligible), default=0.0)


def score_candidate(candidate: MatchCandidate, problem: ProblemFacts, cosine: float, scale: float,
                    weights: BlendWeights = BlendWeights()) -> Suggestion:
    """One candidate's blended score and its parts, against a text scale from `text_scale`."""
    parts = score_parts(candidate, problem, cosine, scale)
    return Suggestion(candidate.researcher_id, weighted_score(parts, weights), parts)


def blend(problem: ProblemFacts, candidates: list[MatchCandidate], text_scores: dict[str, float],
          weights: BlendWeights = BlendWeights(), k: int | None = None,
          ) -> tuple[list[Suggestion], list[tuple[str, Exclusion]]]:
    """Rank candidates for a problem: (suggestions best first, [(researcher id, first exclusion reason)]).

    text_scores holds the text score per researcher id (missing = 0). Raw scores are small and would be
    swamped by the 0/1 structured parts, so the text part is the score divided by the best eligible
    candidate's (measured against a corpus-calibrated scale in bench/RANKING.md: the relative scale won).
    """
    eligible, exclusions = [], []
    for candidate in candidates:
        reason = exclusion_reason(candidate, problem)
        if reason:
            exclusions.append((candidate.researcher_id, reason))
        else:
            eligible.append(candidate)
    scale = text_scale(problem, eligible, text_scores)
    suggestions = [score_candidate(c, problem, text_scores.get(c.researcher_id, 0.0), scale, weights)
                   for c in eligible]
    suggestions.sort(key=lambda s: (-s.score, s.researcher_id))
    exclusions.sort(key=lambda pair: pair[0])
    return (suggestions if k is None else suggestions[:k]), exclusions
