"""Global assignment in Chromium: compare, keep a proposal across reloads, confirm the e-mails with a note, discard."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from matcher.extensions import db
from matcher.models import AssignmentProposal, OutboxMessage
from matcher.services import accounts
from tests.coordinators.conftest import PASSWORD
from tests.coordinators.test_global_assignment import crafted  # noqa: F401  (the fixture)

pytestmark = pytest.mark.browser


@pytest.fixture
def signed_in(page, crafted):  # noqa: F811
    """A coordinator signed in on the global assignment page."""
    accounts.create_coordinator("coord@example.org", PASSWORD, name="Casey Coordinator")
    page.goto("/coordinators/sign-in")
    page.get_by_label("E-mail").fill("coord@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Global assignment").click()
    return page


def keep_proposal_a(page) -> None:
    page.get_by_label("Setting A: researchers per problem").fill("1")
    page.get_by_label("Setting B: researchers per problem").fill("2")
    page.get_by_role("button", name="Compare").click()
    expect(page.get_by_role("table", name="Totals")).to_contain_text("1.65")
    page.get_by_role("button", name="Keep proposal A for review").click()
    expect(page.get_by_role("heading", name=re.compile(r"Open proposal #\d+"))).to_be_visible()


def test_the_confirmation_lists_the_emails_and_the_note_reaches_the_outbox(signed_in):
    page = signed_in
    db.session.rollback()  # hold no SQLite lock while the server writes
    keep_proposal_a(page)
    page.reload()
    expect(page.get_by_role("heading", name=re.compile(r"Open proposal #\d+"))).to_be_visible()
    expect(page.get_by_text("Made by Casey Coordinator")).to_be_visible()
    ben, ada = (page.get_by_role("checkbox", name=re.compile(f"^{name},")) for name in ("Ben", "Ada"))
    expect(ben).not_to_be_checked()
    expect(ada).not_to_be_checked()
    ben.check()
    ada.check()
    page.get_by_role("button", name="Review the e-mails for the ticked…").click()

    expect(page.get_by_role("heading", name="4 e-mails will be sent")).to_be_visible()
    emails = page.get_by_role("table", name="E-mails that will be sent")
    for address, problem in (("alpha@example.gov", "First problem"), ("ben@example.edu", "First problem"),
                             ("beta@example.gov", "Second problem"), ("ada@example.edu", "Second problem")):
        expect(emails.locator("tr", has_text=address)).to_contain_text(problem)
    assert db.session.scalars(select(OutboxMessage)).all() == []
    db.session.rollback()  # hold no SQLite lock while the server writes

    page.get_by_label("Personal note (optional)").fill("Both researchers know your region well.")
    page.get_by_role("button", name="Send these introductions").click()
    expect(page.locator(".flash")).to_contain_text("2 introductions made; 4 e-mails are on their way.")
    expect(page.get_by_role("button", name="Compare")).to_be_visible()  # the proposal is closed

    db.session.expire_all()
    mails = db.session.scalars(select(OutboxMessage)).all()
    assert sorted(m.to for m in mails) == ["ada@example.edu", "alpha@example.gov", "ben@example.edu",
                                           "beta@example.gov"]
    assert all("Both researchers know your region well." in m.body for m in mails)


def test_a_kept_proposal_survives_a_reload_until_it_is_discarded(signed_in):
    page = signed_in
    db.session.rollback()  # hold no SQLite lock while the server writes
    keep_proposal_a(page)
    page.goto("/coordinators/queue")
    page.get_by_role("link", name="Global assignment").click()
    expect(page.get_by_role("heading", name=re.compile(r"Open proposal #\d+"))).to_be_visible()
    page.get_by_role("button", name="Discard this proposal").click()
    expect(page.locator(".flash")).to_contain_text("The proposal was discarded.")
    page.reload()
    expect(page.get_by_role("heading", name=re.compile("Open proposal"))).to_have_count(0)
    expect(page.get_by_role("button", name="Compare")).to_be_visible()
    db.session.expire_all()
    assert [p.status for p in db.session.scalars(select(AssignmentProposal))] == ["discarded"]
    assert db.session.scalars(select(OutboxMessage)).all() == []
