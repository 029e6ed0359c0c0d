"""Metrics of stored suggestions against coordinators' decisions."""

import pytest

from matcher.models import Suggestion
from matcher.services.evaluation import decision_metrics
from tests.factories import make_problem, make_researcher


def store(db, decisions):
    """One problem with suggestions ranked in the given order, each with its decision."""
    problem = make_problem()
    people = [make_researcher() for _ in decisions]
    db.session.add_all([problem, *people])
    db.session.flush()
    for rank, (person, decision) in enumerate(zip(people, decisions, strict=True), start=1):
        db.session.add(Suggestion(problem=problem, researcher=person, rank=rank, score=1.0 - rank / 10,
                                  model_version="t", decision=decision))
    db.session.commit()


def test_no_decisions_no_metrics(db):
    store(db, ["pending", "pending"])
    assert decision_metrics() is None


def test_accepted_at_the_top_scores_perfectly(db):
    store(db, ["introduced", "shortlisted", "rejected", "pending"])
    row = decision_metrics(k=10)
    assert row.queries == 1
    assert row.ndcg == pytest.approx(1.0)
    assert row.mrr == pytest.approx(1.0)
    assert row.pairwise_loss == pytest.approx(0.0)


def test_rejected_above_accepted_is_penalised(db):
    store(db, ["rejected", "introduced"])
    row = decision_metrics(k=10)
    assert row.mrr == pytest.approx(0.5)
    assert row.pairwise_loss == pytest.approx(1.0)


def test_flask_evaluate_prints_seed_metrics_and_the_decisions_table(db, runner):
    store(db, ["introduced", "rejected"])
    result = runner.invoke(args=["evaluate"])
    assert result.exit_code == 0, result.output
    assert "nDCG@10" in result.output and "blended" in result.output
    assert "coordinator decisions" in result.output


def test_flask_evaluate_says_when_there_are_no_decisions(db, runner):
    result = runner.invoke(args=["evaluate"])
    assert "No coordinator decisions recorded yet" in result.output
