"""One exclusion policy: whom a proposal leaves out, an introduction refuses, and the other way round."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from matcher.extensions import db
from matcher.models import Partnership, Suggestion
from matcher.models.types import utcnow
from matcher.services import coordination, global_assignment, introductions
from tests.factories import make_problem, make_researcher


@pytest.fixture
def pair(db):
    """A problem with one stored, pending suggestion: researcher Ada, ranked before anything changed."""
    ada = make_researcher(name="Ada Lovelace", email="ada@example.edu", capacity=2)
    problem = make_problem(title="Break-ins", agency_name="Springfield Police Department",
                           max_distance_miles=25)
    db.session.add_all([ada, problem])
    db.session.flush()
    suggestion = Suggestion(problem_id=problem.id, researcher_id=ada.id, rank=1, score=0.9, model_version="test")
    db.session.add(suggestion)
    problem.suggestions_computed_at = utcnow()
    db.session.commit()
    return {"problem": problem, "ada": ada, "suggestion": suggestion}


def _went_stale(world):
    world["ada"].confirmed_at = utcnow() - timedelta(days=800)


def _moved_away_from_an_agency_that_needs_someone_in_person(world):
    world["ada"].latitude, world["ada"].longitude, world["ada"].state = 34.05, -118.24, "CA"
    world["ada"].remote = False
    world["problem"].in_person_only = True


def _went_stale_and_declared_a_conflict(world):
    _went_stale(world)
    world["ada"].conflicts = ["Springfield Police Department"]


def proposes_ada(world) -> bool:
    proposal = global_assignment.propose(per_problem=1)
    return any(s.researcher_id == world["ada"].id for row in proposal.rows for s in row.suggestions)


def introduce_ada(app, coordinator, world) -> None:
    with app.test_request_context():
        introductions.introduce(world["problem"], [world["suggestion"].id], coordinator)


def test_an_eligible_researcher_is_both_proposed_and_introducible(app, pair, coordinator):
    assert proposes_ada(pair)
    introduce_ada(app, coordinator, pair)
    assert db.session.scalar(select(Partnership.researcher_id)) == pair["ada"].id


# Each of these used to differ: the proposal left Ada out, yet an introduction went through (a stale profile or
# an in-person distance was not checked, and a stale profile hid a declared conflict behind its first reason).
@pytest.mark.parametrize("change, refusal", [
    (_went_stale, "profile not reconfirmed for a year"),
    (_moved_away_from_an_agency_that_needs_someone_in_person,
     "beyond the distance the agency needs for in-person work"),
    (_went_stale_and_declared_a_conflict, "profile not reconfirmed for a year"),
])
def test_proposal_and_introduction_leave_out_the_same_researcher(app, pair, coordinator, change, refusal):
    change(pair)
    db.session.commit()

    assert not proposes_ada(pair)
    with pytest.raises(coordination.CoordinationError, match=refusal):
        introduce_ada(app, coordinator, pair)
    db.session.expire_all()
    assert db.session.scalars(select(Partnership)).all() == []
    assert pair["suggestion"].decision == "pending"
