"""Capacity-constrained assignment of researchers to problems (pure: plain data in and out).

Given a score for each allowed (problem, researcher) pair, choose pairs that maximise the total score
so that each problem gets at most its number of slots, each researcher at most their free capacity,
and no forbidden (conflicting) pair is used. This is a bipartite b-matching: its constraint matrix is
totally unimodular, so the linear programme has integral optimal vertices; we hand it to HiGHS through
`scipy.optimize.milp` with integrality switched on, which therefore solves it at the root node.

To keep large instances fast, each problem keeps only its `top_n` best allowed pairs (the ranking
already puts the useful ones first); `top_n=None` keeps every pair and gives the exact optimum.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

DEFAULT_TOP_N = 40


class AssignmentError(RuntimeError):
    """The solver did not return an optimal solution."""


@dataclass(frozen=True)
class Pair:
    """One proposed researcher for one problem, with the suggestion score behind it."""

    problem: Hashable
    researcher: Hashable
    score: float


@dataclass
class Assignment:
    """The chosen pairs, best-scoring first within each problem."""

    pairs: list[Pair] = field(default_factory=list)
    candidate_pairs: int = 0  # pairs the solver considered after filtering

    @property
    def total(self) -> float:
        """Sum of the chosen pairs' scores."""
        return float(sum(p.score for p in self.pairs))

    def by_problem(self) -> dict[Hashable, list[Pair]]:
        """Chosen pairs grouped by problem."""
        grouped: dict[Hashable, list[Pair]] = defaultdict(list)
        for pair in self.pairs:
            grouped[pair.problem].append(pair)
        return dict(grouped)


def allowed_pairs(
    scores: Iterable[tuple[Hashable, Hashable, float]],
    slots: Mapping[Hashable, int],
    capacity: Mapping[Hashable, int],
    conflicts: Iterable[tuple[Hashable, Hashable]] = (),
    top_n: int | None = DEFAULT_TOP_N,
) -> list[Pair]:
    """Pairs that may be chosen: positive score, open slots and capacity, no conflict; top_n per problem."""
    forbidden = set(conflicts)
    per_problem: dict[Hashable, dict[Hashable, float]] = defaultdict(dict)
    for problem, researcher, score in scores:
        if (score <= 0 or slots.get(problem, 0) <= 0 or capacity.get(researcher, 0) <= 0
                or (problem, researcher) in forbidden):
            continue
        best = per_problem[problem].get(researcher)
        if best is None or score > best:
            per_problem[problem][researcher] = float(score)
    pairs = []
    for problem, options in per_problem.items():
        ranked = sorted(options.items(), key=lambda item: (-item[1], str(item[0])))
        if top_n is not None:
            ranked = ranked[:top_n]
        pairs.extend(Pair(problem, researcher, score) for researcher, score in ranked)
    return pairs


def solve_assignment(
    scores: Iterable[tuple[Hashable, Hashable, float]],
    slots: Mapping[Hashable, int],
    capacity: Mapping[Hashable, int],
    conflicts: Iterable[tuple[Hashable, Hashable]] = (),
    top_n: int | None = DEFAULT_TOP_N,
) -> Assignment:
    """The highest-total assignment under slots per problem, researcher capacity and conflicts."""
    pairs = allowed_pairs(scores, slots, capacity, conflicts, top_n)
    if not pairs:
        return Assignment([], 0)
    problems = {p: i for i, p in enumerate(dict.fromkeys(pair.problem for pair in pairs))}
    researchers = {r: i for i, r in enumerate(dict.fromkeys(pair.researcher for pair in pairs))}
    n = len(pairs)
    columns = np.arange(n)
    problem_rows = np.fromiter((problems[p.problem] for p in pairs), dtype=np.int64, count=n)
    researcher_rows = len(problems) + np.fromiter(
        (researchers[p.researcher] for p in pairs), dtype=np.int64, count=n
    )
    matrix = sparse.csr_array(
        (np.ones(2 * n), (np.concatenate([problem_rows, researcher_rows]), np.concatenate([columns, columns]))),
        shape=(len(problems) + len(researchers), n),
    )
    upper = np.array([slots[p] for p in problems] + [capacity[r] for r in researchers], dtype=float)
    weights = np.array([pair.score for pair in pairs])
    result = milp(
        c=-weights,
        constraints=LinearConstraint(matrix, -np.inf, upper),
        integrality=np.ones(n),
        bounds=Bounds(0, 1),
    )
    if result.status != 0 or result.x is None:
        raise AssignmentError(f"The assignment solver failed: {result.message}")
    chosen = [pair for pair, x in zip(pairs, result.x, strict=True) if x > 0.5]
    chosen.sort(key=lambda p: (str(p.problem), -p.score))
    return Assignment(chosen, n)


def greedy_assignment(
    scores: Iterable[tuple[Hashable, Hashable, float]],
    slots: Mapping[Hashable, int],
    capacity: Mapping[Hashable, int],
    conflicts: Iterable[tuple[Hashable, Hashable]] = (),
) -> Assignment:
    """Best pair first while slots and capacity last: the baseline the solver must beat."""
    pairs = allowed_pairs(scores, slots, capacity, conflicts, top_n=None)
    open_slots, free = dict(slots), dict(capacity)
    chosen = []
    for pair in sorted(pairs, key=lambda p: -p.score):
        if open_slots[pair.problem] > 0 and free[pair.researcher] > 0:
            chosen.append(pair)
            open_slots[pair.problem] -= 1
            free[pair.researcher] -= 1
    return Assignment(chosen, len(pairs))
