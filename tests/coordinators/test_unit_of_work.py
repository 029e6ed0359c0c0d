"""One unit of work: operations compose; a nested failure undoes only its own writes, an outer one everything."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from matcher.extensions import db as _db
from matcher.models import AuditEvent, OutboxMessage, Partnership, Suggestion
from matcher.models.types import utcnow
from matcher.services import audit, coordination, decisions, introductions
from matcher.services.transactions import after_commit, unit_of_work
from tests.factories import make_problem, make_researcher


def saved_actions() -> list[str]:
    """The audit actions committed to the database, read over a separate connection."""
    with _db.engine.connect() as connection:
        return sorted(connection.scalars(select(AuditEvent.action)))


def test_a_failed_nested_unit_undoes_only_its_own_writes(db):
    with unit_of_work():
        audit.record("test", "outer.before", "test", None)
        with pytest.raises(RuntimeError), unit_of_work():
            audit.record("test", "inner", "test", None)
            raise RuntimeError("inner step failed")
        audit.record("test", "outer.after", "test", None)
    assert saved_actions() == ["outer.after", "outer.before"]


def test_an_outer_failure_after_a_nested_success_leaves_nothing_saved(db):
    db.session.scalar(select(func.count(AuditEvent.id)))  # only a read so far: the savepoint must not commit
    with pytest.raises(RuntimeError), unit_of_work():
        with unit_of_work():
            audit.record("test", "inner", "test", None)
        raise RuntimeError("the outer operation failed afterwards")
    assert saved_actions() == []


def test_work_after_commit_runs_once_the_outermost_unit_commits_and_never_after_a_rollback(db):
    ran = []
    with unit_of_work():
        with unit_of_work():
            after_commit(ran.append, "kept")
        with pytest.raises(RuntimeError), unit_of_work():
            after_commit(ran.append, "undone step")
            raise RuntimeError("nested failure")
        assert ran == []
    assert ran == ["kept"]
    with pytest.raises(RuntimeError), unit_of_work():
        after_commit(ran.append, "rolled back")
        raise RuntimeError("outer failure")
    assert ran == ["kept"]


@pytest.fixture
def two_problems(db):
    """Two open problems, each with a pending suggestion for the same researcher (two free slots)."""
    ada = make_researcher(name="Ada", email="ada@example.edu", capacity=2)
    first, second = make_problem(title="First"), make_problem(title="Second")
    db.session.add_all([ada, first, second])
    db.session.flush()
    rows = [Suggestion(problem_id=p.id, researcher_id=ada.id, rank=1, score=0.9, model_version="test")
            for p in (first, second)]
    db.session.add_all(rows)
    first.suggestions_computed_at = second.suggestions_computed_at = utcnow()
    db.session.commit()
    return {"ada": ada, "first": first, "second": second, "rows": rows}


def test_introducing_for_many_problems_counts_each_new_partnership_once(app, two_problems, coordinator):
    first, second, rows = two_problems["first"], two_problems["second"], two_problems["rows"]
    with app.test_request_context():
        assert introductions.introduce_many({first.id: [rows[0].id], second.id: [rows[1].id]}, coordinator) == 2
    assert len(_db.session.scalars(select(Partnership)).all()) == 2
    assert saved_actions().count("problem.introduced") == 2


def test_a_failure_in_a_later_introduction_undoes_the_earlier_ones(app, two_problems, coordinator):
    first, second, rows = two_problems["first"], two_problems["second"], two_problems["rows"]
    second.status = "closed"
    _db.session.commit()
    with app.test_request_context(), pytest.raises(coordination.CoordinationError, match="closed"):
        introductions.introduce_many({first.id: [rows[0].id], second.id: [rows[1].id]}, coordinator)
    _db.session.expire_all()
    assert _db.session.scalars(select(Partnership)).all() == []
    assert _db.session.scalars(select(OutboxMessage)).all() == []
    assert rows[0].decision == "pending" and first.status == "new"
    assert "problem.introduced" not in saved_actions()


def test_a_refused_introduction_inside_a_bigger_operation_keeps_the_rest(app, two_problems, coordinator):
    first, second, rows = two_problems["first"], two_problems["second"], two_problems["rows"]
    second.status = "closed"
    _db.session.commit()
    with app.test_request_context(), unit_of_work():
        decisions.shortlist(first, rows[0].id, coordinator)
        with pytest.raises(coordination.CoordinationError):
            introductions.introduce(second, [rows[1].id], coordinator, "Hello")
    _db.session.expire_all()
    assert rows[0].decision == "shortlisted" and rows[1].decision == "pending"
    assert _db.session.scalars(select(Partnership)).all() == []
    assert saved_actions() == ["coordinator.created", "problem.status_changed", "suggestion.shortlisted"]
