"""One problem as the coordinator reviews it: its suggestions, the researchers left out, its introductions."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from matcher import taxonomy
from matcher.extensions import db
from matcher.models import Coordinator, Partnership, Problem, Researcher, Suggestion
from matcher.ranking.exclusions import from_code
from matcher.services import audit, matching
from matcher.services.agency_requests import enqueue_suggestions
from matcher.services.coordination import actor
from matcher.services.transactions import unit_of_work


@dataclass
class ExcludedResearcher:
    """A researcher the matcher left out, and why."""

    researcher: Researcher
    code: str
    group: str
    reason: str


def get_problem(problem_id) -> Problem | None:
    """The problem with this id, or None (for None or a malformed id too)."""
    if not isinstance(problem_id, int) or not 0 < problem_id < 2**31:
        return None
    return db.session.get(Problem, problem_id)


def ensure_suggestions(problem: Problem) -> None:
    """Queue the ranking of a problem never ranked (the page shows "Computing suggestions…" meanwhile)."""
    if problem.suggestions_computed_at is None:
        enqueue_suggestions(problem, only_if_missing=True)


def suggestions_pending(problem: Problem) -> bool:
    """Whether an open problem was never ranked yet: its ranking job is queued (or the catch-up will run it)."""
    return problem.suggestions_computed_at is None and problem.status in taxonomy.OPEN_PROBLEM_STATUSES


def suggestions_outdated(problem: Problem) -> bool:
    """Whether the statement changed after its suggestions were computed (a new ranking is on its way)."""
    return problem.suggestions_computed_at is not None and problem.suggestions_computed_at < problem.updated_at


def recompute_suggestions(problem: Problem, coordinator: Coordinator) -> None:
    """Record who asked, then queue a new ranking (decisions are kept)."""
    with unit_of_work():
        audit.record(actor(coordinator), "problem.suggestions_recomputed", "problem", problem.id)
    enqueue_suggestions(problem)


def suggestions_for(problem: Problem) -> list[Suggestion]:
    """The stored suggestions, best first, with their researchers and publications loaded."""
    query = (
        select(Suggestion).where(Suggestion.problem_id == problem.id)
        .options(selectinload(Suggestion.researcher).selectinload(Researcher.publications))
        .order_by(Suggestion.rank, Suggestion.id)
    )
    return list(db.session.scalars(query))


def exclusions_for(problem: Problem) -> list[ExcludedResearcher]:
    """Researchers the last ranking considered but left out, with the reason (stored with the suggestions)."""
    stored = [(int(rid), code) for rid, code in (problem.exclusions or [])]
    ids = [rid for rid, _ in stored]
    people = {r.id: r for r in db.session.scalars(select(Researcher).where(Researcher.id.in_(ids)))}
    rows = []
    for rid, code in stored:
        if rid in people:
            known = from_code(code)
            rows.append(ExcludedResearcher(people[rid], code, known.group if known else "Other",
                                           known.label if known else code))
    return rows


def partnerships_for(problem: Problem) -> list[Partnership]:
    """Every introduction made for this problem."""
    query = select(Partnership).where(Partnership.problem_id == problem.id).order_by(Partnership.introduced_at)
    return list(db.session.scalars(query))


def free_capacity(researcher_ids: list[int]) -> dict[int, int]:
    """Free slots of each researcher: capacity minus active partnerships."""
    active = matching.active_partnership_counts(researcher_ids)
    rows = db.session.execute(select(Researcher.id, Researcher.capacity).where(Researcher.id.in_(researcher_ids)))
    return {rid: capacity - active.get(rid, 0) for rid, capacity in rows}
