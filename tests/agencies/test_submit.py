"""Submitting a problem statement: validation, storage, e-mails, suggestions, abuse protection."""

from __future__ import annotations

import html as html_module
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select, text

from matcher.models import AuditEvent, OutboxMessage, Problem
from tests.agencies.conftest import install_matching, valid_form
from tests.factories import make_researcher

COORDINATORS = "coordinators@example.org"  # TestConfig.COORDINATOR_EMAILS


def problem_count(db) -> int:
    return db.session.scalar(select(func.count(Problem.id)))


def outbox(db) -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def error_beside(html: str, field_id: str) -> str:
    """The error message shown under one field ('' when there is none)."""
    found = re.search(rf'<p class="error" id="{field_id}-error">([^<]*)</p>', html)
    return html_module.unescape(found.group(1)) if found else ""


def test_the_agency_page_leads_to_the_form(client):
    html = client.get("/agencies/").get_data(as_text=True)
    assert 'href="/agencies/submit"' in html
    assert "Submit a problem statement" in html


def test_the_form_explains_what_makes_a_useful_statement_and_the_limits(client):
    html = client.get("/agencies/submit").get_data(as_text=True)
    assert "What makes a useful statement" in html
    for guidance in ("since when", "What you have tried", "What data", "What you want to learn"):
        assert guidance in html
    assert "50–5,000 characters" in html
    assert 'name="website"' in html  # the honeypot
    assert "<script>" not in html and "style=" not in html and "onclick" not in html


def test_a_statement_is_stored_with_confirmation_and_coordinator_notice(client, db, matching):
    response = client.post("/agencies/submit", data=valid_form(
        data_available=["cad", "other"], data_other="Shooting reviews", prefer_nearby="y",
        max_distance_miles="50", avoid="Nobody from State Tech, please."))
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "we received your problem statement" in page
    assert "dana.whitfield@harborview.example.gov" in page

    problem = db.session.scalar(select(Problem))
    assert problem.agency_name == "Harborview Police Department"
    assert problem.topics == ["vehicle-crime", "hot-spots"]
    assert problem.data_available == ["cad", "other"] and problem.data_other == "Shooting reviews"
    assert problem.max_distance_miles == 50
    assert problem.avoid == "Nobody from State Tech, please."
    assert problem.status == "new" and problem.latitude is not None
    assert len(problem.status_token) >= 40

    confirmation, notice = outbox(db)
    assert confirmation.to == "dana.whitfield@harborview.example.gov"
    assert f"/agencies/status/{problem.status_token}" in confirmation.body
    assert notice.to == COORDINATORS
    assert "Car break-ins around the downtown garages" in notice.subject
    assert "Harborview Police Department" in notice.body
    assert {m.status for m in outbox(db)} == {"logged"}  # delivered right after the commit
    assert matching.problem_ids == [problem.id]
    assert db.session.scalar(select(AuditEvent.action)) == "problem.submitted"


def test_without_nearby_preference_no_distance_is_stored(client, db, matching):
    client.post("/agencies/submit", data=valid_form(max_distance_miles="25"))
    assert db.session.scalar(select(Problem.max_distance_miles)) is None


def test_needing_someone_in_person_is_stored_with_its_distance_and_shown_on_the_status_page(client, db, matching):
    client.post("/agencies/submit", data=valid_form(in_person_only="y", max_distance_miles="50"))
    problem = db.session.scalar(select(Problem))
    assert (problem.in_person_only, problem.max_distance_miles) == (True, 50)  # no need to tick "prefer" too
    status = client.get(f"/agencies/status/{problem.status_token}").get_data(as_text=True)
    assert "Someone who can meet in person, within 50 miles" in status


def test_a_nearby_preference_alone_does_not_ask_for_someone_in_person(client, db, matching):
    client.post("/agencies/submit", data=valid_form(prefer_nearby="y", max_distance_miles="25"))
    problem = db.session.scalar(select(Problem))
    assert (problem.in_person_only, problem.max_distance_miles) == (False, 25)
    status = client.get(f"/agencies/status/{problem.status_token}").get_data(as_text=True)
    assert "A researcher near us preferred, within 25 miles" in status


def test_the_form_asks_whether_someone_must_meet_in_person_beside_the_distance(client):
    html = client.get("/agencies/submit").get_data(as_text=True)
    distance = html[html.index("<legend>Distance</legend>"):html.index("</fieldset>", html.index("<legend>Distance"))]
    assert "We would prefer a researcher near us" in distance
    assert "We need someone who can meet us in person" in distance
    assert 'id="max_distance_miles"' in distance


def test_grant_deadline_is_stored_only_for_grants(client, db, matching):
    deadline = (date.today() + timedelta(days=60)).isoformat()
    client.post("/agencies/submit", data=valid_form(funding="grant", funding_deadline=deadline))
    problem = db.session.scalar(select(Problem))
    assert problem.funding == "grant" and problem.funding_deadline.isoformat() == deadline


def test_matching_runs_after_the_statement_is_committed(client, db, monkeypatch):
    seen_from_another_connection = []

    def refresh(problem):
        with db.engine.connect() as other:
            seen_from_another_connection.append(other.execute(text("SELECT count(*) FROM problems")).scalar())
        return []

    install_matching(monkeypatch, refresh)
    client.post("/agencies/submit", data=valid_form())
    assert seen_from_another_connection == [1]


def test_a_failure_in_matching_still_stores_the_statement_exactly_once(client, db, monkeypatch, caplog):
    def broken(problem):
        from matcher.extensions import db as _db
        from matcher.models import Suggestion

        _db.session.add(Suggestion(problem_id=problem.id, researcher_id=999, rank=1, score=1.0,
                                   model_version="half-done"))
        raise RuntimeError("matching exploded")

    install_matching(monkeypatch, broken)
    response = client.post("/agencies/submit", data=valid_form(), follow_redirects=True)
    assert response.status_code == 200
    assert "we received your problem statement" in response.get_data(as_text=True)
    assert problem_count(db) == 1
    assert db.session.scalar(text("SELECT count(*) FROM suggestions")) == 0
    assert sorted(m.kind for m in outbox(db)) == ["agency_problem_received", "coordinator_new_problem"]
    assert "Could not compute suggestions" in caplog.text
    assert "matching exploded" in caplog.text


def test_a_database_failure_while_saving_stores_nothing(app, client, db, matching, monkeypatch):
    from matcher.services import agency_requests

    def broken_notices(*args, **kwargs):
        raise RuntimeError("outbox down")

    monkeypatch.setattr(agency_requests, "_queue_coordinator_notices", broken_notices)
    app_propagate = app.config.get("PROPAGATE_EXCEPTIONS")
    app.config["PROPAGATE_EXCEPTIONS"] = False
    try:
        response = client.post("/agencies/submit", data=valid_form())
    finally:
        app.config["PROPAGATE_EXCEPTIONS"] = app_propagate
    assert response.status_code == 500
    assert "Something went wrong" in response.get_data(as_text=True)
    assert problem_count(db) == 0 and outbox(db) == []


REQUIRED = {
    "agency_name": "Please enter your agency's name.",
    "agency_type": "Please choose the type of agency.",
    "city": "Please enter the city or town.",
    "state": "Please choose the state.",
    "zip": "Please enter a 5-digit U.S. ZIP code.",
    "contact_name": "Please enter your name.",
    "contact_role": "Please enter your role",
    "email": "Please enter your e-mail address.",
    "title": "Please give the problem a short title.",
    "description": "Please describe the problem.",
    "topics": "Please choose at least one topic.",
    "help_wanted": "Please choose at least one kind of help.",
}


@pytest.mark.parametrize("name", sorted(REQUIRED))
def test_each_required_field_missing_is_explained_beside_it(client, db, matching, name):
    data = valid_form(**{name: None})
    response = client.post("/agencies/submit", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert REQUIRED[name] in error_beside(html, name)
    assert html.count('<p class="error"') == 1
    assert problem_count(db) == 0 and outbox(db) == []
    assert "Harborview" in html if name != "agency_name" else "Car break-ins" in html


def test_everything_typed_is_kept_when_something_is_wrong(client, matching):
    data = valid_form(email="not-an-address", prefer_nearby="y", in_person_only="y", max_distance_miles="250",
                      avoid="Dr. Example", data_available=["surveys", "other"],
                      data_other="Jail bookings", funding="fee", timeline="Spring 2027")
    html = client.post("/agencies/submit", data=data).get_data(as_text=True)
    assert "Please enter a valid e-mail address" in error_beside(html, "email")
    assert 'value="not-an-address"' in html
    for kept in ('value="Harborview Police Department"', 'value="(617) 555-0142"', 'value="Spring 2027"',
                 'value="Jail bookings"', "Dr. Example", "Thefts from vehicles in three downtown"):
        assert kept in html
    for name, value in (("topics", "vehicle-crime"), ("data_available", "surveys"), ("funding", "fee"),
                        ("evaluation_design", "quasi-experimental")):
        assert re.search(rf'<input checked[^>]*name="{name}"[^>]*value="{value}"', html), (name, value)
    assert re.search(r'<option selected value="MA">', html)
    assert re.search(r'<option selected value="250">', html)
    assert re.search(r'<input checked[^>]*id="prefer_nearby"', html)
    assert re.search(r'<input checked[^>]*id="in_person_only"', html)
    assert "error-summary" in html


@pytest.mark.parametrize(("name", "size", "message"), [
    ("agency_name", 201, "200 characters or fewer"),
    ("contact_name", 121, "120 characters or fewer"),
    ("contact_role", 121, "120 characters or fewer"),
    ("city", 101, "100 characters or fewer"),
    ("title", 201, "5 to 200 characters"),
    ("description", 5001, "5,000 characters or fewer (it has 5,001)"),
    ("data_other", 301, "300 characters or fewer"),
    ("timeline", 121, "120 characters or fewer"),
    ("avoid", 1001, "1,000 characters or fewer"),
    ("phone", 41, "40 characters or fewer"),
])
def test_overlong_text_is_refused_with_the_limit(client, db, matching, name, size, message):
    extra = {"data_available": ["other"]} if name == "data_other" else {}
    response = client.post("/agencies/submit", data=valid_form(**{name: "7" * size}, **extra))
    assert message in error_beside(response.get_data(as_text=True), name)
    assert problem_count(db) == 0


def test_a_too_short_description_says_how_long_it_is(client, matching):
    html = client.post("/agencies/submit", data=valid_form(description="Break-ins.")).get_data(as_text=True)
    assert "at least 50 characters" in error_beside(html, "description")
    assert "(it has 10)" in error_beside(html, "description")


@pytest.mark.parametrize("email", ["not-an-address", "dana@", "dana@@example.org", "dana example@x.org"])
def test_a_bad_email_is_refused(client, db, matching, email):
    html = client.post("/agencies/submit", data=valid_form(email=email)).get_data(as_text=True)
    assert "Please enter a valid e-mail address" in error_beside(html, "email")
    assert problem_count(db) == 0


def test_a_zip_of_another_state_is_refused(client, db, matching):
    html = client.post("/agencies/submit", data=valid_form(zip="10001")).get_data(as_text=True)
    assert "ZIP code 10001 is in NY, not MA" in error_beside(html, "zip")
    assert problem_count(db) == 0


@pytest.mark.parametrize("zip_code", ["2108", "0210a", "00000"])
def test_malformed_or_unknown_zip_is_refused(client, db, matching, zip_code):
    html = client.post("/agencies/submit", data=valid_form(zip=zip_code)).get_data(as_text=True)
    assert error_beside(html, "zip")
    assert problem_count(db) == 0


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"phone": "call me maybe"}, "phone", "phone number like"),
    ({"agency_type": "mafia"}, "agency_type", "choose one of the types"),
    ({"state": "ZZ"}, "state", "choose one of the states"),
    ({"topics": ["burglary", "witchcraft"]}, "topics", "only from the options"),
    ({"funding": "bitcoin"}, "funding", "choose one of the options"),
    ({"funding": "grant"}, "funding_deadline", "grant's deadline"),
    ({"funding": "grant", "funding_deadline": "31/03/2027"}, "funding_deadline", "a date like 2027-03-31"),
    ({"funding": "grant", "funding_deadline": "2001-01-01"}, "funding_deadline", "has passed"),
    ({"data_available": ["other"]}, "data_other", "say what other data"),
    ({"prefer_nearby": "y", "max_distance_miles": "far"}, "max_distance_miles", "distances listed"),
])
def test_other_bad_input_is_explained_beside_the_field(client, db, matching, changes, field, message):
    html = client.post("/agencies/submit", data=valid_form(**changes)).get_data(as_text=True)
    assert message in error_beside(html, field)
    assert problem_count(db) == 0


def test_the_honeypot_shows_the_thank_you_page_but_stores_and_sends_nothing(client, db, matching):
    response = client.post("/agencies/submit", data=valid_form(website="http://spam.example"),
                           follow_redirects=True)
    assert "we received your problem statement" in response.get_data(as_text=True)
    assert problem_count(db) == 0 and outbox(db) == []
    assert matching.problem_ids == []


def test_coming_from_a_profile_prefills_the_preferred_researcher(client, db, matching):
    researcher = make_researcher(name="Rosa Delgado", institution="Northeastern Example University")
    db.session.add(researcher)
    db.session.commit()
    html = client.get(f"/agencies/submit?researcher={researcher.id}").get_data(as_text=True)
    assert "Rosa Delgado" in html and "Northeastern Example University" in html
    assert researcher.email not in html

    client.post("/agencies/submit", data=valid_form(preferred_researcher=str(researcher.id), keep_preferred="y"))
    assert db.session.scalar(select(Problem.preferred_researcher_id)) == researcher.id
    assert "Rosa Delgado" in outbox(db)[1].body  # the coordinators see who was asked for


def test_the_agency_can_remove_the_preferred_researcher(client, db, matching):
    researcher = make_researcher()
    db.session.add(researcher)
    db.session.commit()
    client.post("/agencies/submit", data=valid_form(preferred_researcher=str(researcher.id)))  # unticked
    assert db.session.scalar(select(Problem.preferred_researcher_id)) is None


@pytest.mark.parametrize("kind", ["unknown", "hidden", "unconfirmed", "garbage"])
def test_unknown_or_unlisted_researchers_are_ignored_silently(client, db, matching, kind):
    researcher = make_researcher(hidden=kind == "hidden",
                                 confirmed_at=None if kind == "unconfirmed" else make_researcher().confirmed_at)
    db.session.add(researcher)
    db.session.commit()
    value = {"unknown": str(researcher.id + 1000), "garbage": "1; DROP TABLE"}.get(kind, str(researcher.id))
    response = client.get(f"/agencies/submit?researcher={value}")
    assert response.status_code == 200
    assert researcher.name not in response.get_data(as_text=True)
    response = client.post("/agencies/submit", data=valid_form(preferred_researcher=value, keep_preferred="y"))
    assert response.status_code == 303
    assert db.session.scalar(select(Problem.preferred_researcher_id)) is None


def test_the_coordinator_notice_links_to_the_problem_in_the_workspace(client, db, matching):
    client.post("/agencies/submit", data=valid_form())
    problem_id = db.session.scalar(select(Problem.id))
    notice = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "coordinator_new_problem"))
    assert f"http://localhost/coordinators/problems/{problem_id}" in notice.body


def test_pasted_text_is_never_cut_by_the_browser_and_comes_back_whole(client, db, matching):
    html = client.get("/agencies/submit").get_data(as_text=True)
    assert "maxlength" not in html  # a browser would cut pasted text at the limit without a word
    pasted = "Riverton Police Department, Office of the Chief, Crime Analysis and Research Unit " * 3
    html = client.post("/agencies/submit", data=valid_form(agency_name=pasted)).get_data(as_text=True)
    assert "200 characters or fewer" in error_beside(html, "agency_name")
    assert f'value="{pasted.strip()}"' in html  # all of it, so the agency can shorten it themselves


def test_topic_boxes_do_not_each_announce_required(client):
    html = client.get("/agencies/submit").get_data(as_text=True)
    boxes = re.findall(r'<input[^>]*name="topics"[^>]*>', html)
    assert boxes and not any("required" in box for box in boxes)


def test_data_sources_include_gunshot_detection_nibin_and_nibrs_in_plain_words(client, db, matching):
    html = client.get("/agencies/submit").get_data(as_text=True)
    for label in ("Acoustic gunshot detection", "NIBIN leads", "NIBRS submissions", "did not get it"):
        assert label in html
    client.post("/agencies/submit", data=valid_form(data_available=["nibin", "gunshot-detection"]))
    assert set(db.session.scalar(select(Problem.data_available))) == {"gunshot-detection", "nibin"}


def test_the_asked_for_researcher_is_named_at_the_top_of_the_form(client, db):
    researcher = make_researcher(name="Rosa Delgado", institution="Northeastern Example University")
    db.session.add(researcher)
    db.session.commit()
    html = client.get(f"/agencies/submit?researcher={researcher.id}").get_data(as_text=True)
    top = html.split('<form method="post"')[0]
    assert "You are asking for <strong" in top and "Rosa Delgado" in top


@pytest.mark.parametrize("zip_code", ["６２７０１", "０２１０８", "٠٢١٠٨"])
def test_a_zip_in_other_digits_is_explained_not_a_crash(client, db, matching, zip_code):
    response = client.post("/agencies/submit", data=valid_form(zip=zip_code))
    assert response.status_code == 200 and "zip-error" in response.get_data(as_text=True)
    assert problem_count(db) == 0
