"""How well stored suggestions agreed with coordinators' decisions."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select

from matcher import ranking, taxonomy
from matcher.extensions import db
from matcher.models import Suggestion

ACCEPTED = set(taxonomy.ACCEPTED_DECISIONS)


def decision_metrics(k: int = 10) -> ranking.MetricsRow | None:
    """Metrics of the stored rankings against decisions (accepted = 1, rejected = 0); None without any."""
    rows = db.session.execute(
        select(Suggestion.problem_id, Suggestion.researcher_id, Suggestion.score, Suggestion.decision)
        .order_by(Suggestion.problem_id, Suggestion.rank, Suggestion.researcher_id)
    ).all()
    rankings: dict[str, list[tuple[str, float]]] = defaultdict(list)
    labels: dict[str, dict[str, float]] = defaultdict(dict)
    for problem_id, researcher_id, score, decision in rows:
        rankings[str(problem_id)].append((str(researcher_id), score))
        if decision in ACCEPTED or decision == "rejected":
            labels[str(problem_id)][str(researcher_id)] = 1.0 if decision in ACCEPTED else 0.0
    judged = {pid: grades for pid, grades in labels.items() if any(grades.values())}
    if not judged:
        return None
    queries = [ranking.ProblemQuery(id=pid) for pid in judged]
    profiles = [ranking.ResearcherProfile(id=rid, name="") for pid in judged for rid in judged[pid]]
    return ranking.evaluate_ranker(
        "coordinator decisions", profiles, queries, judged, lambda query: rankings[query.id], k
    )
