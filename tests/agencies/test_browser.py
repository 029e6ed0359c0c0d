"""An agency's journey in Chromium: submit, open the e-mailed link, add information, withdraw."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from matcher.models import Problem

pytestmark = pytest.mark.browser

AGENCY_EMAIL = "lee.ortiz@riverton.example.gov"


def watch_console(page) -> list[str]:
    """Collect script errors and Content-Security-Policy refusals (not the missing favicon)."""
    errors: list[str] = []

    def keep(message) -> None:
        if message.type == "error" and "Failed to load resource" not in message.text:
            errors.append(message.text)

    page.on("console", keep)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def fill_valid_statement(page, zip_code="02108", title="Street robberies near the transit station"):
    """Fill the form as a new user would, by the visible labels."""
    page.get_by_label("Agency name", exact=True).fill("Riverton Police Department")
    page.get_by_label("Type of agency").select_option("municipal-police")
    page.get_by_label("City or town").fill("Boston")
    page.get_by_label("State", exact=True).select_option("MA")
    page.get_by_label("ZIP code").fill(zip_code)
    page.get_by_label("Your name").fill("Lee Ortiz")
    page.get_by_label("Your role").fill("Deputy chief")
    page.get_by_label("E-mail").fill(AGENCY_EMAIL)
    page.get_by_label("Title of the problem").fill(title)
    page.get_by_label("Describe the problem").fill(
        "Robberies of commuters near the Riverton transit station rose sharply since January. "
        "We tried extra foot patrols at rush hour. We keep RMS incidents and CAD calls for service."
    )
    page.get_by_label("Robbery").check()
    page.get_by_label("Crime hot spots and places").check()
    page.get_by_label("Program evaluation").check()
    page.get_by_label("Crime incidents (RMS)").check()


def problem_count(app) -> int:
    from matcher.extensions import db

    with app.app_context():
        return db.session.scalar(select(func.count(Problem.id)))


def test_an_agency_submits_follows_the_emailed_link_adds_information_and_withdraws(page, smtp_inbox, app):
    errors = watch_console(page)
    page.goto("/agencies/")
    page.get_by_role("link", name="Submit a problem statement").click()
    expect(page.get_by_role("heading", name="Submit a problem statement")).to_be_visible()

    fill_valid_statement(page)
    distance = page.get_by_label("Within")
    expect(distance).to_be_hidden()  # the script shows it only for a nearby preference or an in-person need
    in_person = page.get_by_label("We need someone who can meet us in person")
    in_person.check()
    expect(distance).to_be_visible()
    in_person.uncheck()
    expect(distance).to_be_hidden()
    page.get_by_label("We would prefer a researcher near us").check()
    expect(distance).to_be_visible()
    distance.select_option("50")
    page.get_by_role("button", name="Send the problem statement").click()

    expect(page.get_by_role("heading", name=re.compile("we received your problem statement"))).to_be_visible()
    expect(page.locator(".lead").get_by_text(AGENCY_EMAIL)).to_be_visible()  # where the link was sent
    expect(page.get_by_text(re.compile(r"Reference number: \d+"))).to_be_visible()
    expect(page.get_by_role("heading", name="A copy of what you sent")).to_be_visible()

    message = smtp_inbox.last_to(AGENCY_EMAIL)
    assert message["Subject"] == "Your problem statement was received"
    [link] = [u for u in smtp_inbox.links(message) if "/agencies/status/" in u]
    assert smtp_inbox.last_to("coordinators@example.org")["Subject"].startswith("New problem statement")

    page.goto(link)
    expect(page.get_by_role("heading", name="Street robberies near the transit station")).to_be_visible()
    expect(page.locator("[aria-current=step]")).to_have_text(re.compile("Received"))
    expect(page.get_by_text("No researcher has been introduced yet")).to_be_visible()

    page.get_by_label("Information to add").fill("Most robberies happen between 6 and 8 pm.")
    page.get_by_role("button", name="Add to our statement").click()
    expect(page.get_by_text("Your information was added")).to_be_visible()
    update = page.locator(".status-update", has_text="Most robberies happen between 6 and 8 pm.")
    expect(update).to_be_visible()
    expect(update.locator("time")).to_contain_text("UTC")
    page.get_by_text("Show the full statement").click()
    expect(page.get_by_text("We tried extra foot patrols at rush hour.")).to_be_visible()

    page.get_by_label("Reason (optional)").fill("We found a partner locally.")
    page.get_by_label("Yes, withdraw this problem statement").check()
    page.get_by_role("button", name="Withdraw the statement").click()
    expect(page.get_by_role("heading", name="You withdrew this statement")).to_be_visible()
    expect(page.get_by_text("We found a partner locally.").first).to_be_visible()
    expect(page.get_by_role("button", name="Add to our statement")).to_have_count(0)

    assert problem_count(app) == 1
    assert "withdrew" in smtp_inbox.last_to("coordinators@example.org")["Subject"].lower() or \
        "withdrawn" in smtp_inbox.last_to("coordinators@example.org")["Subject"].lower()
    assert errors == []


def test_bad_input_is_explained_beside_each_field_and_kept(page, app):
    errors = watch_console(page)
    page.goto("/agencies/submit")
    page.get_by_role("button", name="Send the problem statement").click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    for message in ("Please enter your agency's name.", "Please choose the state.",
                    "Please describe the problem.", "Please choose at least one topic."):
        expect(page.locator("p.error", has_text=message)).to_be_visible()

    fill_valid_statement(page, zip_code="10001", title="")
    page.get_by_label("E-mail").fill("lee.ortiz@")
    page.get_by_label("Describe the problem").fill("Too short.")
    page.get_by_role("button", name="Send the problem statement").click()
    expect(page.locator("#zip-error")).to_have_text(re.compile("ZIP code 10001 is in NY, not MA"))
    expect(page.locator("#email-error")).to_contain_text("valid e-mail address")
    expect(page.locator("#title-error")).to_contain_text("short title")
    expect(page.locator("#description-error")).to_contain_text("at least 50 characters")
    expect(page.get_by_label("Agency name", exact=True)).to_have_value("Riverton Police Department")
    expect(page.get_by_label("Robbery")).to_be_checked()
    expect(page.get_by_label("ZIP code")).to_have_value("10001")
    expect(page.get_by_label("ZIP code")).to_have_attribute("aria-invalid", "true")
    summary.get_by_role("link", name="ZIP code").click()
    expect(page.get_by_label("ZIP code")).to_be_focused()
    assert problem_count(app) == 0
    assert errors == []


def test_a_filled_honeypot_gets_the_thank_you_page_and_nothing_is_stored(page, app, smtp_inbox):
    page.goto("/agencies/submit")
    fill_valid_statement(page)
    page.locator("#website").fill("http://spam.example", force=True)
    page.get_by_role("button", name="Send the problem statement").click()
    expect(page.get_by_role("heading", name=re.compile("we received your problem statement"))).to_be_visible()
    assert problem_count(app) == 0
    assert smtp_inbox.messages == []


def test_a_status_link_with_one_character_changed_is_a_plain_404(page, app):
    from matcher.extensions import db
    from tests.factories import make_problem

    with app.app_context():
        problem = make_problem(title="A private title")
        db.session.add(problem)
        db.session.commit()
        token = problem.status_token
    changed = token[:-1] + ("A" if token[-1] != "A" else "B")
    response = page.goto(f"/agencies/status/{changed}")
    assert response.status == 404
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    expect(page.get_by_text("A private title")).to_have_count(0)
    assert page.goto(f"/agencies/status/{token}").status == 200
