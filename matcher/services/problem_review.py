"""One problem as the coordinator reviews it: its suggestions, the researchers left out, its introductions."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from matcher.extensions import db
from matcher.models import Coordinator, Partnership, Problem, Researcher, Suggestion
from matcher.ranking.exclusions import from_code
from matcher.services import audit, matching
from matcher.services.coordination import actor
from matcher.services.transactions import unit_of_work


@dataclass
class ExcludedResearcher:
    """A researcher the matcher left out, and why."""

    researcher: Researcher
    code: str
    group: str
    reason: str


def get_problem(problem_id: int) -> Problem | None:
    """A problem with its follow-ups."""
    return db.session.get(Problem, problem_id)


def ensure_suggestions(problem: Problem) -> None:
    """Compute a problem's suggestions the first time a coordinator looks at it."""
    if problem.suggestions_computed_at is None:
        matching.refresh_suggestions_safely(problem)


def recompute_suggestions(problem: Problem, coordinator: Coordinator) -> None:
    """Rank again (decisions are kept) and record who asked, in one unit of work."""
    with unit_of_work():
        matching.refresh_suggestions(problem)
        audit.record(actor(coordinator), "problem.suggestions_recomputed", "problem", problem.id)


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
