"""Two coordinators in Chromium edit the same records at once: notes, a stage and a decision; nothing is lost."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from matcher.extensions import db
from matcher.models import Partnership, PartnershipEvent
from matcher.services import accounts
from tests.coordinators.conftest import PASSWORD

pytestmark = pytest.mark.browser


def sign_in(tab, email: str) -> None:
    tab.goto("/coordinators/sign-in")
    tab.get_by_label("E-mail").fill(email)
    tab.get_by_label("Password").fill(PASSWORD)
    tab.get_by_role("button", name="Sign in").click()
    expect(tab.get_by_role("button", name="Sign out")).to_be_visible()


@pytest.fixture
def two_coordinators(page, browser, live_server, coordinator, small_world):
    """Casey (the `page` tab) and Dana (a tab of her own), both signed in; Ada already introduced."""
    accounts.create_coordinator("dana@example.org", PASSWORD, name="Dana Deputy")
    problem, ada = small_world["problem"], small_world["ada"]
    partnership = Partnership(problem_id=problem.id, researcher_id=ada.id,
                              events=[PartnershipEvent(stage="introduced", note="Introduced by e-mail.")])
    problem.status = "introduced"
    db.session.add(partnership)
    db.session.commit()
    context = browser.new_context(base_url=live_server)
    context.set_default_timeout(10_000)
    dana = context.new_page()
    sign_in(page, "coord@example.org")
    sign_in(dana, "dana@example.org")
    yield page, dana, problem.id, partnership.id
    context.close()


def test_notes_from_both_are_kept(two_coordinators):
    casey, dana, _, partnership_id = two_coordinators
    for tab in (casey, dana):
        tab.goto(f"/coordinators/partnerships/{partnership_id}")
    casey.get_by_label("Add a note").fill("Chief prefers calls before noon.")
    dana.get_by_label("Add a note").fill("Ada is away the first week of June.")
    casey.get_by_role("button", name="Add note").click()
    expect(casey.locator(".flash")).to_contain_text("Note added.")
    dana.get_by_role("button", name="Add note").click()  # from a page that did not show Casey's note
    expect(dana.locator(".flash")).to_contain_text("Note added.")

    casey.reload()
    for tab in (casey, dana):
        notes = tab.locator(".partnership-notes li")
        expect(notes).to_have_count(2)
        expect(notes.nth(0)).to_contain_text("Dana Deputy")
        expect(notes.nth(0)).to_contain_text("Ada is away the first week of June.")
        expect(notes.nth(1)).to_contain_text("Casey Coordinator")
        expect(notes.nth(1)).to_contain_text("Chief prefers calls before noon.")


def test_a_stage_recorded_over_anothers_is_refused_then_saved_knowingly(two_coordinators):
    casey, dana, _, partnership_id = two_coordinators
    for tab in (casey, dana):
        tab.goto(f"/coordinators/partnerships/{partnership_id}")
    casey.get_by_label("Stage reached").select_option(label="First meeting")
    casey.get_by_role("button", name="Record stage").click()
    expect(casey.locator(".flash")).to_contain_text("First meeting")

    dana.get_by_label("Stage reached").select_option(label="Agreement or MOU")
    dana.get_by_label("Note (optional)").fill("MOU signed by the chief.")
    dana.get_by_role("button", name="Record stage").click()
    conflict = dana.locator("#conflict-stage")
    expect(conflict).to_contain_text("Someone changed this partnership's stage")
    expect(conflict).to_contain_text("Casey Coordinator moved the stage from “Introduced” to “First meeting”")
    expect(dana.get_by_label("Note (optional)")).to_have_value("MOU signed by the chief.")
    expect(dana.get_by_label("Stage reached")).to_have_value("agreement")

    dana.get_by_role("button", name="Record stage").click()  # seen what changed: saving again is a choice
    expect(dana.locator(".flash")).to_contain_text("Agreement or MOU")
    timeline = dana.locator(".timeline")
    for stage in ("Introduced", "First meeting", "Agreement or MOU", "MOU signed by the chief."):
        expect(timeline).to_contain_text(stage)


def test_a_decision_over_anothers_is_refused_with_the_reason_kept(two_coordinators):
    casey, dana, problem_id, _ = two_coordinators
    for tab in (casey, dana):
        tab.goto(f"/coordinators/problems/{problem_id}")
    casey.locator("article.suggestion", has_text="Bo Breakins").get_by_role("button", name="Shortlist").click()
    expect(casey.locator(".flash")).to_contain_text("Bo Breakins is on the shortlist.")

    bo = dana.locator("article.suggestion", has_text="Bo Breakins")
    bo.get_by_label("Reason for rejecting").fill("Only works on rural burglary.")
    bo.get_by_role("button", name="Reject").click()
    bo = dana.locator("article.suggestion", has_text="Bo Breakins")
    expect(bo.locator(".conflict")).to_contain_text("Casey Coordinator shortlisted the researcher")
    expect(bo.get_by_label("Reason for rejecting")).to_have_value("Only works on rural burglary.")
    expect(bo).to_contain_text("Shortlisted")

    bo.get_by_role("button", name="Reject").click()
    expect(dana.locator(".flash")).to_contain_text("Bo Breakins was rejected for this problem.")
    expect(dana.locator("article.suggestion", has_text="Bo Breakins")).to_contain_text(
        "reason: Only works on rural burglary.")
