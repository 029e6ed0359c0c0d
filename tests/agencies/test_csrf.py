"""With CSRF protection on (as in production), the agency forms work from their own pages."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from matcher import create_app
from matcher.config import TestConfig
from matcher.extensions import db
from matcher.models import Problem, ProblemUpdate
from tests.agencies.conftest import valid_form


@pytest.fixture
def csrf_app(tmp_path, matching):
    app = create_app(type("WithCsrf", (TestConfig,), {
        "WTF_CSRF_ENABLED": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'csrf.sqlite3'}",
    }))
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def token_in(html: str, name: str) -> str:
    return re.search(rf'name="{name}" type="hidden" value="([^"]+)"', html).group(1)


def test_submit_add_information_and_withdraw_with_csrf_tokens(csrf_app):
    client = csrf_app.test_client()
    assert client.post("/agencies/submit", data=valid_form()).status_code == 400  # no token: refused

    html = client.get("/agencies/submit").get_data(as_text=True)
    data = valid_form(csrf_token=token_in(html, "csrf_token"))
    assert client.post("/agencies/submit", data=data).status_code == 303
    with csrf_app.app_context():
        problem = db.session.scalar(select(Problem))
        path = f"/agencies/status/{problem.status_token}"

    html = client.get(path).get_data(as_text=True)
    response = client.post(f"{path}/information", data={
        "info-csrf_token": token_in(html, "info-csrf_token"), "info-body": "Patrol logs are available too."})
    assert response.status_code == 303
    response = client.post(f"{path}/withdraw", data={
        "withdraw-csrf_token": token_in(html, "withdraw-csrf_token"), "withdraw-confirm": "y"})
    assert response.status_code == 303
    with csrf_app.app_context():
        kinds = list(db.session.scalars(select(ProblemUpdate.kind).order_by(ProblemUpdate.id)))
        assert kinds == ["info", "withdrawal"]


def test_over_https_a_post_from_the_sites_own_page_is_accepted(csrf_app):
    """Flask-WTF wants a same-site Referer on HTTPS posts: the pages' referrer policy must let browsers send it
    to this site (and only to it, so secret links never reach another site)."""
    client = csrf_app.test_client()
    form_page = client.get("/agencies/submit", base_url="https://localhost")
    assert form_page.headers["Referrer-Policy"] == "same-origin"  # sent to this site, never to others
    data = valid_form(csrf_token=token_in(form_page.get_data(as_text=True), "csrf_token"))
    sent = client.post("/agencies/submit", data=data, base_url="https://localhost",
                       headers={"Referer": "https://localhost/agencies/submit"})  # what the browser sends
    assert sent.status_code == 303
