"""Shared fixtures: the app on a test database, a client, a live server, SMTP and Chromium."""

from __future__ import annotations

import os
import threading
import time

import pytest
from flask import g, has_app_context
from flask.testing import FlaskClient
from sqlalchemy import text

from matcher import create_app
from matcher.config import TestConfig
from matcher.extensions import db as _db

pytest_plugins = ["tests.fixtures.smtp", "tests.fixtures.browser", "tests.fixtures.worker"]


def test_database_url(tmp_dir: str) -> str:
    """PostgreSQL when TEST_DATABASE_URL says so, else an SQLite file (shared by server threads)."""
    return os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{os.path.join(tmp_dir, 'test.sqlite3')}"


def is_postgres() -> bool:
    """Whether this test run uses PostgreSQL."""
    return (os.environ.get("TEST_DATABASE_URL") or "").startswith("postgresql")


class FreshUserClient(FlaskClient):
    """A client that loads the signed-in user from the session on every request, as a real server would.

    Tests holding an app context make Flask reuse it for the client's requests, so Flask-Login's cached
    `g._login_user` would otherwise survive between requests and hide an expired or ended session.
    """

    def open(self, *args, **kwargs):
        if has_app_context():
            g.pop("_login_user", None)
        return super().open(*args, **kwargs)


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    """One application for the session, with a freshly created schema."""
    url = test_database_url(str(tmp_path_factory.mktemp("db")))
    application = create_app(type("SessionConfig", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": url}))
    application.test_client_class = FreshUserClient
    with application.app_context():
        _db.drop_all()
        _db.create_all()
    yield application
    with application.app_context():
        _db.session.remove()
        _db.drop_all()
        _db.engine.dispose()


@pytest.fixture(autouse=True)
def _limits_as_they_were():
    """Flask-Limiter keeps `enabled` on the shared extension object, so an app built from the production
    Config in a test (rate limits on) would switch them on for the session's app: restore it afterwards."""
    from matcher.extensions import limiter

    was_enabled = limiter.enabled
    yield
    limiter.enabled = was_enabled


@pytest.fixture(autouse=True)
def _clean_tables(request):
    """Empty every table after each test that used the app, so tests never see each other's rows."""
    yield
    if "app" not in request.fixturenames:
        return
    with request.getfixturevalue("app").app_context():
        empty_all_tables()


def empty_all_tables() -> None:
    """Delete every row of every table (inside an app context), and forget the directory's and the app's
    text index: emptying the tables starts the corpus version over, which the indexes cannot tell apart
    from the next test's changes.
    """
    from matcher.services import index_cache
    from matcher.services.directory import forget_search_index

    forget_search_index()
    index_cache.forget()
    _db.session.remove()
    tables = [t.name for t in reversed(_db.metadata.sorted_tables)]
    with _db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for name in tables:
                connection.execute(text(f"DELETE FROM {name}"))


@pytest.fixture
def app_ctx(app):
    """An application context for tests that call services directly."""
    with app.app_context():
        yield app


@pytest.fixture
def db(app_ctx):
    """The database extension inside an app context."""
    return _db


@pytest.fixture
def client(app):
    """A test client for the session's app."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """A CLI runner for `flask` commands."""
    return app.test_cli_runner()


@pytest.fixture
def config_override(app):
    """Change app settings for one test and restore them afterwards."""
    saved: dict = {}

    def override(**values):
        for key, value in values.items():
            saved.setdefault(key, app.config.get(key))
            app.config[key] = value

    yield override
    app.config.update(saved)


@pytest.fixture(scope="session")
def seed_dir():
    """The repository's sample data folder."""
    return os.path.join(os.path.dirname(os.path.dirname(__file__)), "seed")


@pytest.fixture
def seeded(db, seed_dir):
    """The sample data, loaded."""
    from matcher.services.sample_data import load_sample_data

    return load_sample_data(seed_dir)


@pytest.fixture(scope="session")
def live_server(app):
    """The app served by a real HTTP server on a free loopback port."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture
def limited_app(tmp_path):
    """A separate app with rate limits on: 2 accepted and 4 posts in all per hour per form.

    Flask-Limiter keeps `enabled` on the shared extension object, so it is restored afterwards for the
    session's (unlimited) app.
    """
    from matcher.extensions import limiter

    was_enabled = limiter.enabled
    application = create_app(type("Limited", (TestConfig,), {
        "RATELIMIT_ENABLED": True, "FORM_RATE_LIMIT": "2 per hour", "FORM_POST_LIMIT": "4 per hour",
        "RATELIMIT_STORAGE_URI": "memory://",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'limited.sqlite3'}",
    }))
    with application.app_context():
        _db.create_all()
    yield application
    with application.app_context():
        _db.session.remove()
        _db.engine.dispose()
    limiter.reset()
    limiter.enabled = was_enabled


def as_researcher(client, researcher_id: int) -> None:
    """Make the client a signed-in researcher, as following the e-mailed link would."""
    from matcher.extensions import login_manager
    from matcher.models import Researcher

    with client.application.test_request_context(environ_base=client.environ_base):
        identifier = login_manager._session_identifier_generator()  # what "strong" protection checks
    with client.application.app_context():
        identity = _db.session.get(Researcher, researcher_id).get_id()
    with client.session_transaction() as session:
        session["_user_id"] = identity
        session["researcher_session_expires"] = time.time() + 3600
        session["_fresh"] = True
        session["_id"] = identifier
