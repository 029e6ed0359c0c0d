"""E-mailed links work once, only the newest works, signing out ends them, and they carry no e-mail address."""

from __future__ import annotations

import base64

import pytest

from matcher.extensions import db as _db
from matcher.models import Researcher
from tests.conftest import as_researcher
from tests.factories import make_researcher
from tests.researchers.helpers import link_in, outbox_to, profile_data

EMAIL = "ada@example.edu"


@pytest.fixture
def ada(db):
    researcher = make_researcher(email=EMAIL)
    db.session.add(researcher)
    db.session.commit()
    return researcher


def ask_for_link(client) -> str:
    """Ask for a sign-in link on 'Manage my profile'; the path of the link e-mailed."""
    assert client.post("/researchers/manage", data={"email": EMAIL}).status_code == 302
    return link_in(outbox_to(EMAIL)[-1])


def used_page(response) -> bool:
    page = response.get_data(as_text=True)
    return (response.status_code == 400 and "This link has already been used" in page
            and "Send me a new link" in page)


def test_a_sign_in_link_signs_in_once(app, client, ada):
    link = ask_for_link(client)
    assert client.get(link).status_code == 302
    other_browser = app.test_client()
    assert used_page(other_browser.get(link))
    assert other_browser.get("/researchers/profile").status_code == 302  # not signed in


def test_a_newer_link_ends_the_older_one(app, client, ada):
    older = ask_for_link(client)
    newer = ask_for_link(client)
    assert used_page(app.test_client().get(older))
    assert app.test_client().get(newer).status_code == 302


def test_signing_out_ends_links_not_yet_used(app, client, ada):
    link = ask_for_link(app.test_client())
    as_researcher(client, ada.id)
    client.post("/researchers/sign-out")
    assert used_page(app.test_client().get(link))


def test_a_confirmation_link_confirms_once(client, db):
    client.post("/researchers/register", data=profile_data(email="new@example.edu"))
    link = link_in(outbox_to("new@example.edu")[0])
    assert client.get(link).status_code == 302
    response = client.get(link)
    assert used_page(response) and "your address is already" in response.get_data(as_text=True)
    assert _db.session.scalar(_db.select(Researcher).where(Researcher.email == "new@example.edu")).confirmed_at


def test_tokens_carry_no_email_address(client, ada):
    token = ask_for_link(client).rsplit("/", 1)[1]
    payload = token.split(".")[0]
    decoded = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    assert b"@" not in decoded and b"ada" not in decoded
