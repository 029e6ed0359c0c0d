"""Suggestions for problem statements: the one place that calls the ranking core."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, exists, func, or_, select

from matcher import ranking, taxonomy
from matcher.extensions import db
from matcher.models import Partnership, Problem, Researcher, Suggestion
from matcher.models.types import utcnow
from matcher.services import corpus, index_cache
from matcher.services.transactions import unit_of_work
from matcher.taxonomy import OPEN_PROBLEM_STATUSES

CANDIDATE_POOL = 100  # text hits considered before structured fit re-orders them


@dataclass
class RankingResult:
    """Ranked suggestions, excluded researchers with reasons, and the text hits behind them.

    `suggestions` is the stored top k; `ranked` every eligible candidate considered, best first (the top k
    and below, with researchers asked for by name); `scale` the text score that counts as a full text part.
    """

    suggestions: list[ranking.Suggestion]
    exclusions: list[tuple[int, str]]
    hits: dict[str, ranking.TextHit]
    model_version: str
    strength: Callable[[ranking.TextHit], float] = lambda hit: 0.0
    ranked: list[ranking.Suggestion] = field(default_factory=list)
    scale: float = 0.0
    candidates: dict[str, ranking.MatchCandidate] = field(default_factory=dict)


def problem_query(problem: Problem) -> ranking.ProblemQuery:
    """The text side of a problem statement, with the agency's follow-up information."""
    extra = " ".join(u.body for u in problem.updates if u.author == "agency" and u.kind in ("info", "answer"))
    return ranking.ProblemQuery(
        id=str(problem.id), title=problem.title, text=f"{problem.description} {extra}".strip(),
        topics=list(problem.topics),
    )


def problem_facts(problem: Problem) -> ranking.ProblemFacts:
    """The structured side of a problem statement."""
    avoid = [part.strip() for part in re.split(r"[,;\n]+", problem.avoid or "") if part.strip()]
    return ranking.ProblemFacts(
        topics=list(problem.topics), help_wanted=list(problem.help_wanted),
        lat=problem.latitude, lon=problem.longitude, state=problem.state,
        max_distance_miles=problem.max_distance_miles, in_person_only=problem.in_person_only, funding=problem.funding,
        agency_name=problem.agency_name, avoid=avoid,
    )


def active_partnership_counts(researcher_ids: list[int]) -> dict[int, int]:
    """How many active partnerships each researcher has."""
    rows = db.session.execute(
        select(Partnership.researcher_id, func.count())
        .where(
            Partnership.researcher_id.in_(researcher_ids),
            Partnership.stage.not_in(taxonomy.INACTIVE_PARTNERSHIP_STAGES),
        )
        .group_by(Partnership.researcher_id)
    )
    return dict(rows.all())


def match_candidate(researcher: Researcher, active: int) -> ranking.MatchCandidate:
    """The structured side of a researcher."""
    stale_after = timedelta(days=current_app.config["PROFILE_STALE_DAYS"])
    confirmed = researcher.confirmed_at is not None
    return ranking.MatchCandidate(
        researcher_id=str(researcher.id), name=researcher.name, institution=researcher.institution,
        topics=list(researcher.topics), help_offered=list(researcher.help_offered),
        methods=list(researcher.methods), terms=list(researcher.terms),
        lat=researcher.latitude, lon=researcher.longitude, state=researcher.state,
        remote=researcher.remote, free_capacity=researcher.capacity - active,
        conflicts=list(researcher.conflicts or []), confirmed=confirmed, hidden=researcher.hidden,
        stale=confirmed and utcnow() - researcher.confirmed_at > stale_after,
    )


def researcher_exclusions(researcher: Researcher, problem: Problem, active: int) -> list[ranking.Exclusion]:
    """Why this researcher (with `active` partnerships) may not be suggested, introduced or proposed here."""
    return ranking.exclusions(match_candidate(researcher, active), problem_facts(problem))


def model_version(index_version: str, weights: dict) -> str:
    """The index version and a fingerprint of the blend weights (two weightings never look the same)."""
    fingerprint = hashlib.sha256(repr(sorted(weights.items())).encode()).hexdigest()[:10]
    return f"{index_version}|w-{fingerprint}"


def blend_weights() -> ranking.BlendWeights:
    """The score weights from configuration."""
    return ranking.BlendWeights(**current_app.config["MATCH_WEIGHTS"])


def rank_problem(problem: Problem, k: int | None = None, also: Iterable[int] = ()) -> RankingResult:
    """Rank researchers for a problem without storing anything; `also` names researchers to score and rank
    with the closest text matches even when the text index would not have brought them up."""
    k = k or current_app.config["SUGGESTIONS_PER_PROBLEM"]
    query = problem_query(problem)
    with index_cache.current_index() as index:
        hits = {hit.researcher_id: hit for hit in index.query(query, k=CANDIDATE_POOL)}
        asked = [str(rid) for rid in also if str(rid) not in hits]
        hits.update({hit.researcher_id: hit for hit in index.explain(query, asked)} if asked else {})
        index_version = index.version_
    ids = list(dict.fromkeys([int(rid) for rid in hits] + [int(rid) for rid in also]))
    if problem.preferred_researcher_id and problem.preferred_researcher_id not in ids:
        ids.append(problem.preferred_researcher_id)
    researchers = db.session.scalars(select(Researcher).where(Researcher.id.in_(ids))).all()
    active = active_partnership_counts(ids)
    candidates = [match_candidate(r, active.get(r.id, 0)) for r in researchers]
    text_scores = {rid: hit.score for rid, hit in hits.items()}
    facts = problem_facts(problem)
    ranked, exclusions = ranking.blend(facts, candidates, text_scores, blend_weights())
    return RankingResult(
        suggestions=ranked[:k],
        exclusions=[(int(rid), reason.value) for rid, reason in exclusions],
        hits=hits,
        model_version=model_version(index_version, current_app.config["MATCH_WEIGHTS"]),
        strength=index.strength,
        ranked=ranked,
        scale=ranking.text_scale(facts, candidates, text_scores),
        candidates={c.researcher_id: c for c in candidates},
    )


@dataclass
class ScoredResearcher:
    """One researcher scored for a problem exactly as the stored suggestions are.

    rank is the place among the eligible researchers the ranking considered (None when excluded);
    exclusions lists every reason that leaves the researcher out (empty: eligible).
    """

    researcher: Researcher
    rank: int | None
    score: float
    parts: dict[str, float]
    explanation: dict
    exclusions: list[ranking.Exclusion]
    model_version: str


def score_researchers(problem: Problem, researchers: list[Researcher]) -> list[ScoredResearcher]:
    """Score and explain these researchers for a problem, in the given order, as `refresh_suggestions` would."""
    if not researchers:
        return []
    result = rank_problem(problem, also=[r.id for r in researchers])
    places = {s.researcher_id: place for place, s in enumerate(result.ranked, start=1)}
    return [_scored(result, places, researcher, problem_facts(problem)) for researcher in researchers]


def _scored(result: RankingResult, places: dict[str, int], researcher: Researcher,
            facts: ranking.ProblemFacts) -> ScoredResearcher:
    """One researcher's place, score, parts and explanation in a ranking that considered them."""
    rid = str(researcher.id)
    hit = result.hits.get(rid)
    candidate = result.candidates[rid]
    if rid in places:
        suggestion = result.ranked[places[rid] - 1]
    else:
        suggestion = ranking.score_candidate(candidate, facts, hit.score if hit else 0.0, result.scale,
                                             blend_weights())
    return ScoredResearcher(
        researcher=researcher, rank=places.get(rid), score=round(suggestion.score, 6), parts=suggestion.parts,
        explanation=explanation(hit, result.strength(hit) if hit else 0.0),
        exclusions=ranking.exclusions(candidate, facts), model_version=result.model_version,
    )


WEAK_MATCH = 0.5  # text strength below which a problem's best match is called weak


def explanation(hit: ranking.TextHit | None, strength: float = 0.0) -> dict:
    """What is stored to explain a suggestion: text strength (1 = a typical strong match, the same scale for
    every problem), shared words, related (bridged) words and the best publication."""
    if hit is None:
        return {"strength": 0.0, "terms": [], "related": [], "best_publication": None}
    best = hit.best_publication
    return {
        "strength": round(strength, 2),
        "terms": [[term, round(share, 4)] for term, share in hit.terms],
        "related": [[term, round(share, 4)] for term, share in hit.related],
        "best_publication": None if best is None
        else {"index": best.index, "title": best.title, "similarity": round(best.similarity, 4)},
    }


def refresh_suggestions(problem: Problem) -> list[Suggestion]:
    """Recompute and store a problem's suggestions; decided ones (shortlisted, rejected…) are kept.

    The ranking runs before the write transaction, so no lock is held while it works; a statement changed
    meanwhile keeps its newer timestamp, and the catch-up ranks it again."""
    started, seen = utcnow(), problem.updated_at
    added = db.session.scalars(select(Suggestion.researcher_id).where(
        Suggestion.problem_id == problem.id, Suggestion.added_at.is_not(None))).all()
    result = rank_problem(problem, also=added)
    with unit_of_work():
        # One refresh per problem at a time: concurrent ones would insert the same suggestions twice.
        db.session.execute(select(Problem.id).where(Problem.id == problem.id).with_for_update())
        db.session.refresh(problem)
        kept = {s.researcher_id: s for s in db.session.scalars(_kept_query(problem))}
        db.session.execute(delete(Suggestion).where(
            Suggestion.problem_id == problem.id, Suggestion.decision == "pending", Suggestion.added_at.is_(None)))
        stored = []
        for rank, suggestion in enumerate(result.suggestions, start=1):
            row = kept.pop(int(suggestion.researcher_id), None) or Suggestion(
                problem_id=problem.id, researcher_id=int(suggestion.researcher_id)
            )
            _fill(row, rank, suggestion, result)
            db.session.add(row)
            stored.append(row)
        _rescore_added(kept.values(), result)
        if problem.updated_at == seen:  # both, so this update's own timestamp does not look like a change
            problem.suggestions_computed_at = problem.updated_at = utcnow()
        else:  # changed while it was ranked: older than the change, so it is ranked again
            problem.suggestions_computed_at = started
        problem.exclusions = [[rid, reason] for rid, reason in result.exclusions]
    return stored


def _kept_query(problem: Problem):
    """A problem's suggestions that a recompute keeps: decided ones and those a coordinator added."""
    return select(Suggestion).where(
        Suggestion.problem_id == problem.id,
        or_(Suggestion.decision != "pending", Suggestion.added_at.is_not(None)),
    )


def _rescore_added(kept, result: RankingResult) -> None:
    """Give researchers a coordinator added, now outside the top k, their new place and score (one who is
    now excluded keeps the last score; the page shows why they are excluded)."""
    places = {s.researcher_id: place for place, s in enumerate(result.ranked, start=1)}
    for row in kept:
        rid = str(row.researcher_id)
        if row.added_at is not None and rid in places:
            _fill(row, places[rid], result.ranked[places[rid] - 1], result)


def _fill(row: Suggestion, rank: int, suggestion: ranking.Suggestion, result: RankingResult) -> None:
    parts = suggestion.parts
    row.rank, row.score, row.model_version = rank, round(suggestion.score, 6), result.model_version
    row.text_score, row.topic_score, row.help_score = parts["text"], parts["topics"], parts["help"]
    row.distance_score, row.terms_score, row.capacity_score = parts["distance"], parts["terms"], parts["capacity"]
    hit = result.hits.get(suggestion.researcher_id)
    row.explanation = explanation(hit, result.strength(hit) if hit else 0.0)


def refresh_suggestions_safely(problem: Problem) -> bool:
    """Compute a problem's suggestions; on failure log it and roll back only the matching work."""
    problem_id = problem.id
    try:
        with unit_of_work():  # whatever the ranking wrote before it failed is undone with it
            refresh_suggestions(problem)
    except Exception:
        current_app.logger.exception(
            "Could not compute suggestions for problem %s; they will be computed later", problem_id
        )
        return False
    return True


@dataclass
class SuggestionRun:
    """Which problems a catch-up run computed and which failed."""

    computed: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)


def problems_needing_suggestions(include_all: bool = False) -> list[int]:
    """Ids of open problems without suggestions, or changed (or the corpus changed) since computed."""
    query = select(Problem.id).where(Problem.status.in_(OPEN_PROBLEM_STATUSES)).order_by(Problem.id)
    if not include_all:
        conditions = [
            Problem.suggestions_computed_at.is_(None),
            Problem.suggestions_computed_at < Problem.updated_at,
            ~exists().where(Suggestion.problem_id == Problem.id),
        ]
        corpus_changed = corpus.changed_at()
        if corpus_changed is not None:
            conditions.append(Problem.suggestions_computed_at < corpus_changed)
        query = query.where(or_(*conditions))
    return list(db.session.scalars(query))


def compute_missing_suggestions(include_all: bool = False) -> SuggestionRun:
    """Compute suggestions for each open problem that needs them (or all), one transaction each."""
    run = SuggestionRun()
    for problem_id in problems_needing_suggestions(include_all):
        problem = db.session.get(Problem, problem_id)
        if problem is not None:
            (run.computed if refresh_suggestions_safely(problem) else run.failed).append(problem_id)
    return run
