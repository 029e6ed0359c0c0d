"""The researcher's profile page fits a phone (390 px wide) in each state of its centre section: the join form,
a request waiting, and an administrator's list of requests to approve."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from matcher.extensions import db
from matcher.services import centres, links
from tests.coordinators.test_phone_width import PHONE, assert_fits
from tests.factories import make_researcher

pytestmark = pytest.mark.browser

CENTRE = "Lakeshore Interdisciplinary Violence Reduction and Community Safety Laboratory"


def test_the_centre_section_fits_a_phone_for_an_asker_and_an_administrator(app, page):
    with app.app_context():
        founder = make_researcher(name="Fran Founder", email="fran.founder@example.edu")
        asker = make_researcher(name="Ari Asker-Montgomery-Villanueva", email="ari.asker@example.edu")
        db.session.add_all([founder, asker])
        db.session.commit()
        centres.create_centre(founder, {
            "name": CENTRE, "university": "Lakeshore University", "website": "", "state": "IL", "city": "Chicago",
            "description": "Shootings and street outreach.", "topics": []})
        asker_link = links.make_token("sign-in", asker.id, asker.link_nonce)
        founder_link = links.make_token("sign-in", founder.id, founder.link_nonce)
    page.set_viewport_size(PHONE)

    page.goto(f"/researchers/sign-in/{asker_link}")
    section = page.get_by_role("region", name="Research centre")
    expect(section.get_by_role("button", name="Ask to join")).to_be_visible()
    assert_fits(page)
    section.get_by_label("Research centre").select_option(label=f"{CENTRE} (Lakeshore University)")
    section.get_by_role("button", name="Ask to join").click()
    expect(page.get_by_role("button", name="Withdraw my request")).to_be_visible()
    assert_fits(page)

    page.context.clear_cookies()
    page.goto(f"/researchers/sign-in/{founder_link}")
    requests = page.get_by_role("list", name="Requests to join")
    expect(requests).to_contain_text("Ari Asker-Montgomery-Villanueva")
    assert_fits(page)
