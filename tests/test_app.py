"""The application factory, configuration, error pages and headers."""

import logging

import pytest
from flask import abort

from matcher import create_app
from matcher.config import Config, TestConfig, _normalise_database_url


def make_test_app(**overrides):
    """A separate app with TestConfig plus overrides (not the session app)."""
    return create_app(type("Overrides", (TestConfig,), overrides))


def test_default_database_is_sqlite_file_in_instance_folder(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = create_app(type("NoUrl", (Config,), {"SQLALCHEMY_DATABASE_URI": "", "SECRET_KEY": "k" * 64}))
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    assert uri.startswith("sqlite:///")
    assert uri.endswith("instance/matcher.sqlite3")


@pytest.mark.parametrize(
    "given",
    ["postgres://u@h/db", "postgresql://u@h/db", "postgresql+psycopg://u@h/db"],
)
def test_postgres_urls_use_psycopg3(given):
    assert _normalise_database_url(given) == "postgresql+psycopg://u@h/db"


def test_production_refuses_the_development_secret_key():
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(type("Prod", (Config,), {"ENV_NAME": "production", "SQLALCHEMY_DATABASE_URI": "sqlite://"}))


def test_production_starts_with_a_real_secret_key():
    app = create_app(
        type("Prod", (Config,), {"ENV_NAME": "production", "SECRET_KEY": "x" * 40, "SQLALCHEMY_DATABASE_URI": "sqlite://",
                                 "SITE_URL": "https://partners.example.org"})
    )
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True


def test_logs_go_to_stderr(capsys):
    app = make_test_app(SQLALCHEMY_DATABASE_URI="sqlite://")
    app.logger.info("hello from the test")
    assert "hello from the test" in capsys.readouterr().err
    assert any(isinstance(h, logging.StreamHandler) for h in app.logger.handlers)


def test_home_page_has_navigation_for_every_audience(client):
    html = client.get("/").get_data(as_text=True)
    for text in ("Find a researcher", "For agencies", "For researchers", "Coordinators"):
        assert text in html
    assert 'name="viewport"' in html
    assert 'lang="en"' in html


def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)
    assert "Research Partners" in response.get_data(as_text=True)


def test_oversized_request_gets_the_413_page():
    app = make_test_app(MAX_CONTENT_LENGTH=1000, SQLALCHEMY_DATABASE_URI="sqlite://")
    response = app.test_client().post("/coordinators/sign-in", data={"email": "x" * 5000})
    assert response.status_code == 413
    assert "Too much data" in response.get_data(as_text=True)


def test_unexpected_error_gets_the_500_page_without_details():
    app = make_test_app(SQLALCHEMY_DATABASE_URI="sqlite://", PROPAGATE_EXCEPTIONS=False)

    @app.get("/boom")
    def boom():
        raise ValueError("secret internals")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert "Something went wrong" in body
    assert "secret internals" not in body


def test_forbidden_gets_the_403_page():
    app = make_test_app(SQLALCHEMY_DATABASE_URI="sqlite://")

    @app.get("/forbidden")
    def forbidden():
        abort(403)

    assert "Not allowed" in app.test_client().get("/forbidden").get_data(as_text=True)


def test_post_without_csrf_token_is_refused_with_a_friendly_page():
    app = make_test_app(SQLALCHEMY_DATABASE_URI="sqlite://", WTF_CSRF_ENABLED=True)
    response = app.test_client().post("/coordinators/sign-in", data={"email": "a@b.org", "password": "x"})
    assert response.status_code == 400
    assert "form has expired" in response.get_data(as_text=True)


def test_security_headers_on_every_response(client):
    for path in ("/", "/no-such-page", "/static/css/site.css"):
        headers = client.get(path).headers
        assert "script-src 'self'" in headers["Content-Security-Policy"]
        assert "unsafe-inline" not in headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"


def test_behind_a_proxy_the_client_address_comes_from_x_forwarded_for():
    app = make_test_app(SQLALCHEMY_DATABASE_URI="sqlite://", PROXY_COUNT=1)

    @app.get("/whoami")
    def whoami():
        from flask import request

        return request.remote_addr

    response = app.test_client().get("/whoami", headers={"X-Forwarded-For": "203.0.113.9"})
    assert response.get_data(as_text=True) == "203.0.113.9"
