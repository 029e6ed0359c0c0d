"""Model constraints: uniqueness, required fields, cascades, slug lists."""

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from matcher.models import (
    AuditEvent,
    Partnership,
    PartnershipEvent,
    Problem,
    ProblemUpdate,
    Publication,
    Researcher,
    Suggestion,
)
from matcher.models.types import has_slug
from tests.factories import make_problem, make_researcher


def test_researcher_email_is_unique(db):
    db.session.add(make_researcher(email="same@example.edu"))
    db.session.commit()
    db.session.add(make_researcher(email="same@example.edu"))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


@pytest.mark.parametrize("missing", ["name", "email", "statement", "state", "zip"])
def test_researcher_required_fields(db, missing):
    researcher = make_researcher()
    setattr(researcher, missing, None)
    db.session.add(researcher)
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


@pytest.mark.parametrize("missing", ["agency_name", "email", "title", "description"])
def test_problem_required_fields(db, missing):
    problem = make_problem()
    setattr(problem, missing, None)
    db.session.add(problem)
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_deleting_a_researcher_removes_publications_suggestions_and_partnerships(db):
    researcher = make_researcher(publications=[Publication(title="A", abstract="x"), Publication(title="B")])
    problem = make_problem()
    db.session.add_all([researcher, problem])
    db.session.flush()
    db.session.add(Suggestion(problem=problem, researcher=researcher, rank=1, score=0.5, model_version="t"))
    partnership = Partnership(problem=problem, researcher=researcher)
    partnership.events.append(PartnershipEvent(stage="introduced"))
    db.session.add(partnership)
    db.session.commit()

    db.session.delete(researcher)
    db.session.commit()

    assert db.session.scalars(select(Publication)).all() == []
    assert db.session.scalars(select(Suggestion)).all() == []
    assert db.session.scalars(select(Partnership)).all() == []
    assert db.session.scalars(select(PartnershipEvent)).all() == []
    assert db.session.get(Problem, problem.id) is not None


def test_deleting_a_problem_removes_its_updates(db):
    problem = make_problem()
    problem.updates.append(ProblemUpdate(author="agency", kind="info", body="More detail"))
    db.session.add(problem)
    db.session.commit()
    db.session.delete(problem)
    db.session.commit()
    assert db.session.scalars(select(ProblemUpdate)).all() == []


def test_status_tokens_are_long_random_and_distinct(db):
    problems = [make_problem(email=f"p{i}@example.gov") for i in range(5)]
    db.session.add_all(problems)
    db.session.commit()
    tokens = {p.status_token for p in problems}
    assert len(tokens) == 5
    assert all(len(token) >= 40 for token in tokens)


def test_slug_lists_round_trip_and_filter(db):
    db.session.add_all(
        [
            make_researcher(email="a@example.edu", topics=["burglary", "gun-violence"]),
            make_researcher(email="b@example.edu", topics=["gun-violence"]),
            make_researcher(email="c@example.edu", topics=[]),
        ]
    )
    db.session.commit()
    db.session.expire_all()
    a = db.session.scalar(select(Researcher).where(Researcher.email == "a@example.edu"))
    assert a.topics == ["burglary", "gun-violence"]
    found = db.session.scalars(select(Researcher.email).where(has_slug(Researcher.topics, "gun-violence")))
    assert sorted(found) == ["a@example.edu", "b@example.edu"]
    assert db.session.scalars(select(Researcher).where(has_slug(Researcher.topics, "burg"))).all() == []


def test_a_missing_slug_list_is_stored_and_read_as_empty(db):
    researcher = make_researcher(topics=None, methods=("rct", "crime-mapping"))
    db.session.add(researcher)
    db.session.commit()
    db.session.expire_all()
    assert (researcher.topics, researcher.methods) == ([], ["rct", "crime-mapping"])
    researcher.methods = None
    db.session.commit()
    db.session.expire_all()
    assert researcher.methods == []
    assert db.session.scalars(select(Researcher).where(has_slug(Researcher.methods, "rct"))).all() == []


def test_audit_event_keeps_details(db):
    event = AuditEvent(actor="system", action="test", record_type="problem", record_id=3, details={"a": 1})
    db.session.add(event)
    db.session.commit()
    assert db.session.scalar(select(AuditEvent)).details == {"a": 1}


def test_a_deleted_researchers_id_is_never_given_to_the_next_one(db):
    """The audit log and URLs name records by id: a new profile must not take a deleted one's (SQLite reused it)."""
    first = make_researcher(email="first@example.edu")
    problem = make_problem()
    db.session.add_all([first, problem])
    db.session.commit()
    first_id, problem_id = first.id, problem.id
    db.session.delete(first)
    db.session.delete(problem)
    db.session.commit()
    second = make_researcher(email="second@example.edu")
    other = make_problem()
    db.session.add_all([second, other])
    db.session.commit()
    assert second.id != first_id and db.session.get(Researcher, second.id).email == "second@example.edu"
    assert other.id != problem_id and db.session.get(Problem, problem_id) is None
