"""`flask compute-suggestions`: catching up on problems whose suggestions are missing."""

from __future__ import annotations

from datetime import timedelta

from matcher.extensions import db as _db
from matcher.models import Suggestion
from matcher.models.types import utcnow
from tests.factories import make_problem, make_researcher


def make_problems():
    """Open problems in each state, plus finished ones that must be left alone."""
    researcher = make_researcher()
    _db.session.add(researcher)
    _db.session.commit()  # joined before any suggestions were computed (a later one would outdate them all)
    now = utcnow()
    missing = make_problem(title="never computed")
    none_stored = make_problem(title="computed, none stored", suggestions_computed_at=now, updated_at=now)
    changed = make_problem(title="changed since", suggestions_computed_at=now - timedelta(hours=1),
                           updated_at=now)
    done = make_problem(title="has suggestions", suggestions_computed_at=now, updated_at=now)
    withdrawn = make_problem(title="withdrawn", status="withdrawn")
    closed = make_problem(title="closed", status="closed")
    _db.session.add_all([missing, none_stored, changed, done, withdrawn, closed])
    _db.session.flush()
    for problem in (changed, done):
        _db.session.add(Suggestion(problem_id=problem.id, researcher_id=researcher.id, rank=1, score=0.9,
                                   model_version="test"))
    _db.session.commit()
    return missing.id, none_stored.id, changed.id, done.id


def test_computes_open_problems_without_suggestions_or_changed_since(db, runner, matching):
    missing, none_stored, changed, done = make_problems()
    result = runner.invoke(args=["compute-suggestions"])
    assert result.exit_code == 0, result.output
    assert matching.problem_ids == [missing, none_stored, changed]
    assert "computed 3, failed 0" in result.output


def test_all_recomputes_every_open_problem(db, runner, matching):
    missing, none_stored, changed, done = make_problems()
    result = runner.invoke(args=["compute-suggestions", "--all"])
    assert result.exit_code == 0
    assert matching.problem_ids == [missing, none_stored, changed, done]


def test_failures_are_reported_and_the_rest_continue(db, runner, monkeypatch):
    from tests.agencies.conftest import install_matching

    missing, none_stored, changed, _ = make_problems()
    calls = []

    def flaky(problem):
        calls.append(problem.id)
        if problem.id == missing:
            raise RuntimeError("boom")
        return []

    install_matching(monkeypatch, flaky)
    result = runner.invoke(args=["compute-suggestions"])
    assert result.exit_code == 1
    assert calls == [missing, none_stored, changed]
    assert "computed 2, failed 1" in result.output
    assert str(missing) in result.output
