"""The problem page in Chromium: introduce an excluded researcher with a reason, find and introduce the 11th-ranked
one, and a refused reject that brings its error into view with working summary links."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from matcher.extensions import db
from matcher.models import Partnership, Problem, Researcher, Suggestion
from matcher.services import accounts, matching
from tests.coordinators.conftest import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def problem_world(seeded, app):
    """The first sample problem, its second-best researcher now declaring a conflict with the agency, and the
    researcher ranked 11th (outside the 10 stored suggestions)."""
    accounts.create_coordinator("coord@example.org", PASSWORD, name="Casey Coordinator")
    problem = db.session.scalar(select(Problem).where(Problem.sample_key == "p01"))
    with app.test_request_context():
        conflicted = db.session.get(Researcher, int(matching.rank_problem(problem).ranked[1].researcher_id))
        conflicted.conflicts = [problem.agency_name]
        db.session.commit()
        matching.refresh_suggestions(problem)
        eleventh = db.session.get(Researcher, int(matching.rank_problem(problem).ranked[10].researcher_id))
    stored = set(db.session.scalars(select(Suggestion.researcher_id).filter_by(problem_id=problem.id)))
    assert conflicted.id not in stored and eleventh.id not in stored
    return {"id": problem.id, "conflicted": (conflicted.id, conflicted.name), "eleventh": (eleventh.id, eleventh.name)}


def sign_in_and_open(page, problem_id: int) -> None:
    page.goto(f"/coordinators/problems/{problem_id}")
    page.get_by_label("E-mail").fill("coord@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"/coordinators/problems/{problem_id}")


def test_excluded_and_eleventh_researchers_are_introduced_and_a_refused_reject_is_in_view(page, problem_world):
    sign_in_and_open(page, problem_world["id"])

    # An excluded researcher (declared conflict), introduced anyway with a reason.
    conflicted_id, conflicted_name = problem_world["conflicted"]
    row = page.locator(f"#excluded-{conflicted_id}")
    expect(row).to_contain_text("declared a conflict")
    row.get_by_text("Introduce anyway…").click()
    row.get_by_role("button", name="Introduce anyway").click()  # no reason: refused, summed up at the top
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Please say why this researcher should be introduced")
    summary.get_by_role("link").click()
    reason = page.locator(f"#excluded-{conflicted_id}-reason")
    expect(reason).to_be_in_viewport()
    reason.fill("The consulting contract with the department ended in 2019; both sides know.")
    page.locator(f"#excluded-{conflicted_id}").get_by_role("button", name="Introduce anyway").click()
    expect(page).to_have_url(re.compile(r"#suggestion-\d+$"))
    card = page.locator("article.suggestion", has_text=conflicted_name)
    notice = card.locator(".card-notice")
    expect(notice).to_contain_text(f"Introduced {conflicted_name} despite the exclusion")
    expect(notice).to_be_in_viewport()
    expect(card).to_contain_text("Introduced despite: Researcher declared a conflict with this agency")
    expect(card).to_contain_text("contract with the department ended in 2019")

    # The researcher ranked 11th, out of reach of the stored top 10: found, added, introduced.
    eleventh_id, eleventh_name = problem_world["eleventh"]
    page.get_by_label("Name or keywords").fill(eleventh_name)
    page.get_by_role("button", name="Search", exact=True).click()
    found = page.locator(f"#found-{eleventh_id}")
    expect(found).to_be_in_viewport()
    expect(found).to_contain_text("Would rank 11 for this problem")
    expect(found.get_by_role("table", name="Score parts")).to_contain_text("Topics")
    found.get_by_role("button", name=f"Add {eleventh_name} to the suggestions").click()
    added = page.locator("article.suggestion", has_text=eleventh_name).first
    expect(added.locator(".card-notice")).to_contain_text("added to the suggestions at rank 11")
    expect(added.locator(".card-notice")).to_be_in_viewport()
    expect(added).to_contain_text("Added by Casey Coordinator")
    added.get_by_label(f"Introduce {eleventh_name}").check()
    page.get_by_role("button", name="Introduce selected researchers").click()
    expect(page.locator("#introduce-form .card-notice")).to_contain_text(f"Introduced {eleventh_name}")
    expect(page.locator("#introduce-form .card-notice")).to_be_in_viewport()

    # Reject without a reason: the error is brought into view, and the summary's link leads to the field.
    pending = page.locator("article.suggestion.decision-card-pending").last
    pending.get_by_role("button", name="Reject").click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_be_in_viewport()
    expect(summary).to_contain_text("Please say why this researcher is not a fit.")
    summary.get_by_role("link", name="Reason").click()
    field = page.locator(".reject-form.has-error input[name='reject-reason']")
    expect(field).to_be_in_viewport()
    expect(page.locator(".reject-form.has-error .error")).to_be_in_viewport()
    expect(page.locator(".reject-form.has-error .error")).to_have_text("Please say why this researcher is not a fit.")

    researchers = set(db.session.scalars(select(Partnership.researcher_id).join(Problem).where(
        Problem.id == problem_world["id"])))
    assert {conflicted_id, eleventh_id} <= researchers
