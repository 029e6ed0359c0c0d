"""Fixtures for the coordinator workspace: accounts, signed-in clients and a fresh text index."""

from __future__ import annotations

import pytest

from matcher.extensions import db as _db
from matcher.services import accounts, index_cache
from tests.factories import make_problem, make_researcher

PASSWORD = "a long enough password"


@pytest.fixture(autouse=True)
def fresh_state(app, monkeypatch):
    """Each test starts with a new text index and no counted sign-in failures."""
    index_cache.forget(app)
    with app.app_context():
        accounts.reset_sign_in_throttle()
    yield


@pytest.fixture
def coordinator(db):
    """A coordinator account with a known password."""
    return accounts.create_coordinator("coord@example.org", PASSWORD, name="Casey Coordinator")


def sign_in(client, email: str = "coord@example.org", password: str = PASSWORD, **kwargs):
    """Post the sign-in form."""
    return client.post("/coordinators/sign-in", data={"email": email, "password": password}, **kwargs)


@pytest.fixture
def coord_client(client, coordinator):
    """A test client signed in as the coordinator."""
    response = sign_in(client)
    assert response.status_code == 302
    return client


@pytest.fixture
def small_world(db):
    """A burglary problem, two fitting researchers (one with a single slot) and a traffic researcher."""
    ada = make_researcher(name="Ada Nearrepeat", email="ada@example.edu", capacity=1,
                          statement="Near-repeat burglary and repeat victimization at micro places.",
                          keywords=["near-repeat", "residential burglary"], topics=["burglary"])
    bo = make_researcher(name="Bo Breakins", email="bo@example.edu", capacity=2,
                         statement="Residential burglary prevention and break-ins in suburbs.", topics=["burglary"])
    ted = make_researcher(name="Ted Traffic", email="ted@example.edu", statement="Traffic crashes and speeding.",
                          topics=["traffic-safety"], help_offered=["training"])
    problem = make_problem(title="Break-ins on the east side", contact_name="Pat Chief", contact_role="Captain",
                           phone="555-0100", email="pat@example.gov",
                           description="Residential burglary keeps hitting the same blocks; near-repeat break-ins.")
    others = [make_researcher(name=f"Other {topic}", statement=text, topics=[topic], help_offered=["training"])
              for topic, text in (("mental-health-crisis", "Co-responder clinicians and crisis calls."),
                                  ("community-trust", "Procedural justice surveys and legitimacy."),
                                  ("drug-markets", "Overdoses, naloxone and open-air drug markets."),
                                  ("victim-services", "Victim advocates and court accompaniment."))]
    _db.session.add_all([ada, bo, ted, problem, *others])
    _db.session.commit()
    return {"problem": problem, "ada": ada, "bo": bo, "ted": ted}
