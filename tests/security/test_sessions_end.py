"""Signing out, a new password or deactivation end every session of the account, copied cookies included."""

from __future__ import annotations

from matcher.extensions import db as _db
from matcher.models import AuditEvent, Coordinator, Researcher
from tests.conftest import as_researcher
from tests.security.conftest import PASSWORD, client_as


def copy_of(app, client):
    """A second browser holding a copy of this client's session cookie (as a thief would)."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def opens_workspace(client) -> bool:
    return client.get("/coordinators/").status_code == 200


def test_a_coordinator_cookie_copied_before_sign_out_no_longer_opens_the_workspace(app, world):
    client = client_as(app, "coordinator")
    thief = copy_of(app, client)
    assert opens_workspace(thief)
    client.post("/coordinators/sign-out")
    assert not opens_workspace(thief)
    assert not opens_workspace(client)


def test_a_researcher_cookie_copied_before_sign_out_no_longer_opens_the_profile(app, world):
    client = app.test_client()
    as_researcher(client, world.researcher_id)
    edited_at = _db.session.get(Researcher, world.researcher_id).updated_at
    thief = copy_of(app, client)
    assert thief.get("/researchers/profile").status_code == 200
    client.post("/researchers/sign-out")
    assert thief.get("/researchers/profile").status_code == 302
    _db.session.expire_all()
    assert _db.session.get(Researcher, world.researcher_id).updated_at == edited_at  # signing out is no edit


def test_a_new_password_ends_the_coordinators_sessions(app, world, runner):
    client = client_as(app, "coordinator")
    result = runner.invoke(args=["set-coordinator-password", "coord@example.org"],
                           input="a brand new password\na brand new password\n")
    assert result.exit_code == 0, result.output
    assert not opens_workspace(client)
    assert client.post("/coordinators/sign-in", data={"email": "coord@example.org", "password": PASSWORD}
                       ).status_code == 200  # the old password is refused
    assert client.post("/coordinators/sign-in", data={"email": "coord@example.org",
                                                      "password": "a brand new password"}).status_code == 302
    assert opens_workspace(client)


def test_deactivation_ends_the_coordinators_sessions_and_sign_ins(app, world, runner):
    client = client_as(app, "coordinator")
    result = runner.invoke(args=["deactivate-coordinator", "coord@example.org"])
    assert result.exit_code == 0, result.output
    assert not opens_workspace(client)
    assert client.post("/coordinators/sign-in", data={"email": "coord@example.org", "password": PASSWORD}
                       ).status_code == 200
    assert not _db.session.get(Coordinator, world.coordinator_id).active
    actions = set(_db.session.scalars(_db.select(AuditEvent.action)))
    assert "coordinator.deactivated" in actions

