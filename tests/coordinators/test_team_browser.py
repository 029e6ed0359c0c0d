"""Two coordinators in Chromium: one deactivates the other while the other has the workspace open."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from matcher.services import accounts
from tests.coordinators.conftest import PASSWORD

pytestmark = pytest.mark.browser


def sign_in(tab, email: str) -> None:
    tab.goto("/coordinators/sign-in")
    tab.get_by_label("E-mail").fill(email)
    tab.get_by_label("Password").fill(PASSWORD)
    tab.get_by_role("button", name="Sign in").click()


def test_a_coordinator_deactivated_mid_session_is_sent_to_sign_in_and_cannot_return(page, browser, live_server,
                                                                                      db):
    accounts.create_coordinator("casey@example.org", PASSWORD, name="Casey Coordinator")
    accounts.create_coordinator("dana@example.org", PASSWORD, name="Dana Deputy")
    dana_context = browser.new_context(base_url=live_server)
    dana_context.set_default_timeout(10_000)
    dana = dana_context.new_page()
    try:
        sign_in(dana, "dana@example.org")
        dana.get_by_role("link", name="Queue").click()
        expect(dana.get_by_role("heading", name="Review queue")).to_be_visible()

        sign_in(page, "casey@example.org")
        page.get_by_role("link", name="Team").click()
        expect(page.get_by_role("table", name="Coordinator accounts")).to_contain_text("Dana Deputy")
        page.get_by_role("button", name="Deactivate Dana Deputy").click()
        expect(page.locator(".flash")).to_contain_text("Dana Deputy is deactivated and signed out everywhere")
        expect(page.locator("tbody tr", has_text="Dana Deputy")).to_contain_text("Deactivated")

        dana.get_by_role("link", name="Partnerships").click()
        expect(dana).to_have_url(re.compile(r"/coordinators/sign-in"))
        expect(dana.locator(".flash")).to_contain_text("Your coordinator account has been deactivated")
        sign_in(dana, "dana@example.org")
        expect(dana).to_have_url(re.compile(r"/coordinators/sign-in"))
        expect(dana.locator("#password-error")).to_contain_text("do not match an active coordinator account")
        dana.goto("/coordinators/queue")
        expect(dana).to_have_url(re.compile(r"/coordinators/sign-in"))

        page.get_by_role("link", name="Audit log").click()
        page.get_by_label("Person").select_option(label="Casey Coordinator")
        page.get_by_role("button", name="Filter").click()
        deactivation = page.locator("table.audit tbody tr", has_text="coordinator.deactivated")
        expect(deactivation).to_have_count(1)
        expect(deactivation).to_contain_text("Casey Coordinator")
    finally:
        dana_context.close()
