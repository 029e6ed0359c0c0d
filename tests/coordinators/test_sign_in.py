"""Coordinator accounts: the CLI, sign-in and out, cookies, hashing and slowing down guessing."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from matcher.models import Coordinator
from tests.coordinators.conftest import PASSWORD, sign_in


def test_create_coordinator_asks_for_the_password_twice(runner, db):
    result = runner.invoke(args=["create-coordinator", "New@Example.org", "--name", "Nia New"],
                           input="a very good password\na very good password\n")
    assert result.exit_code == 0, result.output
    assert "Password" in result.output and "Repeat the password" in result.output
    coordinator = db.session.scalar(select(Coordinator).where(Coordinator.email == "new@example.org"))
    assert coordinator.name == "Nia New"
    assert coordinator.password_hash.startswith("scrypt:")
    assert "a very good password" not in coordinator.password_hash


def test_create_coordinator_refuses_mismatched_or_short_passwords_and_duplicates(runner, db, coordinator):
    mismatch = runner.invoke(args=["create-coordinator", "a@example.org"], input="first password 1\nother password 2\n")
    assert mismatch.exit_code != 0
    short = runner.invoke(args=["create-coordinator", "b@example.org"], input="short\nshort\n")
    assert short.exit_code != 0 and "at least 10 characters" in short.output
    duplicate = runner.invoke(args=["create-coordinator", "coord@example.org"], input=f"{PASSWORD}\n{PASSWORD}\n")
    assert duplicate.exit_code != 0 and "already exists" in duplicate.output
    assert db.session.scalar(select(Coordinator).where(Coordinator.email == "a@example.org")) is None


def test_sign_in_and_out(client, coordinator):
    response = sign_in(client, follow_redirects=True)
    assert b"Coordinator workspace" in response.data and b"Sign out" in response.data
    cookie = response.request.headers.get("Cookie", "")
    assert "session=" in cookie
    response = client.post("/coordinators/sign-out", follow_redirects=True)
    assert b"You are signed out" in response.data
    assert client.get("/coordinators/queue").status_code == 302


def test_session_cookie_is_httponly_and_samesite(client, coordinator):
    response = sign_in(client)
    set_cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in set_cookie and "SameSite=Lax" in set_cookie


def test_secure_cookies_in_production():
    from matcher.config import Config

    assert Config.SESSION_COOKIE_HTTPONLY
    assert Config.SESSION_COOKIE_SECURE == (Config.ENV_NAME == "production")


def test_wrong_password_is_refused_beside_the_field_with_the_email_kept(client, coordinator):
    response = sign_in(client, password="not the password")
    page = response.data.decode()
    assert response.status_code == 200
    assert "do not match an active coordinator account" in page
    assert 'value="coord@example.org"' in page
    assert client.get("/coordinators/queue").status_code == 302


def test_next_only_follows_local_paths(client, coordinator):
    assert sign_in(client, query_string={"next": "/coordinators/reports"}).location.endswith("/coordinators/reports")
    client.post("/coordinators/sign-out")
    assert sign_in(client, query_string={"next": "//evil.example/"}).location.endswith("/coordinators/")


@pytest.mark.parametrize("target", [
    "/\t/evil.example", "/\n/x", "/\r\nSet-Cookie: x=1", "/ /evil.example", "/\\evil.example",
    "https://evil.example/", "/\x7f/evil.example", "/\u2028/evil.example",
])
def test_next_with_control_characters_or_a_host_goes_to_the_workspace(client, coordinator, target):
    response = sign_in(client, query_string={"next": target})
    assert response.status_code == 302
    assert response.location == "/coordinators/"


def test_repeated_failures_on_one_account_are_slowed_down(client, coordinator):
    for left in (4, 3, 2, 1):
        page = sign_in(client, password="wrong guess").data.decode()
        attempts = "1 attempt" if left == 1 else f"{left} attempts"
        assert f"{attempts} left before sign-in from here is paused for 15 minutes" in page
    assert "Sign-in from here is now paused for 15 minutes" in sign_in(client, password="wrong guess").data.decode()
    blocked = sign_in(client)  # even the right password waits now, from this client
    assert blocked.status_code == 429
    assert "Too many failed sign-ins for this account from here. Please wait 15 minutes" in blocked.data.decode()
    assert client.get("/coordinators/queue").status_code == 302


def test_a_stranger_guessing_cannot_lock_the_coordinator_out(app, client, coordinator):
    stranger = app.test_client()
    stranger.environ_base["REMOTE_ADDR"] = "203.0.113.66"
    for _ in range(10):
        sign_in(stranger, password="wrong guess")
    assert sign_in(stranger).status_code == 429
    assert sign_in(client).status_code == 302  # the coordinator, from their own address


def test_guessing_from_many_addresses_locks_the_account_and_mails_an_unlock_link(app, client, coordinator,
                                                                                 config_override):
    from tests.researchers.helpers import link_in, outbox_to

    config_override(SIGNIN_ACCOUNT_LIMIT="8 per hour")
    for n in range(8):
        sign_in(client, password="wrong guess", environ_base={"REMOTE_ADDR": f"203.0.113.{n // 2}"})
    blocked = sign_in(client)
    assert blocked.status_code == 429 and "We have e-mailed its owner a link" in blocked.data.decode()
    messages = outbox_to("coord@example.org")
    assert len(messages) == 1 and "locked" in messages[0].subject
    unlock = client.get(link_in(messages[0]))
    assert unlock.status_code == 302 and unlock.location.endswith("/coordinators/sign-in")
    assert sign_in(client).status_code == 302
    assert client.get("/coordinators/unlock/forged.token").status_code == 400


def test_repeated_failures_from_one_client_are_slowed_down(client, coordinator):
    for n in range(20):
        sign_in(client, email=f"guess{n}@example.org", password="wrong guess")
    blocked = sign_in(client)
    assert blocked.status_code == 429
    assert "Too many failed sign-ins from your network" in blocked.data.decode()
    other_client = sign_in(client, environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert other_client.status_code == 302


def test_a_successful_sign_in_forgets_earlier_failures(client, coordinator):
    for _ in range(4):
        sign_in(client, password="wrong guess")
    assert sign_in(client).status_code == 302
    client.post("/coordinators/sign-out")
    for _ in range(4):
        sign_in(client, password="wrong guess")
    assert sign_in(client).status_code == 302
