"""The published development key signs nothing outside debug and the tests; production needs 32 bytes or more."""

from __future__ import annotations

import pytest

from matcher import create_app
from matcher.config import DEV_SECRET_KEY, Config, TestConfig
from matcher.extensions import db as _db
from matcher.extensions import login_manager
from matcher.models import Coordinator


def development_app(tmp_path, **settings):
    """An app as `flask run` builds it (no debug, no tests), with its key file in tmp_path."""
    values = {"ENV_NAME": "development", "SQLALCHEMY_DATABASE_URI": "sqlite://",
              "SECRET_KEY_FILE": str(tmp_path / "secret_key"), "RATELIMIT_ENABLED": False}
    return create_app(type("Development", (Config,), {**values, **settings}))


def test_development_refuses_to_start_without_a_real_key(tmp_path):
    with pytest.raises(RuntimeError, match="make run"):
        development_app(tmp_path)


def test_development_refuses_the_published_key(tmp_path):
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        development_app(tmp_path, SECRET_KEY=DEV_SECRET_KEY)


def test_development_reads_the_key_make_run_wrote(tmp_path):
    (tmp_path / "secret_key").write_text("f" * 64 + "\n")
    assert development_app(tmp_path).config["SECRET_KEY"] == "f" * 64


def test_debug_may_use_the_development_key(tmp_path):
    assert development_app(tmp_path, DEBUG=True).config["SECRET_KEY"] == DEV_SECRET_KEY


@pytest.mark.parametrize("length, starts", [(31, False), (32, True)])
def test_production_needs_a_key_of_at_least_32_bytes(length, starts):
    config = type("Prod", (Config,), {"ENV_NAME": "production", "SECRET_KEY": "k" * length,
                                      "SQLALCHEMY_DATABASE_URI": "sqlite://",
                                      "SITE_URL": "https://partners.example.org"})
    if starts:
        assert create_app(config).config["SECRET_KEY"] == "k" * length
    else:
        with pytest.raises(RuntimeError, match="at least 32 bytes"):
            create_app(config)


def forged_coordinator_cookie(identity: str) -> str:
    """A session cookie naming the coordinator, signed with the published development key."""
    forger = create_app(type("Forger", (TestConfig,), {"SECRET_KEY": DEV_SECRET_KEY,
                                                       "SQLALCHEMY_DATABASE_URI": "sqlite://"}))
    client = forger.test_client()
    with forger.test_request_context(environ_base=client.environ_base):
        identifier = login_manager._session_identifier_generator()
    with client.session_transaction() as session:
        session.update({"_user_id": identity, "_fresh": True, "_id": identifier})
    return client.get_cookie("session").value


def test_a_cookie_signed_with_the_published_key_does_not_open_the_workspace(app, world, tmp_path):
    (tmp_path / "secret_key").write_text("a real random key " * 4)
    site = development_app(tmp_path, SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"])
    client = site.test_client()
    identity = _db.session.get(Coordinator, world.coordinator_id).get_id()
    client.set_cookie("session", forged_coordinator_cookie(identity))
    try:
        response = client.get("/coordinators/outbox")
        assert response.status_code == 302 and "/coordinators/sign-in" in response.location
    finally:
        with site.app_context():
            _db.session.remove()
            _db.engine.dispose()

