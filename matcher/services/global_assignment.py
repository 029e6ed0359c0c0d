"""Global assignment: propose researchers for every open problem at once, compare two settings, keep one.

Reads problems, stored suggestions, capacities and conflicts from the database and hands plain data
to the pure solver in matcher.ranking.assignment_solver. A kept proposal is stored (models/assignment.py)
until a coordinator applies it (services/assignment_apply.py) or discards it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from matcher import lifecycle, taxonomy
from matcher.extensions import db
from matcher.models import (
    AssignmentProposal,
    AssignmentProposalRow,
    Coordinator,
    Partnership,
    Problem,
    Researcher,
    Suggestion,
)
from matcher.models.assignment import PROPOSAL_DISCARDED, PROPOSAL_OPEN
from matcher.models.types import utcnow
from matcher.ranking.assignment_solver import solve_assignment
from matcher.services import audit, matching
from matcher.services.coordination import CoordinationError, actor
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
    """A solver run not stored yet, with what it took to make it."""

    per_problem: int
    rows: list[ProposedProblem]
    total: float
    seconds: float
    pairs_considered: int
    computing: list[Problem] = field(default_factory=list)  # never ranked yet: their jobs are queued

    @property
    def proposed_count(self) -> int:
        """How many introductions the proposal contains."""
        return sum(len(row.suggestions) for row in self.rows)

    @property
    def problems_covered(self) -> int:
        """How many problems get at least one researcher."""
        return sum(1 for row in self.rows if row.suggestions)

    def researcher_counts(self) -> dict[int, int]:
        """How many problems each proposed researcher would take on."""
        counts: dict[int, int] = {}
        for row in self.rows:
            for suggestion in row.suggestions:
                counts[suggestion.researcher_id] = counts.get(suggestion.researcher_id, 0) + 1
        return counts


@dataclass
class ResearcherLoad:
    """A researcher's active partnerships and proposed introductions (one count per proposal) against capacity."""

    researcher: Researcher
    active: int
    proposed: list[int]

    def after(self, column: int = 0) -> int:
        """Active partnerships once the proposal in this column is applied."""
        return self.active + self.proposed[column]

    def over(self, column: int = 0) -> bool:
        """Whether applying the proposal in this column would take the researcher beyond capacity."""
        return self.after(column) > self.researcher.capacity


@dataclass
class Comparison:
    """Two proposals side by side, problem by problem, with their differences."""

    first: Proposal
    second: Proposal
    loads: list[ResearcherLoad]

    def cells(self) -> list[tuple[Problem, list[Suggestion], list[Suggestion]]]:
        """Each problem with the researchers each proposal gives it."""
        second = {row.problem.id: row.suggestions for row in self.second.rows}
        return [(row.problem, row.suggestions, second.get(row.problem.id, [])) for row in self.first.rows]

    def changed_problems(self) -> int:
        """How many problems get different researchers under the two settings."""
        return sum(1 for _, a, b in self.cells() if {s.id for s in a} != {s.id for s in b})


def assignable_problems() -> list[Problem]:
    """Open problems still waiting for introductions, oldest first."""
    query = select(Problem).where(Problem.status.in_(ASSIGNABLE_STATUSES)).order_by(Problem.created_at, Problem.id)
    return list(db.session.scalars(query))


def active_per_problem(problem_ids: list[int]) -> dict[int, int]:
    """How many active partnerships each problem has."""
    return dict(db.session.execute(
        select(Partnership.problem_id, func.count())
        .where(Partnership.problem_id.in_(problem_ids),
               Partnership.stage.not_in(taxonomy.INACTIVE_PARTNERSHIP_STAGES))
        .group_by(Partnership.problem_id)
    ).all())


def check_per_problem(per_problem: int | None) -> int:
    """The setting, refused outside 1 to 3."""
    if per_problem is None or not MIN_PER_PROBLEM <= per_problem <= MAX_PER_PROBLEM:
        raise CoordinationError("Choose between 1 and 3 researchers per problem.")
    return per_problem


def propose(per_problem: int) -> Proposal:
    """The best-total proposal for all assignable problems, per_problem researchers each at most."""
    check_per_problem(per_problem)
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
    capacity = free_capacity(sorted({s.researcher_id for s in suggestions}))
    conflicts = _excluded_pairs(suggestions, by_id)
    active = active_per_problem(list(by_id))
    slots = {p.id: max(0, per_problem - active.get(p.id, 0)) for p in problems}
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
    return Proposal(per_problem, rows, result.total, seconds, result.candidate_pairs, computing)


def _excluded_pairs(suggestions: list[Suggestion], problems: dict[int, Problem]) -> list[tuple[int, int]]:
    """Pairs the exclusion policy forbids today (the same one introductions follow)."""
    active = matching.active_partnership_counts(sorted({s.researcher_id for s in suggestions}))
    return [
        (s.problem_id, s.researcher_id) for s in suggestions
        if matching.researcher_exclusions(s.researcher, problems[s.problem_id], active.get(s.researcher_id, 0))
    ]


def compare(first: int, second: int) -> Comparison:
    """Two settings of researchers per problem, solved side by side."""
    proposals = [propose(first), propose(second)]
    return Comparison(*proposals, loads=researcher_loads([p.researcher_counts() for p in proposals]))


def researcher_loads(proposed: list[dict[int, int]]) -> list[ResearcherLoad]:
    """Load against capacity for every researcher proposed in any of the given proposals, busiest first."""
    ids = sorted(set().union(*proposed))
    people = db.session.scalars(select(Researcher).where(Researcher.id.in_(ids))).all()
    active = matching.active_partnership_counts(ids)
    loads = [ResearcherLoad(r, active.get(r.id, 0), [counts.get(r.id, 0) for counts in proposed]) for r in people]
    return sorted(loads, key=lambda load: (-max(load.after(i) - load.researcher.capacity for i in range(len(proposed))),
                                           load.researcher.name))


def open_proposal() -> AssignmentProposal | None:
    """The proposal waiting to be applied or discarded, if any."""
    return db.session.scalar(
        select(AssignmentProposal).where(AssignmentProposal.status == PROPOSAL_OPEN)
        .options(selectinload(AssignmentProposal.rows).selectinload(AssignmentProposalRow.researcher),
                 selectinload(AssignmentProposal.rows).selectinload(AssignmentProposalRow.problem))
    )


def stored_loads(proposal: AssignmentProposal) -> list[ResearcherLoad]:
    """Each proposed researcher's load if the stored proposal were applied, with today's partnerships."""
    counts: dict[int, int] = {}
    for row in proposal.rows:
        counts[row.researcher_id] = counts.get(row.researcher_id, 0) + 1
    return researcher_loads([counts])


def rows_by_problem(proposal: AssignmentProposal) -> list[tuple[Problem, list[AssignmentProposalRow]]]:
    """The stored rows grouped by problem, oldest problem first, best score first within one."""
    grouped: dict[int, list[AssignmentProposalRow]] = {}
    for row in sorted(proposal.rows, key=lambda r: (r.problem.created_at, r.problem_id, -r.score)):
        grouped.setdefault(row.problem_id, []).append(row)
    return [(rows[0].problem, rows) for rows in grouped.values()]


def keep(per_problem: int, coordinator: Coordinator) -> AssignmentProposal:
    """Solve with this setting and store the proposal for review (refused while another one is open)."""
    proposal = propose(per_problem)
    if not proposal.proposed_count:
        raise CoordinationError("This proposal has no introductions to keep.")
    free = free_capacity(sorted(proposal.researcher_counts()))
    try:
        with unit_of_work():
            if open_proposal() is not None:
                raise CoordinationError("Another proposal is open. Apply or discard it first.")
            stored = AssignmentProposal(
                settings={"per_problem": per_problem, "top_n": current_app.config["ASSIGNMENT_TOP_N"]},
                total=proposal.total, created_by_id=coordinator.id, status=PROPOSAL_OPEN,
                rows=[AssignmentProposalRow(
                    problem_id=s.problem_id, researcher_id=s.researcher_id, score=s.score, rank=s.rank,
                    problem_status=row.problem.status, free_capacity=free.get(s.researcher_id, 0),
                ) for row in proposal.rows for s in row.suggestions],
            )
            db.session.add(stored)
            db.session.flush()
            audit.record(actor(coordinator), "assignment.proposed", "assignment_proposal", stored.id,
                         per_problem=per_problem, introductions=proposal.proposed_count)
    except IntegrityError as error:  # another coordinator kept one a moment ago
        raise CoordinationError("Another proposal is open. Apply or discard it first.") from error
    return stored


def find_open(proposal_id: int, lock: bool = False) -> AssignmentProposal:
    """The open proposal with this id, refused once it was applied or discarded; locked (and read afresh) to
    change it, so two coordinators cannot both apply or discard it."""
    proposal = db.session.get(AssignmentProposal, proposal_id, with_for_update=lock, populate_existing=lock)
    if proposal is None or not proposal.is_open:
        raise CoordinationError("This proposal was applied or discarded in the meantime.")
    return proposal


def discard(proposal_id: int, coordinator: Coordinator) -> None:
    """Close an open proposal without acting on it."""
    with unit_of_work():
        proposal = find_open(proposal_id, lock=True)
        proposal.status, proposal.closed_by_id, proposal.closed_at = PROPOSAL_DISCARDED, coordinator.id, utcnow()
        audit.record(actor(coordinator), "assignment.discarded", "assignment_proposal", proposal.id)


def chosen_rows(proposal: AssignmentProposal, row_ids: list[int]) -> list[AssignmentProposalRow]:
    """The proposal's rows with these ids, in the proposal's order (ids of other proposals are refused)."""
    wanted = set(row_ids)
    rows = [row for row in proposal.rows if row.id in wanted]
    if len(rows) != len(wanted):
        raise CoordinationError("The proposal was not understood. Reload it and try again.")
    if not rows:
        raise CoordinationError("Tick at least one proposed researcher.")
    return rows
