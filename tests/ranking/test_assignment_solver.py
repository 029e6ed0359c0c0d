"""The global assignment solver: capacity, conflicts, optimality against brute force."""

from itertools import combinations

import numpy as np
import pytest

from matcher.ranking.assignment_solver import greedy_assignment, solve_assignment


def chosen(assignment):
    return {(p.problem, p.researcher) for p in assignment.pairs}


def test_capacity_case_where_the_greedy_choice_is_wrong():
    # Ada has room for one problem. Greedy gives her to A (0.90) and leaves B with Ben (0.10).
    scores = [("A", "ada", 0.90), ("A", "ben", 0.80), ("B", "ada", 0.85), ("B", "ben", 0.10)]
    slots = {"A": 1, "B": 1}
    capacity = {"ada": 1, "ben": 1}

    greedy = greedy_assignment(scores, slots, capacity)
    best = solve_assignment(scores, slots, capacity)

    assert chosen(greedy) == {("A", "ada"), ("B", "ben")}
    assert chosen(best) == {("A", "ben"), ("B", "ada")}
    assert best.total == pytest.approx(1.65)
    assert best.total > greedy.total


def test_conflict_case_where_the_greedy_choice_leaves_a_problem_empty():
    # B may not have Ben (conflict), so Ada must go to B; greedy gives Ada to A and B gets nobody.
    scores = [("A", "ada", 0.9), ("A", "ben", 0.7), ("B", "ada", 0.6), ("B", "ben", 0.95)]
    slots = {"A": 1, "B": 1}
    capacity = {"ada": 1, "ben": 1}
    conflicts = [("B", "ben")]

    greedy = greedy_assignment(scores, slots, capacity, conflicts)
    best = solve_assignment(scores, slots, capacity, conflicts)

    assert chosen(greedy) == {("A", "ada")}
    assert chosen(best) == {("A", "ben"), ("B", "ada")}
    assert ("B", "ben") not in chosen(best)


def test_slots_per_problem_and_capacity_are_never_exceeded():
    scores = [(p, r, 1.0 / (1 + i + j)) for i, p in enumerate("ABC") for j, r in enumerate(["x", "y", "z", "w"])]
    best = solve_assignment(scores, {"A": 3, "B": 2, "C": 1}, {"x": 2, "y": 1, "z": 1, "w": 0})
    per_problem = best.by_problem()
    assert [len(per_problem.get(p, [])) <= n for p, n in (("A", 3), ("B", 2), ("C", 1))] == [True] * 3
    assert len(best.pairs) == 4  # all the free capacity is used
    used = [p.researcher for p in best.pairs]
    assert used.count("x") <= 2 and used.count("y") <= 1 and used.count("z") <= 1
    assert "w" not in used


def test_nothing_to_assign_gives_an_empty_proposal():
    assert solve_assignment([], {"A": 1}, {"x": 1}).pairs == []
    assert solve_assignment([("A", "x", 0.5)], {"A": 1}, {"x": 0}).pairs == []


def brute_force_total(scores, slots, capacity, conflicts):
    edges = [e for e in scores if (e[0], e[1]) not in set(conflicts)]
    best = 0.0
    for size in range(len(edges) + 1):
        for subset in combinations(edges, size):
            problems = [e[0] for e in subset]
            researchers = [e[1] for e in subset]
            if all(problems.count(p) <= slots[p] for p in slots) and all(
                researchers.count(r) <= capacity[r] for r in capacity
            ):
                best = max(best, sum(e[2] for e in subset))
    return best


@pytest.mark.parametrize("seed", range(25))
def test_matches_brute_force_on_small_random_cases(seed):
    rng = np.random.default_rng(seed)
    problems = [f"p{i}" for i in range(int(rng.integers(2, 4)))]
    researchers = [f"r{j}" for j in range(int(rng.integers(2, 5)))]
    scores = [(p, r, round(float(rng.random()), 3)) for p in problems for r in researchers if rng.random() < 0.8]
    scores = scores[:12]
    slots = {p: int(rng.integers(1, 3)) for p in problems}
    capacity = {r: int(rng.integers(0, 3)) for r in researchers}
    conflicts = [(e[0], e[1]) for e in scores if rng.random() < 0.15]

    best = solve_assignment(scores, slots, capacity, conflicts, top_n=None)

    assert best.total == pytest.approx(brute_force_total(scores, slots, capacity, conflicts), abs=1e-9)
    assert not chosen(best) & set(conflicts)
