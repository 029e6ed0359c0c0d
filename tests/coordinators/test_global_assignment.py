"""Global assignment on the database: two settings compared, a stored proposal, the e-mails confirmed, stale rows."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from matcher.extensions import db
from matcher.models import (
    AssignmentProposal,
    AuditEvent,
    OutboxMessage,
    Partnership,
    Suggestion,
)
from matcher.models.types import utcnow
from matcher.services import accounts
from tests.coordinators.conftest import PASSWORD, sign_in
from tests.factories import make_problem, make_researcher


@pytest.fixture
def crafted(db):
    """Two problems and two researchers with stored scores where the greedy choice is wrong."""
    ada = make_researcher(name="Ada", email="ada@example.edu", capacity=1)
    ben = make_researcher(name="Ben", email="ben@example.edu", capacity=1)
    first = make_problem(title="First problem", agency_name="Alpha Police", email="alpha@example.gov")
    second = make_problem(title="Second problem", agency_name="Beta Police", email="beta@example.gov")
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


def row_of(page: str, text: str) -> str:
    """The table row holding text."""
    start = page.index(text)
    return page[page.rindex("<tr", 0, start):page.index("</tr>", start)]


def keep(client, per_problem: int = 1):
    return client.post("/coordinators/assignment/keep", data={"per_problem": str(per_problem)},
                       follow_redirects=True)


def stored() -> AssignmentProposal:
    db.session.expire_all()
    return db.session.scalar(select(AssignmentProposal).order_by(AssignmentProposal.id.desc()))


def row_ids(proposal: AssignmentProposal) -> dict[tuple[str, str], int]:
    """{(problem title, researcher name): row id}."""
    return {(r.problem.title, r.researcher.name): r.id for r in proposal.rows}


def test_two_settings_are_compared_side_by_side_with_totals_and_differences(coord_client, crafted):
    crafted["ben"].capacity = 2
    db.session.commit()
    page = coord_client.get("/coordinators/assignment?first=1&second=2").data.decode()
    # A (1 each): Ben on the first, Ada on the second beats the greedy Ada-first; B (2 each) uses Ben twice.
    assert re.search(r"Total score</th><td>1\.65</td><td>1\.80</td><td>\+0\.15</td>", page)
    assert re.search(r"Introductions</th><td>2</td><td>3</td><td>\+1</td>", page)
    first = row_of(page, ">First problem</a>")
    cells = first.split("<td>")
    assert "Ben" in cells[1] and "Ada" not in cells[1] and "Ada" in cells[2] and "Ben" in cells[2]
    cells = re.findall(r"<td>([^<]*)</td>", row_of(page, "Ben<br>"))  # capacity, active, then A and B
    assert cells == ["2", "0", "1", "1 of 2", "2", "2 of 2 (full)"]
    assert db.session.scalars(select(AssignmentProposal)).all() == []  # comparing stores nothing


def test_settings_out_of_range_are_refused_beside_the_field(coord_client, crafted):
    page = coord_client.get("/coordinators/assignment?first=7&second=2").data.decode()
    assert "Please enter a number from 1 to 3." in page and "Total score" not in page


def test_the_proposal_respects_conflicts_declared_after_ranking(coord_client, crafted):
    crafted["ada"].conflicts = ["Beta Police"]
    db.session.commit()
    page = coord_client.get("/coordinators/assignment?first=1&second=1").data.decode()
    assert "Ada" in row_of(page, ">First problem</a>").split("<td>")[1]
    assert "Ada" not in row_of(page, ">Second problem</a>") and "Ben" in row_of(page, ">Second problem</a>")


def test_a_kept_proposal_is_stored_with_its_maker_and_settings_and_another_coordinator_sees_it(
        coord_client, crafted, app):
    page = keep(coord_client).data.decode()
    proposal = stored()
    assert proposal.is_open and proposal.settings["per_problem"] == 1
    assert proposal.created_by.name == "Casey Coordinator"
    assert {(r.problem.title, r.researcher.name) for r in proposal.rows} == {
        ("First problem", "Ben"), ("Second problem", "Ada")}
    assert "Open proposal" in page and "Made by Casey Coordinator" in page
    assert 'name="row"' in page and " checked" not in page  # nothing ticked for the coordinator

    accounts.create_coordinator("dana@example.org", PASSWORD, name="Dana Deputy")
    other = app.test_client()
    sign_in(other, "dana@example.org")
    page = other.get("/coordinators/assignment").data.decode()
    assert f"Open proposal #{proposal.id}" in page and "Made by Casey Coordinator" in page
    assert "Keep proposal" not in page  # no second proposal while this one is open
    assert "Another proposal is open" in keep(other).data.decode()
    assert len(db.session.scalars(select(AssignmentProposal)).all()) == 1


def test_ticking_all_is_the_coordinators_choice(coord_client, crafted):
    keep(coord_client)
    page = coord_client.get("/coordinators/assignment?select=all").data.decode()
    assert page.count(" checked") == 2


def test_the_load_of_a_stored_proposal_uses_todays_partnerships(coord_client, crafted):
    keep(coord_client)
    elsewhere = make_problem(title="Elsewhere", status="introduced")
    db.session.add(elsewhere)
    db.session.flush()
    db.session.add(Partnership(problem_id=elsewhere.id, researcher_id=crafted["ada"].id, stage="introduced",
                               introduced_at=utcnow()))
    db.session.commit()
    page = coord_client.get("/coordinators/assignment").data.decode()
    assert "2 of 1 <strong class=\"error\">over capacity</strong>" in row_of(page, "Ada<br>")


def test_the_confirmation_lists_every_email_and_sends_nothing(coord_client, crafted):
    keep(coord_client)
    ids = row_ids(stored())
    response = coord_client.post(f"/coordinators/assignment/proposals/{stored().id}/review", data={
        "row": [ids[("First problem", "Ben")], ids[("Second problem", "Ada")]], "action": "confirm"})
    assert response.status_code == 303 and "/confirm?row=" in response.location
    page = coord_client.get(response.location).data.decode()
    assert "4 e-mails will be sent" in page
    for who, about in (("Pat Chief &lt;alpha@example.gov&gt;", "First problem"),
                       ("Ben &lt;ben@example.edu&gt;", "First problem"),
                       ("Pat Chief &lt;beta@example.gov&gt;", "Second problem"),
                       ("Ada &lt;ada@example.edu&gt;", "Second problem")):
        assert about in row_of(page, who)
    assert db.session.scalars(select(OutboxMessage)).all() == []
    assert db.session.scalars(select(Partnership)).all() == []


def test_applying_introduces_the_confirmed_rows_with_the_note_and_closes_the_proposal(coord_client, crafted):
    keep(coord_client)
    proposal = stored()
    ids = row_ids(proposal)
    page = coord_client.post(f"/coordinators/assignment/proposals/{proposal.id}/apply", data={
        "row": [ids[("First problem", "Ben")]], "personal_note": "Ben has worked with your chief before.",
    }, follow_redirects=True).data.decode()
    assert "1 introduction made; 2 e-mails are on their way." in page
    assert {(p.problem_id, p.researcher_id) for p in db.session.scalars(select(Partnership))} == {
        (crafted["first"].id, crafted["ben"].id)}
    mails = db.session.scalars(select(OutboxMessage)).all()
    assert sorted(m.to for m in mails) == ["alpha@example.gov", "ben@example.edu"]
    assert all("Ben has worked with your chief before." in m.body for m in mails)
    # Delivered (logged: no MAIL_SERVER) once the whole unit committed, not when a savepoint was released.
    assert {m.status for m in mails} == {"logged"}
    proposal = stored()
    assert proposal.status == "applied" and proposal.personal_note == "Ben has worked with your chief before."
    assert [r.outcome for r in proposal.rows if r.researcher.name == "Ben"] == ["introduced"]
    assert "Compare" in page and "Open proposal" not in page  # the proposal is closed
    actions = [e.action for e in db.session.scalars(select(AuditEvent))]
    assert "assignment.applied" in actions and "problem.introduced" in actions


def test_a_row_gone_stale_is_refused_and_nothing_is_sent(coord_client, crafted):
    keep(coord_client)
    proposal = stored()
    ids = row_ids(proposal)
    crafted["ada"].capacity = 0  # Ada's capacity changed since the proposal
    db.session.commit()
    response = coord_client.post(f"/coordinators/assignment/proposals/{proposal.id}/apply", data={
        "row": list(ids.values()), "personal_note": "Kept after a refusal"})
    page = response.data.decode()
    assert response.status_code == 409 and "Nothing was sent" in page
    assert "Ada has 0 free places left (had 1 when proposed)" in page
    assert "2 e-mails will be sent" in page and "Kept after a refusal" in page  # Ben's rows, to confirm again
    assert db.session.scalars(select(OutboxMessage)).all() == []
    assert db.session.scalars(select(Partnership)).all() == []
    assert stored().is_open


def test_a_problem_closed_since_the_proposal_is_refused(coord_client, crafted):
    keep(coord_client)
    proposal = stored()
    crafted["first"].status = "withdrawn"
    db.session.commit()
    response = coord_client.post(f"/coordinators/assignment/proposals/{proposal.id}/apply", data={
        "row": list(row_ids(proposal).values())})
    page = response.data.decode()
    assert response.status_code == 409
    assert "First problem (Alpha Police), Ben: the problem is withdrawn now (it was new when proposed)." in page
    assert db.session.scalars(select(OutboxMessage)).all() == []


def test_the_confirmation_leaves_out_rows_already_refused(coord_client, crafted):
    keep(coord_client)
    proposal = stored()
    crafted["ada"].capacity = 0
    db.session.commit()
    page = coord_client.get(f"/coordinators/assignment/proposals/{proposal.id}/confirm",
                            query_string={"row": list(row_ids(proposal).values())}).data.decode()
    assert "These cannot be introduced any more" in page and "had 1 when proposed" in page
    assert "2 e-mails will be sent" in page and "ada@example.edu" not in page.split("e-mails will be sent")[1]


def test_a_long_note_is_refused_beside_the_field_and_kept(coord_client, crafted):
    keep(coord_client)
    proposal = stored()
    note = "x" * 5001
    response = coord_client.post(f"/coordinators/assignment/proposals/{proposal.id}/apply", data={
        "row": list(row_ids(proposal).values()), "personal_note": note})
    page = response.data.decode()
    assert response.status_code == 400 and "Please keep the note under 5000 characters." in page and note in page
    assert db.session.scalars(select(OutboxMessage)).all() == []


def test_discarding_closes_the_proposal(coord_client, crafted):
    keep(coord_client)
    proposal = stored()
    page = coord_client.post(f"/coordinators/assignment/proposals/{proposal.id}/discard",
                             follow_redirects=True).data.decode()
    assert "The proposal was discarded." in page and "Open proposal" not in page
    assert stored().status == "discarded" and stored().closed_by.name == "Casey Coordinator"
    page = coord_client.post(f"/coordinators/assignment/proposals/{proposal.id}/apply",
                             data={"row": list(row_ids(proposal).values())}, follow_redirects=True).data.decode()
    assert "applied or discarded in the meantime" in page
    assert db.session.scalars(select(OutboxMessage)).all() == []


def test_shortlisting_ticked_rows_sends_nothing_and_keeps_the_proposal(coord_client, crafted):
    keep(coord_client)
    proposal = stored()
    ids = row_ids(proposal)
    page = coord_client.post(f"/coordinators/assignment/proposals/{proposal.id}/review", data={
        "row": [ids[("First problem", "Ben")]], "action": "shortlist"}, follow_redirects=True).data.decode()
    assert "1 proposed researcher shortlisted. The proposal stays open." in page
    decisions = {(s.problem_id, s.researcher_id): s.decision for s in db.session.scalars(select(Suggestion))}
    assert decisions[(crafted["first"].id, crafted["ben"].id)] == "shortlisted"
    assert list(decisions.values()).count("shortlisted") == 1
    assert stored().is_open and db.session.scalars(select(OutboxMessage)).all() == []


def test_a_rejection_since_the_proposal_is_not_undone(coord_client, crafted):
    keep(coord_client)
    proposal = stored()
    pick = db.session.scalar(select(Suggestion).where(Suggestion.researcher_id == crafted["ben"].id,
                                                      Suggestion.problem_id == crafted["first"].id))
    pick.decision, pick.decision_reason = "rejected", "Moved away"
    db.session.commit()
    page = coord_client.post(f"/coordinators/assignment/proposals/{proposal.id}/review", data={
        "row": [row_ids(proposal)[("First problem", "Ben")]], "action": "shortlist"},
        follow_redirects=True).data.decode()
    assert "the suggestion of Ben is rejected now" in page
    db.session.refresh(pick)
    assert pick.decision == "rejected"


def test_rows_of_another_proposal_or_garbage_are_refused(coord_client, crafted):
    keep(coord_client)
    proposal = stored()
    for rows in (["x"], [str(max(row_ids(proposal).values()) + 100)], []):
        page = coord_client.post(f"/coordinators/assignment/proposals/{proposal.id}/apply",
                                 data={"row": rows}, follow_redirects=True).data.decode()
        assert "Nothing was sent" in page
    assert db.session.scalars(select(OutboxMessage)).all() == []


def test_a_problem_never_ranked_is_queued_for_a_worker_not_ranked_inside_the_proposal(coord_client, crafted,
                                                                                       worker):
    fresh = make_problem(title="Third problem", agency_name="Gamma Police")
    db.session.add(fresh)
    db.session.commit()
    page = coord_client.get("/coordinators/assignment?first=1&second=2").data.decode()
    assert f"1 open problem not ranked yet (#{fresh.id})" in page and "left out of this proposal" in page
    assert "Third problem" not in page.split("<table")[-1]
    db.session.expire_all()
    assert db.session.get(type(fresh), fresh.id).suggestions_computed_at is None  # nothing ranked in the request

    worker.start()
    worker.wait_until(lambda: db.session.get(type(fresh), fresh.id).suggestions_computed_at
                      or db.session.expire_all())
    page = coord_client.get("/coordinators/assignment?first=1&second=2").data.decode()
    assert "not ranked yet" not in page
