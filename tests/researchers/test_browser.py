"""A new researcher in Chromium: register, confirm from the e-mail, find yourself, edit, hide, delete."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

EMAIL = "marisol.vega@example.edu"


def fill_profile(page, email: str = EMAIL, zip_code: str = "60637", state: str = "IL") -> None:
    page.get_by_label("Full name", exact=True).fill("Marisol Vega")
    page.get_by_label("E-mail address", exact=True).fill(email)
    page.get_by_label("Position", exact=True).fill("Assistant Professor")
    page.get_by_label("University or institution", exact=True).fill("Lakeshore University")
    page.get_by_label("Department", exact=True).fill("Sociology")
    page.get_by_label("City", exact=True).fill("Chicago")
    page.get_by_label("State", exact=True).select_option(state)
    page.get_by_label("ZIP code", exact=True).fill(zip_code)
    page.get_by_label("Research statement", exact=True).fill(
        "I study shootings and group violence with police partners.")
    page.get_by_label("Keywords", exact=True).fill("group violence, call-ins")
    page.get_by_label("Gun violence", exact=True).check()
    page.get_by_label("Social network analysis", exact=True).check()
    page.get_by_label("Program evaluation", exact=True).check()
    page.get_by_label("Joint grant application", exact=True).check()
    page.get_by_label("Partnerships you can take at once", exact=True).fill("2")


def fill_publication(page, index: int, title: str, abstract: str) -> None:
    page.locator(f"#publications-{index}-title").fill(title)
    page.locator(f"#publications-{index}-year").fill("2021")
    page.locator(f"#publications-{index}-abstract").fill(abstract)


def test_a_new_researcher_registers_confirms_finds_edits_hides_and_deletes(page, smtp_inbox):
    page.goto("/researchers/")
    page.get_by_role("link", name="Register as a researcher").click()
    fill_profile(page)
    fill_publication(page, 0, "Co-offending networks", "Shooting networks in Chicagoland neighbourhoods.")
    fill_publication(page, 1, "Call-ins that work", "A quasi-experiment on focused deterrence.")
    fill_publication(page, 2, "Street outreach", "Violence interrupters and retaliation.")
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_role("heading", name="Check your e-mail")).to_be_visible()

    # Not listed before confirming.
    page.goto("/directory/?q=chicagoland")
    expect(page.get_by_text("No researchers found")).to_be_visible()

    message = smtp_inbox.last_to(EMAIL)
    [link] = [u for u in smtp_inbox.links(message) if "/researchers/confirm/" in u]
    page.goto(link)
    expect(page.get_by_text("your e-mail address is confirmed")).to_be_visible()
    expect(page.get_by_text("Listed", exact=True)).to_be_visible()

    # Found by a word of an abstract, and by state.
    page.goto("/directory/")
    page.get_by_label("Search", exact=True).fill("chicagoland")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("link", name="Marisol Vega")).to_be_visible()
    page.goto("/directory/")
    page.get_by_label("State", exact=True).select_option("IL")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("link", name="Marisol Vega")).to_be_visible()
    page.get_by_role("link", name="Marisol Vega").click()
    expect(page.get_by_role("heading", name="Marisol Vega")).to_be_visible()
    expect(page.locator("ol.publications > li")).to_have_count(3)
    assert EMAIL not in page.content()
    profile_url = page.url
    href = page.get_by_role("link", name="Ask for this researcher", exact=True).get_attribute("href")
    assert re.search(r"researcher=\d+", href)

    # Edit.
    page.goto("/researchers/profile")
    page.get_by_role("link", name="Edit my profile").click()
    expect(page.get_by_label("Research statement", exact=True)).to_have_value(
        "I study shootings and group violence with police partners.")
    statement = page.get_by_label("Research statement", exact=True)
    statement.fill("Now also evaluating hospital-based violence intervention.")
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_text("Your profile is saved.")).to_be_visible()
    page.goto(profile_url)
    expect(page.get_by_text("hospital-based violence intervention")).to_be_visible()

    # Hide: gone from the directory.
    page.goto("/researchers/profile")
    page.get_by_role("button", name="Hide my profile").click()
    expect(page.get_by_text("Your profile is hidden")).to_be_visible()
    assert page.goto(profile_url).status == 404
    page.goto("/directory/?state=IL")
    expect(page.get_by_role("link", name="Marisol Vega")).to_have_count(0)

    # Delete.
    page.goto("/researchers/profile")
    page.get_by_role("link", name="Delete my profile").click()
    page.get_by_role("button", name="Delete my profile for good").click()
    expect(page.get_by_text("Your profile and publications are deleted.")).to_be_visible()
    page.goto("/researchers/profile")
    expect(page.get_by_role("heading", name="Manage my profile")).to_be_visible()


def test_bad_input_in_the_browser_is_explained_and_kept(page, smtp_inbox):
    page.goto("/researchers/register")
    fill_profile(page, email="not-an-address", zip_code="10001", state="IL")
    script = "<script>alert('x')</script>"
    page.get_by_label("Department", exact=True).fill(script)
    fill_publication(page, 0, script, script)
    page.get_by_role("button", name="Register").click()

    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()  # heard first, without scrolling a long form
    expect(summary.get_by_role("link", name="E-mail address")).to_be_visible()
    expect(summary).to_contain_text("ZIP code 10001 is in NY, not IL")
    summary.get_by_role("link", name="E-mail address").click()
    expect(page).to_have_url(re.compile("#email$"))
    expect(page.locator("#email-error")).to_contain_text("valid e-mail address")
    expect(page.locator("#zip-error")).to_contain_text("ZIP code 10001 is in NY, not IL")
    expect(page.get_by_label("E-mail address", exact=True)).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Department", exact=True)).to_have_value(script)
    expect(page.locator("#publications-0-abstract")).to_have_value(script)
    expect(page.get_by_label("Gun violence", exact=True)).to_be_checked()

    page.get_by_label("E-mail address", exact=True).fill("script.tester@example.edu")
    page.get_by_label("ZIP code", exact=True).fill("60637")
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_role("heading", name="Check your e-mail")).to_be_visible()
    [link] = [u for u in smtp_inbox.links(smtp_inbox.last_to("script.tester@example.edu"))
              if "/confirm/" in u]

    # A tampered link, then the real one; the script shows as text on the public profile.
    page.goto(link[:-4] + "abcd")
    expect(page.get_by_role("heading", name="This link does not work")).to_be_visible()
    page.goto(link)
    page.get_by_role("link", name="view my public profile").click()
    expect(page.get_by_text(script).first).to_be_visible()
    dialogs = []
    page.on("dialog", lambda dialog: dialogs.append(dialog))
    page.reload()
    assert dialogs == []


def test_missing_required_fields_are_each_marked(page):
    page.goto("/researchers/register")
    page.get_by_label("I am willing to work with agencies remotely", exact=True).uncheck()
    page.get_by_label("Partnerships you can take at once", exact=True).fill("")
    page.get_by_role("button", name="Register").click()
    for field_id in ("name", "email", "position", "institution", "city", "state", "zip", "statement", "topics",
                     "help_offered", "terms", "capacity"):
        expect(page.locator(f"#{field_id}-error")).to_be_visible()


def test_publication_rows_are_added_with_and_without_javascript_up_to_twenty(browser, live_server):
    for javascript in (True, False):
        context = browser.new_context(base_url=live_server, java_script_enabled=javascript)
        page = context.new_page()
        page.goto("/researchers/register")
        page.get_by_label("Full name", exact=True).fill("Kept Name")
        add = page.get_by_role("button", name="Add another publication")
        for _ in range(17):
            add.click()
        expect(page.locator(".publication-row")).to_have_count(20)
        expect(page.get_by_role("button", name="Add another publication")).to_have_count(0)
        expect(page.get_by_text("You have 20 rows, the most a profile can list.").first).to_be_visible()
        expect(page.get_by_label("Full name", exact=True)).to_have_value("Kept Name")
        expect(page.locator("#publications-19-title")).to_be_visible()
        context.close()


def test_duplicate_registration_shows_the_same_page_and_e_mails_a_sign_in_link(page, smtp_inbox):
    for _ in range(2):
        page.goto("/researchers/register")
        fill_profile(page, email="twice@example.edu")
        page.get_by_role("button", name="Register").click()
        expect(page.get_by_role("heading", name="Check your e-mail")).to_be_visible()
    first, second = smtp_inbox.to("twice@example.edu")
    assert "/researchers/confirm/" in first.get_content()
    assert "already has a profile" in second.get_content()
    [link] = [u for u in smtp_inbox.links(second) if "/sign-in/" in u]
    page.goto(link)
    expect(page.get_by_role("heading", name="My profile")).to_be_visible()


def test_an_expired_sign_in_link(page, smtp_inbox, config_override):
    page.goto("/researchers/register")
    fill_profile(page, email="late@example.edu")
    page.get_by_role("button", name="Register").click()
    page.goto("/researchers/manage")
    page.get_by_label("E-mail address", exact=True).fill("late@example.edu")
    page.get_by_role("button", name="Send me a sign-in link").click()
    expect(page.get_by_text("If a profile is registered under late@example.edu")).to_be_visible()
    # the confirmation, then the sign-in link (sent by a job)
    [link] = [u for u in smtp_inbox.links(smtp_inbox.last_to("late@example.edu", count=2)) if "/sign-in/" in u]
    config_override(SIGNIN_LINK_MAX_AGE=-1)
    page.goto(link)
    expect(page.get_by_role("heading", name="This link has expired")).to_be_visible()
    page.get_by_role("link", name="Send me a new link").click()
    expect(page.get_by_role("heading", name="Manage my profile")).to_be_visible()
