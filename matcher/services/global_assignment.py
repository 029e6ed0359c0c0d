"""Global assignment: propose researchers for every open problem at once, then accept all or part.

Reads problems, stored suggestions, capacities and conflicts from the database and hands plain data
to the pure solver in matcher.ranking.assignment_solver.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from matcher import lifecycle, taxonomy
from matcher.extensions import db
from matcher.models import Coordinator, Partnership, Problem, Suggestion
from matcher.ranking.assignment_solver import solve_assignment
from matcher.services import audit, matching
from matcher.services.coordination import CoordinationError, actor
from matcher.services.decisions import shortlist
from matcher.services.introductions import introduce_many
from matcher.services.problem_review import ensure_suggestions, free_capacity
from matcher.services.transactions import unit_of_work

ASSIGNABLE_STATUSES = lifecycle.ASSIGNABLE_STATUSES
MIN_PER_PROBLEM, MAX_PER_PROBLEM = 1, 3


@dataclass
class ProposedProblem:
    """One open problem and the suggestions proposed for it."""

    problem: Problem
    slots: int
    suggestions: list[Suggestion] = field(default_factory=list)


@dataclass
class Proposal:
    """The whole proposal, with what it took to make it."""

    rows: list[ProposedProblem]
    total: float
    seconds: float
    pairs_considered: int
    computing: list[Problem] = field(default_factory=list)  # never ranked yet: their jobs are queued

    @property
    def proposed_count(self) -> int:
        """How many introductions the proposal contains."""
        return sum(len(row.suggestions) for row in self.rows)


def assignable_problems() -> list[Problem]:
    """Open problems still waiting for introductions, oldest first."""
    query = select(Problem).where(Problem.status.in_(ASSIGNABLE_STATUSES)).order_by(Problem.created_at, Problem.id)
    return list(db.session.scalars(query))


def _problem_slots(problems: list[Problem], per_problem: int) -> dict[int, int]:
    ids = [p.id for p in problems]
    active = dict(db.session.execute(
        select(Partnership.problem_id, func.count())
        .where(Partnership.problem_id.in_(ids), Partnership.stage.not_in(taxonomy.INACTIVE_PARTNERSHIP_STAGES))
        .group_by(Partnership.problem_id)
    ).all())
    return {p.id: max(0, per_problem - active.get(p.id, 0)) for p in problems}


def propose(per_problem: int) -> Proposal:
    """The best-total proposal for all assignable problems, per_problem researchers each at most."""
    if not MIN_PER_PROBLEM <= per_problem <= MAX_PER_PROBLEM:
        raise CoordinationError("Choose between 1 and 3 researchers per problem.")
    problems = assignable_problems()
    computing = [p for p in problems if p.suggestions_computed_at is None]
    for problem in computing:  # ranked by a worker, not in this request; the next proposal includes them
        ensure_suggestions(problem)
    problems = [p for p in problems if p.suggestions_computed_at is not None]
    by_id = {p.id: p for p in problems}
    suggestions = list(db.session.scalars(
        select(Suggestion)
        .where(Suggestion.problem_id.in_(list(by_id)), Suggestion.decision.in_(["pending", "shortlisted"]))
        .options(selectinload(Suggestion.researcher))
    ))
    researcher_ids = sorted({s.researcher_id for s in suggestions})
    capacity = free_capacity(researcher_ids)
    conflicts = _excluded_pairs(suggestions, by_id)
    slots = _problem_slots(problems, per_problem)
    started = time.perf_counter()
    result = solve_assignment(
        [(s.problem_id, s.researcher_id, s.score) for s in suggestions], slots, capacity, conflicts,
        top_n=current_app.config["ASSIGNMENT_TOP_N"],
    )
    seconds = time.perf_counter() - started
    chosen = {(pair.problem, pair.researcher) for pair in result.pairs}
    rows = [ProposedProblem(p, slots[p.id]) for p in problems]
    index = {row.problem.id: row for row in rows}
    for suggestion in sorted(suggestions, key=lambda s: -s.score):
        if (suggestion.problem_id, suggestion.researcher_id) in chosen:
            index[suggestion.problem_id].suggestions.append(suggestion)
    return Proposal(rows, result.total, seconds, result.candidate_pairs, computing)


def _excluded_pairs(suggestions: list[Suggestion], problems: dict[int, Problem]) -> list[tuple[int, int]]:
    """Pairs the exclusion policy forbids today (the same one introductions follow)."""
    active = matching.active_partnership_counts(sorted({s.researcher_id for s in suggestions}))
    return [
        (s.problem_id, s.researcher_id) for s in suggestions
        if matching.researcher_exclusions(s.researcher, problems[s.problem_id], active.get(s.researcher_id, 0))
    ]


def _is_id(text: str) -> bool:
    """ASCII digits that fit the database's integer ids."""
    return text.isascii() and text.isdigit() and 0 < int(text) < 2**31


def parse_pairs(values: list[str]) -> dict[int, list[int]]:
    """Form values 'problem_id:suggestion_id' as {problem_id: [suggestion ids]}."""
    selections: dict[int, list[int]] = {}
    for value in values:
        problem_id, _, suggestion_id = (value or "").partition(":")
        if not (_is_id(problem_id) and _is_id(suggestion_id)):
            raise CoordinationError("The proposal was not understood. Reload it and try again.")
        selections.setdefault(int(problem_id), []).append(int(suggestion_id))
    return selections


def accept(values: list[str], mode: str, coordinator: Coordinator) -> int:
    """Accept the chosen part of a proposal: shortlist those suggestions, or introduce them now."""
    selections = parse_pairs(values)
    if not selections:
        raise CoordinationError("Tick at least one proposed researcher to accept.")
    if mode == "introduce":
        return introduce_many(selections, coordinator)
    if mode != "shortlist":
        raise CoordinationError("Choose whether to shortlist or introduce.")
    count = 0
    with unit_of_work():
        for problem_id, suggestion_ids in selections.items():
            for suggestion_id in suggestion_ids:
                suggestion = db.session.get(Suggestion, suggestion_id)
                if suggestion is None or suggestion.problem_id != problem_id:
                    raise CoordinationError("The proposal is out of date. Reload it and try again.")
                if suggestion.decision == "introduced":
                    continue
                if suggestion.decision == "rejected":
                    raise CoordinationError(
                        f"{suggestion.researcher.name} was rejected for this problem since the proposal was made. "
                        "Reload the proposal and try again."
                    )
                shortlist(suggestion.problem, suggestion.id, coordinator)
                count += 1
        audit.record(actor(coordinator), "assignment.shortlisted", "assignment", None,
                     pairs=[f"{p}:{s}" for p, ids in selections.items() for s in ids])
    return count
