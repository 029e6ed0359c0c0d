"""Round two for researchers, walked in Chromium: what the form says is private, no "graduate students: no",
a new e-mail address confirmed at that address, a save after the session ended, and the small fixes."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from matcher.extensions import db
from matcher.models import Publication, Researcher
from matcher.services import links
from tests.factories import make_researcher
from tests.researchers.helpers import link_in, outbox_to
from tests.researchers.test_browser import EMAIL, fill_profile

pytestmark = pytest.mark.browser

NEW_STATEMENT = "I now study repeat victimisation of small shops and how to prevent it, with city partners."


def add_researcher(app, **fields) -> int:
    """A confirmed, listed researcher with one publication; returns the id."""
    with app.app_context():
        researcher = make_researcher(publications=[Publication(position=0, title="Near repeats in small towns",
                                                               link="10.1234/nr.2020")], **fields)
        db.session.add(researcher)
        db.session.commit()
        return researcher.id


def sign_in_link(app, researcher_id: int) -> str:
    """The path of a sign-in link, as the e-mail 'Manage my profile' sends would hold it."""
    with app.app_context():
        researcher = db.session.get(Researcher, researcher_id)
        return f"/researchers/sign-in/{links.make_token('sign-in', researcher.id, researcher.link_nonce)}"


def stored_mail_to(app, address: str) -> list:
    with app.app_context():
        return [(m.kind, m.body) for m in outbox_to(address)]


def path_of_link(body: str) -> str:
    return link_in(type("Message", (), {"body": body})())


# 8. What is private; graduate students ------------------------------------------------------------------


def test_the_form_says_what_is_private_and_a_profile_without_graduate_students_does_not_say_no(page, app):
    page.goto("/researchers/register")
    for label, private in (("ZIP code", "Private: never shown on public pages"),
                           ("Partnerships you can take at once", "Private: only coordinators see it"),
                           ("Agencies you should not be matched with", "private: only coordinators see this list"),
                           ("E-mail address", "It is never shown on public pages")):
        field_id = page.get_by_label(label, exact=True).get_attribute("id")
        expect(page.locator(f"#{field_id}-hint")).to_contain_text(private)
    expect(page.get_by_label("Graduate students are available to work on projects")).not_to_be_checked()

    fill_profile(page)
    page.get_by_label("Agencies you should not be matched with", exact=True).fill("Springfield Police Department")
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_role("heading", name="Check your e-mail")).to_be_visible()
    expect(page.locator("main")).to_contain_text(f"We have sent a message to {EMAIL}")  # 13: the address shown

    [(_, body)] = stored_mail_to(app, EMAIL)
    page.goto(path_of_link(body))
    page.get_by_role("link", name="view my public profile").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Marisol Vega")
    profile = page.locator("main")
    expect(profile).to_contain_text("Joint grant application")
    expect(profile).not_to_contain_text("Graduate students")
    for private in ("60637", "Springfield Police Department", EMAIL):
        expect(profile).not_to_contain_text(private)
    public_url = page.url

    page.goto("/researchers/profile/edit")
    page.get_by_label("Graduate students are available to work on projects").check()
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_text("Your profile is saved.")).to_be_visible()
    page.goto(public_url)
    expect(page.locator("main")).to_contain_text("Graduate students available")
    expect(page.locator("main")).not_to_contain_text(re.compile(r"Graduate students available: (yes|no)", re.I))


# 9. A new e-mail address -----------------------------------------------------------------------------------


def test_a_new_address_is_used_once_the_link_sent_to_it_is_followed(page, app):
    researcher_id = add_researcher(app, name="Dana Whitfield", email="old@example.edu")
    page.goto(sign_in_link(app, researcher_id))
    page.get_by_role("link", name="Change my e-mail address").click()
    expect(page.locator(".lead")).to_contain_text("Your profile uses old@example.edu")
    page.get_by_label("New e-mail address").fill("old@example.edu")
    page.get_by_role("button", name=re.compile("Send|Change")).click()
    expect(page.locator("#email-error")).to_have_text("This is already your address.")
    page.get_by_label("New e-mail address").fill("dana.new@example.org")
    page.get_by_role("button", name=re.compile("Send|Change")).click()
    expect(page.locator(".flash")).to_contain_text(
        "We sent a confirmation link to dana.new@example.org. Your profile keeps old@example.edu until you follow it.")
    expect(page.locator(".lead")).to_contain_text("old@example.edu")  # not changed yet

    [(_, body)] = stored_mail_to(app, "dana.new@example.org")  # read from the outbox, as it was sent
    link = path_of_link(body)
    page.goto(link)
    expect(page.locator(".flash")).to_contain_text("Your e-mail address is now dana.new@example.org.")
    expect(page.locator(".lead")).to_contain_text("Signed in as Dana Whitfield (dana.new@example.org)")
    told = [body for kind, body in stored_mail_to(app, "old@example.edu") if kind == "researcher_email_changed"]
    assert told and "dana.new@example.org" in told[0]

    page.goto(link)  # the same link again
    expect(page.get_by_text("already been used")).to_be_visible()


# 12. The session ends ----------------------------------------------------------------------------------------


def test_the_edit_page_warns_before_the_session_ends(page, app, config_override):
    config_override(RESEARCHER_SESSION_SECONDS=5 * 60 + 3)  # the warning comes five minutes before: in 3 s
    researcher_id = add_researcher(app, name="Dana Whitfield")
    page.goto(sign_in_link(app, researcher_id))
    page.goto("/researchers/profile/edit")
    notice = page.locator("#session-ends")
    expect(notice).to_contain_text("Your session ends at")
    expect(notice).not_to_have_attribute("role", "alert")
    expect(notice).to_have_attribute("role", "alert", timeout=8_000)
    expect(notice).to_contain_text("Your session ends in less than five minutes: save your profile now.")


def test_a_save_after_the_session_ended_is_kept_and_the_sign_in_link_brings_it_back(page, app, config_override):
    config_override(RESEARCHER_SESSION_SECONDS=3)
    researcher_id = add_researcher(app, name="Dana Whitfield", email="dana@example.edu")
    page.goto(sign_in_link(app, researcher_id))
    page.goto("/researchers/profile/edit")
    expect(page.locator("#session-ends")).to_have_attribute("role", "alert")  # less than five minutes left
    page.get_by_label("Research statement", exact=True).fill(NEW_STATEMENT)
    page.get_by_label("Keywords", exact=True).fill("repeat victimisation, small shops")
    page.wait_for_timeout(3_500)
    page.get_by_role("button", name="Save profile").click()

    expect(page.get_by_role("heading", name="Your session ended before we could save")).to_be_visible()
    expect(page.locator(".lead")).to_contain_text("Nothing is lost: we kept what you typed")
    page.locator("summary", has_text="What you typed").click()
    expect(page.get_by_text(NEW_STATEMENT)).to_be_visible()
    with app.app_context():
        assert db.session.get(Researcher, researcher_id).statement != NEW_STATEMENT  # nothing saved yet

    config_override(RESEARCHER_SESSION_SECONDS=3600)
    [body] = [body for _, body in stored_mail_to(app, "dana@example.edu") if "bring it back" in body]
    page.goto(path_of_link(body))
    expect(page.get_by_role("heading", name="Edit my profile")).to_be_visible()
    expect(page.get_by_text("We brought back what you typed before your session ended")).to_be_visible()
    expect(page.get_by_label("Research statement", exact=True)).to_have_value(NEW_STATEMENT)
    expect(page.get_by_label("Keywords", exact=True)).to_have_value("repeat victimisation, small shops")
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_text("Your profile is saved.")).to_be_visible()
    page.goto(f"/directory/researchers/{researcher_id}")
    expect(page.get_by_text(NEW_STATEMENT)).to_be_visible()


# 13. Small fixes -----------------------------------------------------------------------------------------------


def test_a_page_number_past_the_end_shows_the_last_page(page, app):
    with app.app_context():
        db.session.add_all([make_researcher(name=f"Researcher {i:02d}") for i in range(25)])
        db.session.commit()
    page.goto("/directory/?page=99")
    expect(page.get_by_text("Page 2 of 2")).to_be_visible()
    expect(page.locator(".researcher-card")).to_have_count(5)
    expect(page.get_by_text("No researchers are listed yet")).to_have_count(0)
    page.get_by_role("link", name=re.compile("Previous")).click()
    expect(page.get_by_text("Page 1 of 2")).to_be_visible()
    expect(page.locator(".researcher-card")).to_have_count(20)


def test_plain_words_for_too_many_agencies_a_tampered_centre_and_nothing_new_to_import(page, app):
    researcher_id = add_researcher(app, name="Dana Whitfield")
    page.goto(sign_in_link(app, researcher_id))
    page.goto("/researchers/profile/edit")
    page.get_by_label("Agencies you should not be matched with", exact=True).fill(
        "\n".join(f"Town {n} Police Department" for n in range(31)))
    page.locator("#centre_id option").first.evaluate("option => { option.value = 'abc'; }")  # an edited page
    page.get_by_role("button", name="Save profile").click()
    expect(page.locator("#conflicts-error")).to_contain_text("Please list at most 30 agencies (you gave 31)")
    expect(page.locator("#centre_id-error")).to_have_text("Please choose a research centre from the list (or None).")
    expect(page.locator("#error-summary")).not_to_contain_text("agencys")
    expect(page.get_by_label("Agencies you should not be matched with", exact=True)).to_have_value(
        re.compile("Town 30 Police Department"))

    page.goto("/researchers/profile/edit")
    page.get_by_label("Paste BibTeX or RIS").fill(
        "@article{nr2020, title={Near repeats in small towns}, year={2020}, doi={10.1234/nr.2020}}")
    page.get_by_role("button", name="Import publications").click()
    notice = page.locator("#publications-notice")
    expect(notice).to_have_text(
        "Nothing new was found in the export; 1 publication was already listed.")
    expect(notice).not_to_contain_text(re.compile(r"\b0 publications|all 0"))


def test_right_to_left_names_are_isolated_where_they_are_shown(page, app):
    name, university = "مريم الحسيني", "جامعة القاهرة"
    researcher_id = add_researcher(app, name=name, institution=university, statement="أدرس السرقة المتكررة.")
    page.goto("/directory/")
    card = page.locator(".researcher-card", has_text=name)
    expect(card.locator("h3 bdi")).to_have_text(name)
    expect(card.locator(".meta bdi", has_text=university)).to_have_count(1)
    expect(card.locator("p[dir=auto]")).to_have_text("أدرس السرقة المتكررة.")
    page.goto(f"/directory/researchers/{researcher_id}")
    expect(page.locator("h1 bdi")).to_have_text(name)
    expect(page.locator("header .meta bdi", has_text=university)).to_have_count(1)
    expect(page.locator("p.prose[dir=auto]")).to_have_text("أدرس السرقة المتكررة.")
    page.goto(sign_in_link(app, researcher_id))
    expect(page.locator(".lead bdi")).to_have_text(name)  # "Signed in as …"
    page.goto("/researchers/profile/edit")
    expect(page.locator(".lead bdi")).to_have_text(name)


# An expired form ------------------------------------------------------------------------------------------------


def test_a_registration_from_an_expired_form_comes_back_as_typed(page, app, config_override):
    config_override(WTF_CSRF_ENABLED=True)
    page.goto("/researchers/register")
    fill_profile(page)
    page.context.clear_cookies()  # the session, and the form's CSRF token with it, is gone
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_role("heading", name="You are not registered yet")).to_be_visible()
    expect(page.get_by_label("Research statement", exact=True)).to_have_value(
        "I study shootings and group violence with police partners.")
    expect(page.get_by_label("Gun violence", exact=True)).to_be_checked()
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_role("heading", name="Check your e-mail")).to_be_visible()
    assert len(stored_mail_to(app, EMAIL)) == 1


def test_a_save_from_a_form_whose_session_was_replaced_in_another_tab_is_kept(page, app, config_override):
    config_override(WTF_CSRF_ENABLED=True)
    researcher_id = add_researcher(app, name="Dana Whitfield")
    page.goto(sign_in_link(app, researcher_id))
    page.goto("/researchers/profile/edit")
    page.get_by_label("Research statement", exact=True).fill(NEW_STATEMENT)
    other_tab = page.context.new_page()
    other_tab.goto(sign_in_link(app, researcher_id))  # a new sign-in starts a new session, with a new token
    expect(other_tab.get_by_role("heading", name="My profile")).to_be_visible()
    other_tab.close()

    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_role("heading", name="Your profile is not saved yet")).to_be_visible()
    expect(page.get_by_label("Research statement", exact=True)).to_have_value(NEW_STATEMENT)
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_text("Your profile is saved.")).to_be_visible()
    with app.app_context():
        assert db.session.get(Researcher, researcher_id).statement == NEW_STATEMENT
