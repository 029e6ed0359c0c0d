"""The outbox shows coordinators every message, but never a live sign-in, confirmation or status link."""

from __future__ import annotations

import re

from sqlalchemy import select

from matcher.models import OutboxMessage, Problem
from tests.agencies.conftest import install_matching, valid_form
from tests.researchers.helpers import link_in, outbox_to, profile_data
from tests.security.conftest import client_as


def test_the_outbox_hides_the_secret_of_every_bearer_link(app, db, world, monkeypatch):
    install_matching(monkeypatch, lambda problem: [])
    visitor = app.test_client()
    visitor.post("/researchers/manage", data={"email": "ada@example.edu"})
    visitor.post("/researchers/register", data=profile_data(email="new@example.edu"))
    visitor.post("/agencies/submit", data=valid_form())
    secrets = [link_in(outbox_to(address)[-1]).rsplit("/", 1)[1] for address in ("ada@example.edu", "new@example.edu")]
    secrets += [problem.status_token for problem in db.session.scalars(select(Problem))]

    coordinator = client_as(app, "coordinator")
    page = coordinator.get("/coordinators/outbox").get_data(as_text=True)
    assert "Your Research Partners sign-in link" in page and "Confirm your Research Partners profile" in page
    for secret in secrets:
        assert secret not in page
    assert "/researchers/sign-in/[private link: only the recipient can open it]" in page
    for path in re.findall(r"https?://[^/\s]+(/(?:researchers/(?:sign-in|confirm)|agencies/status)/[^\s<]*)", page):
        assert coordinator.get(path).status_code in (400, 404)


def test_links_to_the_workspace_stay_visible(app, db, world, monkeypatch):
    install_matching(monkeypatch, lambda problem: [])
    app.test_client().post("/agencies/submit", data=valid_form())
    page = client_as(app, "coordinator").get("/coordinators/outbox").get_data(as_text=True)
    notice = db.session.scalar(select(OutboxMessage).where(OutboxMessage.to == "coordinators@example.org"))
    assert notice is not None
    assert re.search(r"http://localhost/coordinators/problems/\d+", page)
