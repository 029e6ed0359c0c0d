"""Round two for agencies, walked in Chromium: the rate limit, duplicates, lost status links, a coordinator's
question, the form's promises and wording. Nothing a person typed is lost on the way."""

from __future__ import annotations

import re
import threading

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from matcher import create_app
from matcher.config import TestConfig
from matcher.extensions import db
from matcher.models import Problem
from matcher.services import accounts
from tests.agencies.test_browser import AGENCY_EMAIL, fill_valid_statement, problem_count, watch_console
from tests.coordinators.conftest import PASSWORD
from tests.factories import make_researcher

pytestmark = pytest.mark.browser

SEND = "Send the problem statement"
RECEIVED = re.compile("we received your problem statement")


@pytest.fixture
def limited_server(app, browser):
    """A second app on the session's database with rate limits on (2 accepted and 4 posts an hour), served
    over HTTP, and a Chromium page on it."""
    from werkzeug.serving import make_server

    from matcher.extensions import limiter

    limited = create_app(type("Limited", (TestConfig,), {
        "RATELIMIT_ENABLED": True, "FORM_RATE_LIMIT": "2 per hour", "FORM_POST_LIMIT": "4 per hour",
        "RATELIMIT_STORAGE_URI": "memory://", "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
    }))
    server = make_server("127.0.0.1", 0, limited, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    context = browser.new_context(base_url=f"http://127.0.0.1:{server.server_port}")
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()
    server.shutdown()
    with limited.app_context():
        db.session.remove()
        db.engine.dispose()
    limiter.reset()


def sign_in_coordinator(page) -> None:
    page.goto("/coordinators/queue")
    page.get_by_label("E-mail").fill("coord@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Review queue")).to_be_visible()


def only_problem(app) -> Problem:
    with app.app_context():
        return db.session.scalar(select(Problem))


# 1. The rate limit --------------------------------------------------------------------------------------


def test_after_the_limit_a_refused_statement_comes_back_as_typed_with_the_wait(limited_server, app):
    page = limited_server
    page.goto("/agencies/submit")
    fill_valid_statement(page, title="")  # a typing mistake: refused by validation, so it does not count
    page.get_by_role("button", name=SEND).click()
    expect(page.locator("#title-error")).to_be_visible()
    for title in ("First statement of the day", "Second statement of the day"):
        page.goto("/agencies/submit")
        fill_valid_statement(page, title=title)
        page.get_by_role("button", name=SEND).click()
        expect(page.get_by_role("heading", name=RECEIVED)).to_be_visible()

    page.goto("/agencies/submit")
    fill_valid_statement(page, title="Third statement, over the limit")
    page.get_by_label("Your role").fill("Deputy chief of the east district")
    page.get_by_label("When would you like to start?").fill("Before the summer")
    response_codes = []
    page.on("response", lambda response: response_codes.append(response.status))
    page.get_by_role("button", name=SEND).click()

    refused = page.locator(".error-summary")
    expect(refused.get_by_role("heading", name="We could not accept this statement yet")).to_be_visible()
    expect(refused).to_contain_text(re.compile(r"Please wait about (59|60) minutes"))
    expect(refused).to_be_focused()
    assert 429 in response_codes
    expect(page.get_by_label("Title of the problem")).to_have_value("Third statement, over the limit")
    expect(page.get_by_label("Agency name", exact=True)).to_have_value("Riverton Police Department")
    expect(page.get_by_label("Your role")).to_have_value("Deputy chief of the east district")
    expect(page.get_by_label("When would you like to start?")).to_have_value("Before the summer")
    expect(page.get_by_label("E-mail")).to_have_value(AGENCY_EMAIL)
    expect(page.get_by_label("Describe the problem")).to_have_value(re.compile("extra foot patrols at rush hour"))
    expect(page.get_by_label("State", exact=True)).to_have_value("MA")
    for box in ("Robbery", "Crime hot spots and places", "Program evaluation", "Crime incidents (RMS)"):
        expect(page.get_by_label(box)).to_be_checked()
    with app.app_context():
        titles = db.session.scalars(select(Problem.title).order_by(Problem.id)).all()
    assert titles == ["First statement of the day", "Second statement of the day"]


# 2. Duplicates ------------------------------------------------------------------------------------------


def test_back_and_send_again_lands_on_the_status_page_and_stores_nothing_twice(page, app):
    page.goto("/agencies/submit")
    fill_valid_statement(page)
    page.get_by_role("button", name=SEND).click()
    expect(page.get_by_role("heading", name=RECEIVED)).to_be_visible()

    page.go_back()
    expect(page.get_by_label("Title of the problem")).to_have_value("Street robberies near the transit station")
    page.get_by_role("button", name=SEND).click()
    expect(page.get_by_text("You had already sent this statement, so it was not stored again.")).to_be_visible()
    expect(page.get_by_role("heading", name="Street robberies near the transit station")).to_be_visible()
    assert page.url.endswith(f"/agencies/status/{only_problem(app).status_token}")
    assert problem_count(app) == 1


def test_coordinators_see_a_statement_sent_again_from_a_new_form_flagged(page, app):
    for title in ("Street robberies near the transit station", "Street robberies near the train station"):
        page.goto("/agencies/submit")
        fill_valid_statement(page, title=title)
        page.get_by_role("button", name=SEND).click()
        expect(page.get_by_role("heading", name=RECEIVED)).to_be_visible()
    with app.app_context():
        accounts.create_coordinator("coord@example.org", PASSWORD, name="Casey Coordinator")
        first, second = db.session.scalars(select(Problem).order_by(Problem.id)).all()
        first_id = first.id

    sign_in_coordinator(page)
    page.get_by_role("link", name="Street robberies near the train station").click()
    flag = page.locator("section, div", has=page.get_by_role("heading", name="Possibly sent before")).last
    expect(flag).to_contain_text(f"Problem #{first_id}")
    expect(flag).to_contain_text("from the same e-mail address")
    flag.get_by_role("link", name=re.compile(f"Problem #{first_id}")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Street robberies near the transit station")


# 3. Lost status links; the confirmation page ----------------------------------------------------------


def test_the_confirmation_gives_the_reference_and_a_copy_and_lost_links_are_sent_again(page, app, smtp_inbox):
    page.goto("/agencies/submit")
    fill_valid_statement(page)
    page.get_by_label("When would you like to start?").fill("Before the summer")
    page.get_by_role("button", name=SEND).click()
    problem = only_problem(app)
    expect(page.locator(".reference")).to_have_text(re.compile(rf"Reference number: {problem.id}\b"))
    copy = page.locator(".card.statement")
    expect(copy.get_by_role("heading", name="Street robberies near the transit station")).to_be_visible()
    for typed in ("Riverton Police Department", "Lee Ortiz, Deputy chief", AGENCY_EMAIL,
                  "We tried extra foot patrols at rush hour.", "Robbery", "Program evaluation",
                  "Crime incidents (RMS)", "Before the summer"):
        expect(copy).to_contain_text(typed)
    smtp_inbox.last_to(AGENCY_EMAIL)  # the receipt

    page.get_by_role("link", name="send your status links again").click()
    expect(page.get_by_role("heading", name="Send me my status links again")).to_be_visible()
    page.get_by_label("The e-mail address you gave in your statement").fill(AGENCY_EMAIL)
    page.get_by_role("button", name="Send me my status links").click()
    expect(page.locator(".flash")).to_contain_text(f"If statements were sent from {AGENCY_EMAIL}")
    links_mail = smtp_inbox.last_to(AGENCY_EMAIL, count=2)
    [link] = [u for u in smtp_inbox.links(links_mail) if "/agencies/status/" in u]
    page.goto(link)
    expect(page.get_by_role("heading", name="Street robberies near the transit station")).to_be_visible()

    page.goto("/agencies/")  # the agency page links to it too; an unknown address gets the same answer
    page.get_by_role("link", name="Send me my status links again").click()
    page.get_by_label("The e-mail address you gave in your statement").fill("nobody@nowhere.example.gov")
    page.get_by_role("button", name="Send me my status links").click()
    expect(page.locator(".flash")).to_contain_text("If statements were sent from nobody@nowhere.example.gov")
    assert smtp_inbox.to("nobody@nowhere.example.gov") == []


# 4. A coordinator's question; introduced researchers ---------------------------------------------------


def test_a_question_waits_for_the_answer_and_introduced_researchers_link_to_their_profiles(page, app, smtp_inbox):
    with app.app_context():
        accounts.create_coordinator("coord@example.org", PASSWORD, name="Casey Coordinator")
        db.session.add(make_researcher(
            name="Rosa Ramirez", email="rosa@example.edu", topics=["robbery", "hot-spots"],
            help_offered=["evaluation"], statement="Street robbery near transit stations and hot spots policing."))
        db.session.commit()
    page.goto("/agencies/submit")
    fill_valid_statement(page)
    page.get_by_role("button", name=SEND).click()
    [status_link] = [u for u in smtp_inbox.links(smtp_inbox.last_to(AGENCY_EMAIL)) if "/agencies/status/" in u]

    coordinator = page.context.browser.new_context(base_url=page.url.split("/agencies")[0]).new_page()
    sign_in_coordinator(coordinator)
    coordinator.get_by_role("link", name="Street robberies near the transit station").click()
    coordinator.get_by_label("Question for the agency").fill("Do you have the times of day of each robbery?")
    coordinator.get_by_role("button", name="Send question").click()

    page.goto(status_link)
    expect(page.locator(".badge-status").first).to_have_text("Waiting for your answer")
    expect(page.locator("[aria-current=step]")).to_contain_text("waiting for your answer")
    question = page.locator(".notice-question")
    expect(question).to_contain_text("Do you have the times of day of each robbery?")
    question.get_by_role("link", name="Answer it below").click()
    expect(page.get_by_role("heading", name="Answer the question or add information")).to_be_visible()
    page.get_by_label("Information to add").fill("Yes, CAD has the minute of every call.")
    page.get_by_role("button", name="Add to our statement").click()
    expect(page.locator(".status-update", has_text="Yes, CAD has the minute of every call.")).to_contain_text(
        "answered")
    expect(page.locator(".notice-question")).to_have_count(0)
    expect(page.locator("[aria-current=step]")).not_to_contain_text("waiting for your answer")
    expect(page.get_by_text("No researcher has been introduced yet")).to_be_visible()

    coordinator.reload()
    coordinator.get_by_label("Introduce Rosa Ramirez").check()
    coordinator.get_by_role("button", name="Introduce selected researchers").click()
    expect(coordinator.locator(".flash")).to_contain_text("Introduced Rosa Ramirez")
    coordinator.context.close()

    page.reload()
    introduced = page.locator(".introductions")
    expect(introduced).to_contain_text("Example University")
    introduced.get_by_role("link", name="Rosa Ramirez").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("Rosa Ramirez"))
    expect(page.get_by_text("Street robbery near transit stations")).to_be_visible()


# 5 and 6. What the form promises, and its wording --------------------------------------------------------


def test_the_form_promises_only_what_happens(page, app):
    page.goto("/agencies/submit")
    expect(page.get_by_text("researchers see your problem without your agency's name")).to_have_count(0)
    expect(page.get_by_label(re.compile("agency's name", re.I))).to_have_count(0)  # no such choice to tick
    expect(page.get_by_text("Only coordinators read your statement.")).to_be_visible()
    fill_valid_statement(page)
    page.get_by_role("button", name=SEND).click()
    expect(page.get_by_role("heading", name=RECEIVED)).to_be_visible()

    # True as promised: nothing public shows the statement, its agency or its contact.
    for path in ("/", "/directory/", "/directory/?q=robberies+transit", "/researchers/"):
        page.goto(path)
        for private in ("Street robberies near the transit station", "Riverton Police Department", "Lee Ortiz"):
            expect(page.get_by_text(private)).to_have_count(0)


def test_asking_for_a_researcher_names_them_at_the_top_and_agrees_with_the_profile_button(page, app):
    with app.app_context():
        researcher = make_researcher(name="Rosa Ramirez", institution="Harbor State University")
        db.session.add(researcher)
        db.session.commit()
        researcher_id = researcher.id
    page.goto(f"/directory/researchers/{researcher_id}")
    page.get_by_role("link", name="Ask for this researcher", exact=True).click()
    expect(page.get_by_role("heading", name="Submit a problem statement")).to_be_visible()
    top = page.locator("p.notice[role=status]")
    expect(top).to_contain_text("You are asking for Rosa Ramirez, Harbor State University")
    box = top.bounding_box()
    assert box is not None and box["y"] < page.get_by_label("Agency name", exact=True).bounding_box()["y"]
    keep = page.get_by_label("Ask for Rosa Ramirez if they fit (untick to remove)")
    expect(keep).to_be_checked()

    fill_valid_statement(page)
    page.get_by_role("button", name=SEND).click()
    expect(page.locator(".card.statement")).to_contain_text("Preferred researcher")
    expect(page.locator(".card.statement")).to_contain_text("Rosa Ramirez, Harbor State University")
    with app.app_context():
        assert db.session.scalar(select(Problem.preferred_researcher_id)) == researcher_id


def test_topic_boxes_are_not_each_required_and_are_big_enough_to_tap(page):
    page.goto("/agencies/submit")
    topics = page.locator("fieldset#topics")
    expect(topics.locator("legend .required")).to_have_count(1)  # the group says it once
    boxes = topics.locator("input[type=checkbox]")
    assert boxes.count() >= 10
    expect(topics.locator("input[required]")).to_have_count(0)
    expect(topics.locator("input[aria-required=true]")).to_have_count(0)
    for index in (0, boxes.count() - 1):
        size = boxes.nth(index).bounding_box()
        assert size["width"] >= 20 and size["height"] >= 20, size
    # With no topic ticked the browser itself does not refuse the form: the server explains, beside the group.
    page.get_by_role("button", name=SEND).click()
    expect(page.locator("#topics-error")).to_have_text("Please choose at least one topic.")


def test_pasted_text_longer_than_a_field_allows_is_kept_and_explained(page, app):
    errors = watch_console(page)
    page.goto("/agencies/submit")
    fill_valid_statement(page)
    long_name = "Riverton and Lakeshore Counties Joint Regional Police and Sheriff Task Force " * 3 + "East"
    agency_name = page.get_by_label("Agency name", exact=True)
    agency_name.fill("")
    agency_name.focus()
    page.keyboard.insert_text(long_name)  # as a paste does: no key events, the whole text at once
    expect(agency_name).to_have_value(long_name)
    assert agency_name.get_attribute("maxlength") is None
    page.get_by_role("button", name=SEND).click()

    expect(page.locator("#agency_name-error")).to_have_text(
        "Please keep the agency name to 200 characters or fewer.")
    expect(page.get_by_label("Agency name", exact=True)).to_have_value(long_name)
    expect(page.locator(".error-summary")).to_contain_text("Agency name")
    assert problem_count(app) == 0
    assert errors == []


def test_no_field_of_the_form_cuts_what_is_typed(page):
    page.goto("/agencies/submit")
    assert page.locator("form.problem-form [maxlength]").count() == 0



# An expired form ----------------------------------------------------------------------------------------


def test_a_statement_sent_from_an_expired_form_comes_back_as_typed_and_is_sent_once(page, app, config_override):
    config_override(WTF_CSRF_ENABLED=True)
    page.goto("/agencies/submit")
    fill_valid_statement(page)
    page.get_by_label("When would you like to start?").fill("Before the summer")
    page.context.clear_cookies()  # the session, and the form's CSRF token with it, is gone (a browser restart)
    page.get_by_role("button", name=SEND).click()

    summary = page.locator("#error-summary")
    expect(summary.get_by_role("heading", name="Your statement was not sent yet")).to_be_visible()
    expect(summary).to_be_focused()
    expect(page.get_by_label("Title of the problem")).to_have_value("Street robberies near the transit station")
    expect(page.get_by_label("When would you like to start?")).to_have_value("Before the summer")
    expect(page.get_by_label("Describe the problem")).to_have_value(re.compile("extra foot patrols at rush hour"))
    expect(page.get_by_label("Robbery")).to_be_checked()
    assert problem_count(app) == 0

    page.get_by_role("button", name=SEND).click()
    expect(page.get_by_role("heading", name=RECEIVED)).to_be_visible()
    assert problem_count(app) == 1


def test_information_added_from_an_expired_status_page_is_kept(page, app, config_override, smtp_inbox):
    page.goto("/agencies/submit")
    fill_valid_statement(page)
    page.get_by_role("button", name=SEND).click()
    [status_link] = [u for u in smtp_inbox.links(smtp_inbox.last_to(AGENCY_EMAIL)) if "/agencies/status/" in u]
    config_override(WTF_CSRF_ENABLED=True)
    page.goto(status_link)
    page.get_by_label("Information to add").fill("Most robberies happen between 6 and 8 pm.")
    page.context.clear_cookies()
    page.get_by_role("button", name="Add to our statement").click()
    expect(page.get_by_role("heading", name="Your text was not added yet")).to_be_visible()
    expect(page.get_by_label("Information to add")).to_have_value("Most robberies happen between 6 and 8 pm.")
    page.get_by_role("button", name="Add to our statement").click()
    expect(page.locator(".status-update", has_text="Most robberies happen between 6 and 8 pm.")).to_have_count(1)


# 13. Right-to-left names ------------------------------------------------------------------------------------


def test_right_to_left_names_and_text_on_the_status_page_are_isolated(page, app):
    from tests.factories import make_problem

    with app.app_context():
        problem = make_problem(agency_name="شرطة المدينة", contact_name="مريم الحسيني", title="سرقة السيارات",
                               description="ازدادت سرقة السيارات قرب المحطة منذ الربيع الماضي.")
        db.session.add(problem)
        db.session.commit()
        token = problem.status_token
    page.goto(f"/agencies/status/{token}")
    expect(page.locator("h1")).to_have_attribute("dir", "auto")
    expect(page.locator(".eyebrow bdi")).to_have_text("شرطة المدينة")
    expect(page.locator("p.meta bdi").first).to_have_text("مريم الحسيني")
    page.get_by_text("Show the full statement").click()
    expect(page.locator("dd.prose[dir=auto]").first).to_contain_text("ازدادت سرقة السيارات")
