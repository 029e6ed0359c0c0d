"""The contact relay in Chromium: write from a profile, fix a mistake, confirm by the e-mailed link, the
researcher receives it with Reply-To and opts out by the link at its foot."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.factories import make_researcher

pytestmark = pytest.mark.browser

ADDRESS = "ada.private@example.edu"
SENDER = "lee.ortiz@riverton.example.gov"


def test_an_agency_writes_to_a_researcher_who_replies_by_reply_to_and_later_opts_out(page, db, smtp_inbox):
    ada = make_researcher(name="Ada Burgess", email=ADDRESS)
    db.session.add(ada)
    db.session.commit()
    seen: list[str] = []

    page.goto(f"/directory/researchers/{ada.id}")
    seen.append(page.content())
    page.get_by_role("link", name="Write to this researcher").click()
    expect(page.get_by_role("heading", name="Write to Ada Burgess")).to_be_visible()
    page.get_by_label("Your name").fill("Lee Ortiz")
    page.get_by_label("Your agency or organisation").fill("Riverton Police Department")
    page.get_by_label("Your e-mail address").fill(SENDER)
    page.get_by_label("Subject").fill("Robberies near the transit station")
    page.get_by_label("Your message").fill("Too short")
    page.get_by_role("button", name="Send my message").click()
    expect(page.locator("#message-error")).to_contain_text("Please write at least 20 characters")
    expect(page.get_by_label("Your message")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Subject")).to_have_value("Robberies near the transit station")
    seen.append(page.content())

    page.get_by_label("Your message").fill("Could we talk about evaluating our new rush-hour foot patrols?")
    page.get_by_role("button", name="Send my message").click()
    expect(page.get_by_role("heading", name="Check your e-mail to send your message")).to_be_visible()
    expect(page.get_by_text(SENDER)).to_be_visible()
    seen.append(page.content())

    confirmation = smtp_inbox.last_to(SENDER)
    [link] = [url for url in smtp_inbox.links(confirmation) if "/messages/confirm/" in url]
    assert smtp_inbox.to(ADDRESS) == []
    page.goto(link)
    expect(page.get_by_role("heading", name="Thank you: your message was sent")).to_be_visible()
    seen.append(page.content())

    relayed = smtp_inbox.last_to(ADDRESS)
    assert relayed["Reply-To"] == SENDER
    assert "rush-hour foot patrols" in relayed.get_content()
    assert all(ADDRESS not in html for html in seen)

    page.goto(link)
    expect(page.get_by_role("heading", name="This message was already sent")).to_be_visible()

    [stop] = [url for url in smtp_inbox.links(relayed) if "/messages/stop/" in url]
    page.goto(stop)
    page.get_by_role("button", name="Stop messages through the site").click()
    expect(page.get_by_role("heading", name="You will receive no more messages through the site")).to_be_visible()
    page.goto(f"/directory/researchers/{ada.id}")
    expect(page.get_by_role("heading", name="Ada Burgess")).to_be_visible()
    expect(page.get_by_role("link", name="Write to this researcher")).to_have_count(0)
    assert len(smtp_inbox.to(ADDRESS)) == 1
