"""The coordinator pages fit a phone (390 px wide), also in states that need data: nothing wider than the screen,
the queue near the top."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from matcher.extensions import db
from matcher.models import Partnership, PartnershipEvent, Problem, Researcher
from matcher.services import accounts, partnerships, problem_updates
from tests.coordinators.conftest import PASSWORD
from tests.coordinators.test_global_assignment import crafted  # noqa: F401  (the fixture)

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone_coordinator(page, seeded, app):
    accounts.create_coordinator("coord@example.org", PASSWORD, name="Casey Coordinator")
    problem = db.session.scalar(select(Problem).where(Problem.sample_key == "p01"))
    page.set_viewport_size(PHONE)
    page.goto("/coordinators/sign-in")
    page.get_by_label("E-mail").fill("coord@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    return page, problem.id


def overflowing(page) -> list[str]:
    """Elements wider than the screen (none on a page that fits), named by tag and class."""
    return page.evaluate("""() => {
        const limit = document.documentElement.clientWidth + 1;
        return [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > limit && getComputedStyle(e).position !== 'fixed'
                         && !e.closest('.table-wrap'))
            .map(e => e.tagName.toLowerCase() + '.' + (e.className || ''));
    }""")


def controls_off_screen(page) -> list[str]:
    """Buttons and fields to the right of the screen, even inside a table that scrolls sideways."""
    return page.evaluate("""() => [...document.querySelectorAll('button, summary, input, select, textarea')]
        .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
        .map(e => e.tagName.toLowerCase() + ' ' + (e.textContent.trim() || e.name))""")


def sign_in(page, email: str = "coord@example.org") -> None:
    page.set_viewport_size(PHONE)
    page.goto("/coordinators/sign-in")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def assert_fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], overflowing(page)[:5]
    assert controls_off_screen(page) == []


@pytest.mark.parametrize("path", ["/coordinators/problems/{id}", "/coordinators/reports", "/coordinators/queue",
                                  "/coordinators/", "/coordinators/partnerships", "/coordinators/queue?owner=mine",
                                  "/coordinators/queue?owner=unassigned", "/coordinators/assignment",
                                  "/coordinators/centres"])
def test_coordinator_pages_fit_a_phone(phone_coordinator, path):
    page, problem_id = phone_coordinator
    page.goto(path.format(id=problem_id))
    assert_fits(page)


def test_the_queue_starts_on_the_first_screen(phone_coordinator):
    page, _ = phone_coordinator
    page.goto("/coordinators/queue")
    first_row = page.locator("table.queue tbody tr, .queue-list li, .queue-item").first
    assert first_row.bounding_box()["y"] < PHONE["height"], "the first problem is below the first screen"


# --- pages that need data of their own ------------------------------------------------------------------------------


def test_a_search_with_results_and_an_introduce_anyway_form_fits_a_phone(phone_coordinator):
    page, problem_id = phone_coordinator
    problem = db.session.get(Problem, problem_id)
    conflicted = db.session.scalar(select(Researcher).where(Researcher.name.like("% %")).order_by(Researcher.id))
    conflicted.conflicts = [problem.agency_name]
    db.session.commit()
    page.goto(f"/coordinators/problems/{problem_id}?find={conflicted.name}")
    found = page.locator(f"#found-{conflicted.id}")
    expect(found).to_contain_text("declared a conflict")
    found.get_by_text("Introduce anyway…").click()
    expect(found.get_by_role("button", name="Introduce anyway")).to_be_visible()
    assert_fits(page)
    assert found.locator(".score").evaluate("""e => { const r = document.createRange(); r.selectNodeContents(e);
                                                     return r.getClientRects().length; }""") == 1, "score broken"


def test_a_stored_proposal_and_its_confirmation_fit_a_phone(page, crafted):  # noqa: F811
    accounts.create_coordinator("coord@example.org", PASSWORD, name="Casey Coordinator")
    db.session.rollback()  # hold no SQLite lock while the server writes
    sign_in(page)
    page.goto("/coordinators/assignment")
    assert_fits(page)
    page.get_by_label("Setting A: researchers per problem").fill("1")
    page.get_by_label("Setting B: researchers per problem").fill("2")
    page.get_by_role("button", name="Compare").click()
    expect(page.get_by_role("table", name="Totals")).to_be_visible()
    assert_fits(page)
    page.get_by_role("button", name="Keep proposal A for review").click()
    expect(page.get_by_role("heading", name=re.compile(r"Open proposal #\d+"))).to_be_visible()
    assert_fits(page)
    for name in ("Ben", "Ada"):
        page.get_by_role("checkbox", name=re.compile(f"^{name},")).check()
    page.get_by_role("button", name="Review the e-mails for the ticked…").click()
    expect(page.get_by_role("heading", name="4 e-mails will be sent")).to_be_visible()
    assert_fits(page)


@pytest.fixture
def partnered(page, small_world):
    """Casey signed in on a phone; Ada introduced to the burglary problem; Dana a second coordinator."""
    casey = accounts.create_coordinator("coord@example.org", PASSWORD, name="Casey Coordinator")
    dana = accounts.create_coordinator("dana@example.org", PASSWORD, name="Dana Deputy")
    problem = small_world["problem"]
    partnership = Partnership(problem_id=problem.id, researcher_id=small_world["ada"].id,
                              events=[PartnershipEvent(stage="introduced", note="Introduced by e-mail.")])
    problem.status = "introduced"
    db.session.add(partnership)
    db.session.commit()
    sign_in(page)
    return {"page": page, "problem": problem, "partnership": partnership, "casey": casey, "dana": dana}


def test_a_partnership_page_with_notes_and_the_close_the_problem_card_fits_a_phone(partnered):
    page, partnership = partnered["page"], partnered["partnership"]
    partnerships.add_note(partnership, "Chief prefers calls before noon; the deputy chief signs off on data.",
                          partnered["dana"])
    partnerships.record_stage(partnership, "under-way", partnered["casey"])
    partnerships.record_stage(partnership, "closed", partnered["casey"], outcome="evaluation-completed")
    db.session.rollback()  # hold no SQLite lock while the server writes
    page.goto(f"/coordinators/partnerships/{partnership.id}")
    expect(page.get_by_text("Close the problem too?")).to_be_visible()
    expect(page.locator(".partnership-notes li")).to_have_count(1)
    assert_fits(page)


def test_a_stale_save_on_the_status_form_fits_a_phone(partnered):
    page, problem = partnered["page"], partnered["problem"]
    page.goto(f"/coordinators/problems/{problem.id}")
    problem_updates.change_status(problem, "closed", partnered["dana"], partnerships_choice="keep")
    db.session.rollback()  # hold no SQLite lock while the server writes
    status = page.locator("#status-card")
    status.get_by_label("New status").select_option(label="Withdrawn")
    status.get_by_label("Close them too, with the outcome below").check()
    status.get_by_role("button").click()
    expect(page.locator("#status-card .conflict")).to_contain_text("Dana Deputy")
    assert_fits(page)
