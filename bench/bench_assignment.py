"""Benchmark the global assignment solver against the greedy baseline.

Run from the repository root:  python -m bench.bench_assignment [--problems 200 --researchers 2000]
Synthetic but shaped like the real thing: each researcher has a few topics, each problem one or two,
scores are high where topics meet and low elsewhere, capacities are 0-3, about 1% of pairs conflict.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from matcher.ranking.assignment_solver import greedy_assignment, solve_assignment

TOPICS = 18


def synthetic_instance(problems: int, researchers: int, seed: int = 11):
    """Scores (dense), slots, capacities and conflicts for a made-up matching round."""
    rng = np.random.default_rng(seed)
    r_topics = rng.random((researchers, TOPICS)) < 0.15
    p_topics = rng.random((problems, TOPICS)) < 0.08
    overlap = (p_topics.astype(float) @ r_topics.T.astype(float)) / np.maximum(p_topics.sum(1, keepdims=True), 1)
    score = 0.55 * rng.beta(2, 5, (problems, researchers)) + 0.35 * overlap + 0.1 * rng.random((problems, 1))
    scores = [(p, r, float(score[p, r])) for p in range(problems) for r in range(researchers)]
    slots = {p: int(rng.integers(1, 4)) for p in range(problems)}
    capacity = {r: int(rng.choice([0, 1, 1, 2, 2, 3])) for r in range(researchers)}
    conflicts = [(int(p), int(r)) for p, r in zip(*np.nonzero(rng.random((problems, researchers)) < 0.01),
                                                     strict=True)]
    return scores, slots, capacity, conflicts


def run(problems: int, researchers: int, top_ns: list[int | None]) -> list[tuple]:
    """One row per top-N setting, plus the greedy baseline."""
    scores, slots, capacity, conflicts = synthetic_instance(problems, researchers)
    rows = []
    started = time.perf_counter()
    greedy = greedy_assignment(scores, slots, capacity, conflicts)
    rows.append(("greedy", problems, researchers, "all", greedy.candidate_pairs, len(greedy.pairs),
                 greedy.total, time.perf_counter() - started))
    for top_n in top_ns:
        started = time.perf_counter()
        best = solve_assignment(scores, slots, capacity, conflicts, top_n=top_n)
        rows.append(("milp", problems, researchers, top_n or "all", best.candidate_pairs, len(best.pairs),
                     best.total, time.perf_counter() - started))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--problems", type=int, default=200)
    parser.add_argument("--researchers", type=int, default=2000)
    parser.add_argument("--top-n", default="10,40,100", help="comma-separated; 'all' keeps every pair")
    args = parser.parse_args()
    top_ns = [None if t == "all" else int(t) for t in args.top_n.split(",")]
    header = f"{'method':<7} {'problems':>8} {'researchers':>11} {'top-N':>6} {'pairs':>8} {'chosen':>7} " \
             f"{'total score':>12} {'seconds':>8}"
    print(header)
    print("-" * len(header))
    for method, p, r, top_n, pairs, n_chosen, total, seconds in run(args.problems, args.researchers, top_ns):
        print(f"{method:<7} {p:>8} {r:>11} {top_n!s:>6} {pairs:>8} {n_chosen:>7} {total:>12.3f} {seconds:>8.2f}")
    print("seconds include filtering the pairs; 'greedy' is best-pair-first, the baseline to beat")


if __name__ == "__main__":
    main()
