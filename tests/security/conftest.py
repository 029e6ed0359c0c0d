"""A small site with one record of every kind, and clients for each kind of visitor."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from flask import url_for

from matcher.extensions import db as _db
from matcher.models import (
    AssignmentProposal,
    AssignmentProposalRow,
    OutboxMessage,
    Partnership,
    PartnershipNote,
    ProblemUpdate,
    Publication,
    ResearchCentre,
    Suggestion,
)
from matcher.services import accounts, centres, index_cache
from tests.conftest import as_researcher
from tests.factories import make_problem, make_researcher

PASSWORD = "a long enough password"
ROLES = ("anonymous", "agency", "coordinator", "researcher")


@dataclass
class World:
    """Ids and secrets of the records every route can be pointed at."""

    coordinator_id: int
    researcher_id: int
    other_researcher_id: int
    hidden_researcher_id: int
    centre_id: int
    other_centre_id: int
    problem_id: int
    status_token: str
    partnership_id: int
    message_id: int
    membership_id: int
    proposal_id: int


def build_world(text: str = "") -> World:
    """One coordinator, a listed researcher in a centre, another in a second centre, a hidden one,
    a problem with a suggestion, a partnership, a follow-up and an outbox message. `text` is added to
    every free-text field (the escaping test sends markup through it)."""
    coordinator = accounts.create_coordinator("coord@example.org", PASSWORD, name=f"Casey {text}")
    centre = ResearchCentre(name=f"Centre for Place {text}", university=f"Example U {text}", state="MA",
                            city=f"Boston {text}", description=f"We study places. {text}", topics=["burglary"])
    other_centre = ResearchCentre(name=f"Other Centre {text}", university="Other U", state="NY")
    researcher = make_researcher(
        name=f"Ada Nearrepeat {text}", email="ada@example.edu", centre=centre, position=f"Professor {text}",
        institution=f"Example University {text}", department=f"Criminology {text}", city=f"Cambridge {text}",
        statement=f"Near-repeat burglary and break-ins. {text}", keywords=[f"burglary {text}"],
        conflicts=[f"Springfield PD {text}"],
        publications=[Publication(position=0, title=f"Burglary study {text}", abstract=f"Abstract {text}",
                                  link="https://example.org/paper")],
    )
    other = make_researcher(name=f"Bo Other {text}", email="bo@example.edu", centre=other_centre)
    hidden = make_researcher(name=f"Hidden Person {text}", email="hidden@example.edu", hidden=True)
    problem = make_problem(
        agency_name=f"Harborview PD {text}", contact_name=f"Pat Chief {text}", contact_role=f"Captain {text}",
        title=f"Break-ins downtown {text}", description=f"Residential burglary near-repeat break-ins. {text}",
        city=f"Boston {text}", timeline=f"This fall {text}", data_other=f"Shot-spotter {text}",
        avoid=f"Nobody {text}", email="pat@example.gov", phone="555-0100",
    )
    _db.session.add_all([centre, other_centre, researcher, other, hidden, problem])
    _db.session.flush()
    centre.created_by_id, other_centre.created_by_id = researcher.id, other.id
    centres.enrol_members(centre)  # each centre's only member administers it
    centres.enrol_members(other_centre)
    _db.session.add(ProblemUpdate(problem=problem, author="agency", kind="info", body=f"More data. {text}"))
    _db.session.add(ProblemUpdate(problem=problem, author="coordinator", kind="question",
                                  body=f"Which years? {text}"))
    suggestion = Suggestion(problem_id=problem.id, researcher_id=other.id, rank=1, score=0.5,
                            model_version="test", decision="rejected", decision_reason=f"Too far {text}")
    partnership = Partnership(problem_id=problem.id, researcher_id=researcher.id,
                              notes=[PartnershipNote(body=f"Met twice. {text}")])
    message = OutboxMessage(to="pat@example.gov", subject=f"Hello {text}", body=f"Body {text}", status="failed",
                            last_error=f"refused {text}")
    proposal = AssignmentProposal(settings={"per_problem": 1}, total=0.5, created_by_id=coordinator.id, rows=[
        AssignmentProposalRow(problem_id=problem.id, researcher_id=other.id, score=0.5, rank=1,
                              problem_status=problem.status, free_capacity=1)])
    _db.session.add_all([suggestion, partnership, message, proposal])
    _db.session.commit()
    return World(coordinator.id, researcher.id, other.id, hidden.id, centre.id, other_centre.id, problem.id,
                 problem.status_token, partnership.id, message.id, researcher.membership.id, proposal.id)


@pytest.fixture
def world(app, db, monkeypatch) -> World:
    """The small site, with a fresh text index and sign-in throttle."""
    index_cache.forget(app)
    accounts.reset_sign_in_throttle()
    return build_world()


def client_as(app, role: str):
    """A new client for this kind of visitor. An agency is an anonymous visitor who holds its status link."""
    client = app.test_client()
    if role == "coordinator":
        response = client.post("/coordinators/sign-in", data={"email": "coord@example.org", "password": PASSWORD})
        assert response.status_code == 302, "the coordinator could not sign in"
    elif role == "researcher":
        from matcher.models import Researcher

        researcher = _db.session.scalar(_db.select(Researcher).where(Researcher.email == "ada@example.edu"))
        as_researcher(client, researcher.id)
    return client


def rule_values(world: World) -> dict[str, object]:
    """A value for every URL argument used by the site's routes, pointing at the world's records."""
    return {
        "problem_id": world.problem_id, "partnership_id": world.partnership_id, "message_id": world.message_id,
        "name": "problems", "centre_id": world.centre_id, "researcher_id": world.researcher_id,
        "token": world.status_token, "reason": "register", "action": "hide", "filename": "css/site.css",
        "coordinator_id": world.coordinator_id, "change": "deactivate",  # refused: the only active coordinator
        "membership_id": world.membership_id, "decision": "approve",
        "proposal_id": world.proposal_id,
    }


def url_of(app, rule, world: World, **overrides) -> str:
    """The path of a URL rule with the world's values."""
    values = {arg: rule_values(world)[arg] for arg in rule.arguments}
    values.update(overrides)
    with app.test_request_context():
        return url_for(rule.endpoint, **values)


def routes(app, method: str) -> list:
    """Every URL rule of the app that answers this method, sorted by path."""
    return sorted((r for r in app.url_map.iter_rules() if method in r.methods), key=lambda r: (r.rule, r.endpoint))
