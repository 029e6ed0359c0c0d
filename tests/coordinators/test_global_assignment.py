"""Global assignment on the database: capacity, conflicts, slots, accepting all or part."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from matcher.extensions import db
from matcher.models import OutboxMessage, Partnership, Suggestion
from matcher.models.types import utcnow
from tests.factories import make_problem, make_researcher


@pytest.fixture
def crafted(db):
    """Two problems and two researchers with stored scores where the greedy choice is wrong."""
    ada = make_researcher(name="Ada", email="ada@example.edu", capacity=1)
    ben = make_researcher(name="Ben", email="ben@example.edu", capacity=1)
    first = make_problem(title="First problem", agency_name="Alpha Police")
    second = make_problem(title="Second problem", agency_name="Beta Police")
    db.session.add_all([ada, ben, first, second])
    db.session.flush()
    now = utcnow()
    scores = ((first, ada, 0.90), (first, ben, 0.80), (second, ada, 0.85), (second, ben, 0.10))
    for problem, researcher, score in scores:
        db.session.add(Suggestion(problem_id=problem.id, researcher_id=researcher.id, rank=1, score=score,
                                  model_version="test"))
    first.suggestions_computed_at = second.suggestions_computed_at = now
    db.session.commit()
    return {"first": first, "second": second, "ada": ada, "ben": ben}


def proposed(page: str, problem) -> str:
    start = page.index(problem.title)
    return page[start:page.index("</tr>", start)]


def test_the_proposal_beats_greedy_under_capacity(coord_client, crafted):
    page = coord_client.get("/coordinators/assignment?per_problem=1").data.decode()
    assert "Ben" in proposed(page, crafted["first"]) and "Ada" not in proposed(page, crafted["first"])
    assert "Ada" in proposed(page, crafted["second"])
    assert "total score 1.65" in page


def test_the_proposal_respects_conflicts_declared_after_ranking(coord_client, crafted):
    crafted["ada"].conflicts = ["Beta Police"]
    db.session.commit()
    page = coord_client.get("/coordinators/assignment?per_problem=1").data.decode()
    assert "Ada" in proposed(page, crafted["first"])
    assert "Ada" not in proposed(page, crafted["second"]) and "Ben" in proposed(page, crafted["second"])


def test_per_problem_must_be_between_one_and_three(coord_client, crafted):
    page = coord_client.get("/coordinators/assignment?per_problem=7").data.decode()
    assert "Please enter a number from 1 to 3." in page and "total score" not in page


def test_accepting_part_of_the_proposal_shortlists_only_the_ticked(coord_client, crafted):
    pick = db.session.scalar(select(Suggestion).where(Suggestion.researcher_id == crafted["ben"].id,
                                                      Suggestion.problem_id == crafted["first"].id))
    response = coord_client.post("/coordinators/assignment/accept", data={
        "pair": [f"{crafted['first'].id}:{pick.id}"], "mode": "shortlist", "per_problem": "1"}, follow_redirects=True)
    assert "1 proposed researcher shortlisted" in response.data.decode()
    decisions = {(s.problem_id, s.researcher_id): s.decision for s in db.session.scalars(select(Suggestion))}
    assert decisions[(crafted["first"].id, crafted["ben"].id)] == "shortlisted"
    assert list(decisions.values()).count("shortlisted") == 1


def test_accepting_with_introductions_is_all_or_nothing(coord_client, crafted):
    rows = {(s.problem_id, s.researcher_id): s.id for s in db.session.scalars(select(Suggestion))}
    first, second, ada = crafted["first"].id, crafted["second"].id, crafted["ada"].id
    # Ada has one slot: asking for her twice must save nothing at all.
    response = coord_client.post("/coordinators/assignment/accept", data={
        "pair": [f"{first}:{rows[(first, ada)]}", f"{second}:{rows[(second, ada)]}"], "mode": "introduce",
        "per_problem": "1"}, follow_redirects=True)
    assert "Nothing was saved" in response.data.decode() and "no free capacity" in response.data.decode()
    assert db.session.scalars(select(Partnership)).all() == []
    assert db.session.scalars(select(OutboxMessage)).all() == []

    ben = crafted["ben"].id
    coord_client.post("/coordinators/assignment/accept", data={
        "pair": [f"{first}:{rows[(first, ben)]}", f"{second}:{rows[(second, ada)]}"], "mode": "introduce"})
    assert {(p.problem_id, p.researcher_id) for p in db.session.scalars(select(Partnership))} == {
        (first, ben), (second, ada)}
    assert len(db.session.scalars(select(OutboxMessage)).all()) == 4


def test_a_tampered_proposal_is_refused(coord_client, crafted):
    response = coord_client.post("/coordinators/assignment/accept", data={"pair": ["x:y"], "mode": "shortlist"},
                                 follow_redirects=True)
    assert "was not understood" in response.data.decode()


def test_accepting_a_proposal_does_not_undo_a_later_rejection(coord_client, crafted):
    pick = db.session.scalar(select(Suggestion).where(Suggestion.researcher_id == crafted["ben"].id,
                                                      Suggestion.problem_id == crafted["first"].id))
    pick.decision, pick.decision_reason = "rejected", "Moved away"
    db.session.commit()
    response = coord_client.post("/coordinators/assignment/accept", data={
        "pair": [f"{crafted['first'].id}:{pick.id}"], "mode": "shortlist", "per_problem": "1"}, follow_redirects=True)
    assert "was rejected for this problem since the proposal was made" in response.data.decode()
    db.session.refresh(pick)
    assert pick.decision == "rejected"


def test_each_shortlisting_from_a_proposal_is_audited(coord_client, crafted):
    from matcher.models import AuditEvent

    pick = db.session.scalar(select(Suggestion).where(Suggestion.researcher_id == crafted["ben"].id,
                                                      Suggestion.problem_id == crafted["first"].id))
    coord_client.post("/coordinators/assignment/accept", data={
        "pair": [f"{crafted['first'].id}:{pick.id}"], "mode": "shortlist", "per_problem": "1"})
    actions = [(e.action, e.record_id) for e in db.session.scalars(select(AuditEvent))]
    assert ("suggestion.shortlisted", pick.id) in actions


def test_a_problem_never_ranked_is_queued_for_a_worker_not_ranked_inside_the_proposal(coord_client, crafted,
                                                                                       worker):
    fresh = make_problem(title="Third problem", agency_name="Gamma Police")
    db.session.add(fresh)
    db.session.commit()
    page = coord_client.get("/coordinators/assignment?per_problem=1").data.decode()
    assert f"1 open problem not ranked yet (#{fresh.id})" in page and "left out of this proposal" in page
    assert "Third problem" not in page.split("<table")[-1]  # not a row of the proposal
    db.session.expire_all()
    assert db.session.get(type(fresh), fresh.id).suggestions_computed_at is None  # nothing ranked in the request

    worker.start()
    worker.wait_until(lambda: db.session.get(type(fresh), fresh.id).suggestions_computed_at
                      or db.session.expire_all())
    page = coord_client.get("/coordinators/assignment?per_problem=1").data.decode()
    assert "not ranked yet" not in page
