"""Joining a research centre in Chromium: a researcher asks, the administrator hears by e-mail, signs in and
approves, and the centre's public page lists the new member."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from matcher.extensions import db
from matcher.services import centres, links
from tests.factories import make_researcher

pytestmark = pytest.mark.browser

CENTRE = "Lakeshore Violence Reduction Lab"
FOUNDER, ASKER = "fran.founder@example.edu", "ari.asker@example.edu"


def a_centre_and_an_asker(app) -> tuple[int, str]:
    """A centre administered by its founder, and another researcher's sign-in link."""
    with app.app_context():
        founder = make_researcher(name="Fran Founder", email=FOUNDER)
        asker = make_researcher(name="Ari Asker", email=ASKER)
        db.session.add_all([founder, asker])
        db.session.commit()
        centre = centres.create_centre(founder, {
            "name": CENTRE, "university": "Lakeshore University", "website": "", "state": "IL", "city": "Chicago",
            "description": "Shootings and street outreach.", "topics": []})
        return centre.id, links.make_token("sign-in", asker.id, asker.link_nonce)


def test_a_researcher_asks_to_join_and_the_administrator_approves(app, page, smtp_inbox):
    centre_id, asker_token = a_centre_and_an_asker(app)

    page.goto(f"/researchers/sign-in/{asker_token}")
    centre_section = page.get_by_role("region", name="Research centre")
    centre_section.get_by_label("Research centre").select_option(label=f"{CENTRE} (Lakeshore University)")
    centre_section.get_by_role("button", name="Ask to join").click()
    expect(page.get_by_text(f"Your request to join {CENTRE} is sent to its administrators")).to_be_visible()
    expect(page.get_by_role("button", name="Withdraw my request")).to_be_visible()
    page.goto(f"/directory/centres/{centre_id}")
    expect(page.get_by_text("Ari Asker")).to_have_count(0)  # not a member until approved

    # The administrator hears by e-mail, asks for a sign-in link from the page it points to, and approves.
    notice = smtp_inbox.last_to(FOUNDER)
    assert notice["Subject"] == f"Ari Asker asks to join {CENTRE}"
    [profile_link] = smtp_inbox.links(notice)
    page.context.clear_cookies()
    page.goto(profile_link)
    page.get_by_label("E-mail address").fill(FOUNDER)
    page.get_by_role("button", name="Send").click()
    [sign_in_link] = [u for u in smtp_inbox.links(smtp_inbox.last_to(FOUNDER, count=2))
                      if "/researchers/sign-in/" in u]
    page.goto(sign_in_link)
    requests = page.get_by_role("list", name="Requests to join")
    expect(requests).to_contain_text("Ari Asker")
    requests.get_by_role("button", name="Approve Ari Asker").click()
    expect(page.get_by_text(f"Ari Asker is now a member of {CENTRE}.")).to_be_visible()
    expect(page.get_by_role("list", name="Members")).to_contain_text("Ari Asker")

    assert smtp_inbox.last_to(ASKER)["Subject"] == f"You are a member of {CENTRE}"
    page.goto(f"/directory/centres/{centre_id}")
    expect(page.get_by_role("heading", name="Ari Asker")).to_be_visible()
