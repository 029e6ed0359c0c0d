"""Researchers a coordinator looks for by name or keywords on a problem page, scored as the suggestions are,
and added to the problem's suggestions by hand."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from matcher.extensions import db
from matcher.models import Coordinator, Problem, Researcher, Suggestion
from matcher.models.types import utcnow
from matcher.services import audit, directory, matching, problem_status
from matcher.services.coordination import CoordinationError, actor, require_open
from matcher.services.transactions import unit_of_work

SEARCH_RESULTS = 10


def find_researchers(problem: Problem, text: str, limit: int = SEARCH_RESULTS) -> list[matching.ScoredResearcher]:
    """Listed researchers whose name or profile matches the words, each scored and explained for this problem."""
    text = (text or "").strip()
    if not text:
        return []
    found = directory.search(directory.DirectoryFilters(text=text), per_page=limit)
    return matching.score_researchers(problem, [researcher for researcher, _ in found.items])


def suggestion_of(problem: Problem, researcher_id: int) -> Suggestion | None:
    """The problem's stored suggestion of this researcher, if any."""
    return db.session.scalar(select(Suggestion).where(
        Suggestion.problem_id == problem.id, Suggestion.researcher_id == researcher_id))


def listed_researcher(researcher_id: int) -> Researcher:
    """A listed researcher by id, refused when unknown or no longer listed."""
    researcher = db.session.get(Researcher, researcher_id)
    if researcher is None or not researcher.is_listed:
        raise CoordinationError("That researcher is not listed any more. Search again.")
    return researcher


def store_added(problem: Problem, found: matching.ScoredResearcher, coordinator: Coordinator) -> Suggestion:
    """Store a researcher a coordinator chose as a suggestion, with the score and place just computed."""
    parts = found.parts
    row = Suggestion(
        problem_id=problem.id, researcher_id=found.researcher.id, rank=found.rank or _after_last(problem),
        score=found.score, text_score=parts["text"], topic_score=parts["topics"], help_score=parts["help"],
        distance_score=parts["distance"], terms_score=parts["terms"], capacity_score=parts["capacity"],
        explanation=found.explanation, model_version=found.model_version,
        added_at=utcnow(), added_by_id=coordinator.id,
    )
    db.session.add(row)
    db.session.flush()
    return row


def _after_last(problem: Problem) -> int:
    ranks = db.session.scalars(select(Suggestion.rank).where(Suggestion.problem_id == problem.id)).all()
    return max(ranks, default=0) + 1


def add_suggestion(problem: Problem, researcher_id: int, coordinator: Coordinator) -> Suggestion:
    """Add a listed, eligible researcher found by search to the problem's suggestions (kept by recomputes)."""
    researcher = listed_researcher(researcher_id)
    require_open(problem)
    existing = suggestion_of(problem, researcher.id)
    if existing is not None:
        raise CoordinationError(f"{researcher.name} is already among the suggestions (rank {existing.rank}).")
    [found] = matching.score_researchers(problem, [researcher])
    if found.exclusions:
        raise CoordinationError(
            f"{researcher.name} is excluded for this problem ({found.exclusions[0].label.lower()}), so they "
            "cannot be added to the suggestions. Use “Introduce anyway” with a reason if they should be introduced.")
    try:
        with unit_of_work():
            row = store_added(problem, found, coordinator)
            problem_status.start_review(problem, actor(coordinator))
            audit.record(actor(coordinator), "suggestion.added", "suggestion", row.id, problem_id=problem.id,
                         researcher_id=researcher.id, rank=row.rank, score=row.score)
    except IntegrityError as error:  # another coordinator (or a recompute) stored them a moment ago
        raise CoordinationError(f"{researcher.name} was just added to the suggestions. Reload the page.") from error
    return row


def current_exclusions(problem: Problem, researchers: list[Researcher]) -> dict[int, list]:
    """Every reason each researcher is excluded for this problem now (the stored list keeps only the first)."""
    active = matching.active_partnership_counts([r.id for r in researchers])
    return {r.id: matching.researcher_exclusions(r, problem, active.get(r.id, 0)) for r in researchers}
