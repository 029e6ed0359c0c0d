"""The directory in Chromium, on a phone's width and without JavaScript: a misspelling, a bad ZIP code."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.factories import make_researcher

pytestmark = pytest.mark.browser


@pytest.fixture
def phone(browser, live_server):
    """A 390-pixel-wide page with JavaScript off: the directory must work without it."""
    context = browser.new_context(base_url=live_server, viewport={"width": 390, "height": 844},
                                  java_script_enabled=False)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def test_a_visitor_follows_the_spelling_suggestion_and_fixes_a_zip_code_on_a_phone(phone, db):
    db.session.add_all([
        make_researcher(name="Chloé Dubois", statement="Residential burglary near-repeats.", zip="02139"),
        make_researcher(name="Ben Okafor", statement="Shootings.", topics=["gun-violence"], state="IL",
                        city="Chicago", zip="60637", latitude=41.79, longitude=-87.60),
    ])
    db.session.commit()
    phone.goto("/directory/")
    phone.get_by_label("Search", exact=True).fill("burgalry")
    phone.get_by_role("button", name="Search").click()
    expect(phone.get_by_role("heading", name="No researchers found")).to_be_visible()
    phone.get_by_role("link", name="burglary", exact=True).click()
    expect(phone.get_by_role("heading", name="1 researcher found")).to_be_visible()
    expect(phone.get_by_text("Matched on: burglary (topic, statement)")).to_be_visible()

    phone.get_by_label("ZIP code (5 digits)").fill("0213")
    phone.get_by_role("button", name="Search").click()
    zip_field = phone.get_by_label("ZIP code (5 digits)")
    expect(zip_field).to_have_attribute("aria-invalid", "true")
    expect(phone.locator("#zip-error")).to_have_text("Please enter a 5-digit U.S. ZIP code.")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone

    zip_field.fill("02108")
    phone.get_by_label("Within").select_option("25")
    phone.get_by_role("button", name="Search").click()
    heading = "1 researcher found within 25 miles of 02108 (Boston, MA)"
    expect(phone.get_by_role("heading", name=heading)).to_be_visible()
    expect(phone.get_by_text("2 miles away")).to_be_visible()

    phone.get_by_role("link", name="Chloé Dubois").click()
    expect(phone.get_by_role("heading", name="Chloé Dubois")).to_be_visible()
