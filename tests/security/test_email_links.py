"""E-mailed links are built from SITE_URL alone: a forged Host or X-Forwarded-Host cannot redirect them."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from matcher import create_app
from matcher.config import DEV_SITE_URL, Config, TestConfig
from matcher.extensions import db as _db
from matcher.models import OutboxMessage
from tests.agencies.conftest import install_matching, valid_form
from tests.factories import make_researcher

EVIL = {"Host": "evil.example", "X-Forwarded-Host": "evil.example"}


def links_in_outbox() -> list[str]:
    """Every absolute link in every stored message."""
    bodies = _db.session.scalars(select(OutboxMessage.body))
    return [link for body in bodies for link in re.findall(r"https?://\S+", body)]


@pytest.fixture
def known_researcher(db):
    researcher = make_researcher(email="ada@example.edu")
    db.session.add(researcher)
    db.session.commit()
    return researcher


def test_a_forged_host_is_refused_before_any_mail_is_sent(client, db, known_researcher):
    response = client.post("/researchers/manage", data={"email": "ada@example.edu"}, headers=EVIL)
    assert response.status_code == 400
    assert links_in_outbox() == []


def test_sign_in_links_use_site_url_even_when_every_host_is_trusted(client, db, known_researcher, config_override):
    config_override(TRUSTED_HOSTS=None, SITE_URL="https://partners.example.org")
    assert client.post("/researchers/manage", data={"email": "ada@example.edu"}, headers=EVIL).status_code == 302
    links = links_in_outbox()
    assert links and all(link.startswith("https://partners.example.org/researchers/sign-in/") for link in links)


def test_agency_and_coordinator_links_use_site_url(client, db, monkeypatch, config_override):
    install_matching(monkeypatch, lambda problem: [])
    config_override(TRUSTED_HOSTS=None, SITE_URL="https://partners.example.org")
    assert client.post("/agencies/submit", data=valid_form(), headers=EVIL).status_code == 303
    links = links_in_outbox()
    assert any("/agencies/status/" in link for link in links)
    assert any("/coordinators/" in link for link in links)
    assert all(link.startswith("https://partners.example.org/") for link in links), links


def test_development_defaults_site_url_to_the_make_run_address():
    app = create_app(type("Dev", (TestConfig,), {"SITE_URL": "", "TRUSTED_HOSTS": None}))
    assert app.config["SITE_URL"] == DEV_SITE_URL == "http://127.0.0.1:5000"
    assert app.config["TRUSTED_HOSTS"] == ["127.0.0.1", "localhost"]


def production(**settings):
    values = {"ENV_NAME": "production", "SECRET_KEY": "k" * 64, "SQLALCHEMY_DATABASE_URI": "sqlite://",
              "TRUSTED_HOSTS": None}
    return create_app(type("Prod", (Config,), {**values, **settings}))


def test_production_refuses_to_start_without_site_url():
    with pytest.raises(RuntimeError, match="SITE_URL"):
        production(SITE_URL="")


@pytest.mark.parametrize("bad", ["partners.example.org", "ftp://partners.example.org", "https://"])
def test_production_refuses_a_site_url_that_is_not_an_address(bad):
    with pytest.raises(RuntimeError, match="SITE_URL"):
        production(SITE_URL=bad)


def test_production_trusts_only_site_url_host():
    app = production(SITE_URL="https://partners.example.org/")
    assert app.config["SITE_URL"] == "https://partners.example.org"
    assert app.config["TRUSTED_HOSTS"] == ["partners.example.org"]
    client = app.test_client()
    assert client.get("/", headers={"Host": "evil.example"}).status_code == 400
    assert client.get("/", headers={"Host": "localhost"}).status_code == 400
