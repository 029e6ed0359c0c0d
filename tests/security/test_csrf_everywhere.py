"""CSRF: every POST route of the site, found from the URL map, refuses a request without a valid token."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from matcher import create_app
from matcher.config import TestConfig
from matcher.extensions import db
from matcher.models import AuditEvent, Problem, Researcher
from tests.conftest import as_researcher
from tests.security.conftest import PASSWORD, build_world, routes, url_of

EXPIRED = "This form has expired or was sent from another page"


@pytest.fixture
def csrf_app(tmp_path, monkeypatch):
    """A separate app with CSRF protection on, as in production."""
    app = create_app(type("WithCsrf", (TestConfig,), {
        "WTF_CSRF_ENABLED": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'csrf.sqlite3'}",
    }))
    with app.app_context():
        db.create_all()
        world = build_world()
    app.config["WORLD"] = world
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def token_from(client, path: str = "/researchers/manage") -> str:
    html = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


def signed_in_clients(app):
    """An anonymous visitor, a signed-in coordinator and a signed-in researcher (the usual CSRF victims)."""
    anonymous = app.test_client()
    coordinator = app.test_client()
    response = coordinator.post("/coordinators/sign-in", data={
        "email": "coord@example.org", "password": PASSWORD, "csrf_token": token_from(coordinator)})
    assert response.status_code == 302
    researcher = app.test_client()
    with app.app_context():
        as_researcher(researcher, app.config["WORLD"].researcher_id)
    return {"anonymous": anonymous, "coordinator": coordinator, "researcher": researcher}


def test_there_are_post_routes_in_every_area(csrf_app):
    prefixes = {rule.rule.split("/")[1] for rule in routes(csrf_app, "POST")}
    assert {"agencies", "researchers", "coordinators"} <= prefixes
    assert len(routes(csrf_app, "POST")) >= 20


def test_every_post_without_a_token_is_refused_and_changes_nothing(csrf_app):
    world = csrf_app.config["WORLD"]
    clients = signed_in_clients(csrf_app)
    with csrf_app.app_context():
        events_before = db.session.scalar(select(func.count(AuditEvent.id)))
    for rule in routes(csrf_app, "POST"):
        path = url_of(csrf_app, rule, world)
        for who, client in clients.items():
            for data in ({}, {"csrf_token": "forged-token"}, {"info-csrf_token": "x" * 90}):
                response = client.post(path, data=data)
                assert response.status_code == 400, (who, path, data)
                assert EXPIRED in response.get_data(as_text=True), (who, path)
    with csrf_app.app_context():
        assert db.session.scalar(select(func.count(AuditEvent.id))) == events_before
        assert db.session.get(Problem, world.problem_id).status == "new"
        assert db.session.get(Researcher, world.researcher_id).hidden is False


def test_a_token_from_another_session_is_refused(csrf_app):
    stranger = csrf_app.test_client()
    victim = csrf_app.test_client()
    response = victim.post("/researchers/manage", data={"email": "ada@example.edu", "csrf_token": token_from(stranger)})
    assert response.status_code == 400


def test_every_post_with_the_session_token_gets_past_the_check(csrf_app):
    """The control for the test above: the same requests with a valid token are not refused as forged."""
    world = csrf_app.config["WORLD"]
    clients = signed_in_clients(csrf_app)
    for rule in routes(csrf_app, "POST"):
        if rule.endpoint.endswith("sign_out") or rule.endpoint in ("researchers.delete", "researchers.visibility"):
            continue  # would end the session or the profile used by the next requests
        path = url_of(csrf_app, rule, world)
        for who in ("coordinator", "researcher"):
            client = clients[who]
            response = client.post(path, data={"csrf_token": token_from(client)})
            assert EXPIRED not in response.get_data(as_text=True), (who, path)
            assert response.status_code < 500, (who, path)
