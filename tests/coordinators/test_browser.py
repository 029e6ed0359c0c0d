"""The whole coordinator journey in Chromium: sign in, read the top suggestion, introduce, follow it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from matcher.extensions import db
from matcher.models import Problem
from matcher.services import accounts
from tests.coordinators.conftest import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def sample_problem(seeded, app):
    """The first sample problem (break-ins on the same blocks) and a coordinator account."""
    accounts.create_coordinator("coord@example.org", PASSWORD, name="Casey Coordinator")
    problem = db.session.scalar(select(Problem).where(Problem.sample_key == "p01"))
    return problem.id, problem.email, problem.status_token, problem.title


def test_coordinator_introduces_the_top_suggestion_and_follows_the_partnership(page, smtp_inbox, sample_problem):
    problem_id, agency_email, token, title = sample_problem

    page.goto("/coordinators/queue")
    expect(page).to_have_url(re.compile(r"/coordinators/sign-in"))
    page.get_by_label("E-mail").fill("coord@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Review queue")).to_be_visible()

    page.get_by_role("link", name=title).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(title)
    top = page.locator("article.suggestion").first
    researcher_name = top.locator(".researcher-name").inner_text()
    explanation = top.locator("details.explanation")
    expect(explanation).to_have_attribute("open", "")
    expect(explanation.get_by_text("Shared terms:")).to_be_visible()
    assert explanation.locator(".excerpt mark").count() >= 2  # terms marked in the problem and the profile
    expect(top.get_by_role("table", name="Score parts")).to_contain_text("Distance")
    expect(explanation).to_contain_text("Best-matching publication")

    top.get_by_label(f"Introduce {researcher_name}").check()
    page.get_by_label("Personal note for both e-mails (optional)").fill("You both asked about near-repeat risk.")
    page.get_by_role("button", name="Introduce selected researchers").click()
    expect(page.locator(".flash")).to_contain_text(f"Introduced {researcher_name}")

    agency_mail = smtp_inbox.last_to(agency_email)
    assert researcher_name in agency_mail.get_content()
    assert "near-repeat risk" in agency_mail.get_content()
    researcher_email = page.locator("article.suggestion").first.locator("a[href^='mailto:']").inner_text()
    researcher_mail = smtp_inbox.last_to(researcher_email)
    assert agency_email in researcher_mail.get_content() and title in researcher_mail.get_content()

    status_page = page.context.new_page()
    status_page.goto(f"/agencies/status/{token}")
    expect(status_page.get_by_text(researcher_name)).to_be_visible()
    status_page.close()

    page.get_by_role("link", name=researcher_name).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(researcher_name)
    page.get_by_label("Stage reached").select_option(label="Under way")
    page.get_by_role("button", name="Record stage").click()
    expect(page.locator(".flash")).to_contain_text("Under way")
    expect(page.locator(".timeline")).to_contain_text("Under way")
    page.get_by_role("link", name=title).click()
    expect(page.locator("h1 + p.meta")).to_contain_text("Partnership under way")


def test_coordinator_corrects_the_agencys_answers_after_a_mistake(page, sample_problem):
    problem_id, _, _, _ = sample_problem
    page.goto("/coordinators/sign-in")
    page.get_by_label("E-mail").fill("coord@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"/coordinators/problems/{problem_id}")

    page.get_by_text("Change funding or distance after talking to the agency").click()
    page.get_by_label("Applying for a grant").check()
    in_person = page.get_by_label(re.compile("The agency needs someone who can meet in person"))
    in_person.check()
    page.get_by_role("button", name="Save and recompute suggestions").click()
    expect(page.locator("#answers-funding_deadline-error")).to_contain_text("grant's deadline")
    expect(page.get_by_label("Grant deadline")).to_have_attribute("aria-invalid", "true")
    expect(in_person).to_be_checked()  # nothing typed is lost

    page.get_by_label("Grant deadline").fill("2099-03-31")
    page.get_by_role("button", name="Save and recompute suggestions").click()
    expect(page.locator(".flash")).to_contain_text("suggestions recomputed")
    expect(page.locator(".facts").first).to_contain_text("Someone who can meet in person")
    expect(page.locator(".updates")).to_contain_text("Needs someone in person: no → yes")
