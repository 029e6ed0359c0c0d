"""The private status page: what happened so far, adding information, withdrawing, and 404s."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from matcher.models import AuditEvent, OutboxMessage, Partnership, Problem, ProblemUpdate
from matcher.models.types import utcnow
from tests.factories import make_problem, make_researcher


@pytest.fixture
def problem(db):
    problem = make_problem(title="Break-ins on the east side",
                           description="Residential break-ins have doubled since spring on the east side.")
    db.session.add(problem)
    db.session.commit()
    return problem


def url(problem, suffix=""):
    return f"/agencies/status/{problem.status_token}{suffix}"


def one_character_changed(token: str) -> str:
    return token[:-1] + ("A" if token[-1] != "A" else "B")


def updates(db, problem) -> list[ProblemUpdate]:
    db.session.expire_all()
    return list(db.session.scalars(
        select(ProblemUpdate).where(ProblemUpdate.problem_id == problem.id).order_by(ProblemUpdate.id)))


def test_the_status_page_shows_the_statement_and_its_progress(client, problem):
    response = client.get(url(problem))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Break-ins on the east side" in html
    assert "Residential break-ins have doubled" in html
    assert 'aria-current="step"' in html and "Received" in html
    assert "No researcher has been introduced yet" in html
    assert 'name="robots" content="noindex' in html
    assert response.headers["Cache-Control"] == "no-store"


def test_introduced_researchers_show_name_institution_and_stage_but_no_email(client, db, problem):
    researcher = make_researcher(name="Rosa Delgado", institution="Example State University",
                                 email="rosa.private@example.edu")
    db.session.add(researcher)
    db.session.flush()
    db.session.add(Partnership(problem_id=problem.id, researcher_id=researcher.id, stage="first-meeting"))
    problem.status = "introduced"
    db.session.commit()
    html = client.get(url(problem)).get_data(as_text=True)
    assert "Rosa Delgado" in html and "Example State University" in html and "First meeting" in html
    assert "rosa.private@example.edu" not in html
    assert "No researcher has been introduced yet" not in html
    assert f'href="/directory/researchers/{researcher.id}">Rosa Delgado</a>' in html  # her public profile

    researcher.hidden = True  # a hidden profile has no public page to link to
    db.session.commit()
    html = client.get(url(problem)).get_data(as_text=True)
    assert "Rosa Delgado" in html and f"/directory/researchers/{researcher.id}" not in html


def test_a_changed_or_unknown_token_is_a_plain_404_that_reveals_nothing(client, db, problem):
    withdrawn = make_problem(status="withdrawn")
    db.session.add(withdrawn)
    db.session.commit()
    bodies = []
    for token in (one_character_changed(problem.status_token), one_character_changed(withdrawn.status_token),
                  "x" * 43, "short", "a" * 500, "not a token!"):
        response = client.get(f"/agencies/status/{token}")
        assert response.status_code == 404
        body = response.get_data(as_text=True)
        assert "Page not found" in body
        assert problem.title not in body and "withdrawn" not in body.lower() and "token" not in body.lower()
        bodies.append(body)
    assert len(set(bodies)) == 1
    for suffix in ("/information", "/withdraw"):
        bad = f"/agencies/status/{one_character_changed(problem.status_token)}{suffix}"
        assert client.post(bad, data={"info-body": "Hello there, more details.",
                                      "withdraw-confirm": "y"}).status_code == 404
    assert updates(db, problem) == []


def test_added_information_is_appended_with_a_time_stamp_and_the_original_kept(client, db, problem, matching):
    response = client.post(url(problem, "/information"),
                           data={"info-body": "Most break-ins happen between 2 and 5 pm on weekdays."})
    assert response.status_code == 303
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Your information was added" in html
    assert "Most break-ins happen between 2 and 5 pm on weekdays." in html
    assert "Residential break-ins have doubled since spring" in html
    assert "<time datetime=" in html and "UTC" in html

    [update] = updates(db, problem)
    assert (update.author, update.kind, update.visible_to_agency) == ("agency", "info", True)
    assert update.created_at > utcnow() - timedelta(minutes=1)
    db.session.refresh(problem)
    assert problem.description == "Residential break-ins have doubled since spring on the east side."
    notice = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "agency_added_information"))
    assert "Most break-ins happen between 2 and 5 pm" in notice.body
    assert matching.problem_ids == [problem.id]  # the statement changed: suggestions are refreshed


def test_a_coordinator_question_is_shown_and_the_reply_recorded_as_an_answer(client, db, problem, matching):
    db.session.add(ProblemUpdate(problem_id=problem.id, author="coordinator", kind="question",
                                 body="Do you have addresses for the break-ins?"))
    db.session.add(ProblemUpdate(problem_id=problem.id, author="coordinator", kind="note",
                                 body="Internal: call the chief.", visible_to_agency=False))
    db.session.commit()
    html = client.get(url(problem)).get_data(as_text=True)
    assert "A coordinator asked you a question" in html
    assert "Do you have addresses for the break-ins?" in html
    assert "Internal: call the chief." not in html
    assert '<span class="badge badge-status">Waiting for your answer</span>' in html
    assert "Under review by a coordinator: waiting for your answer" in html

    client.post(url(problem, "/information"), data={"info-body": "Yes, geocoded addresses from our RMS."})
    assert updates(db, problem)[-1].kind == "answer"
    html = client.get(url(problem)).get_data(as_text=True)
    assert "A coordinator asked you a question" not in html
    assert "Yes, geocoded addresses from our RMS." in html
    assert "Waiting for your answer" not in html and "waiting for your answer" not in html


@pytest.mark.parametrize(("body", "message"), [
    ("", "Please write what you would like to add."),
    ("Too short", "at least 10 characters"),
    ("x" * 5001, "5,000 characters or fewer"),
])
def test_bad_information_is_refused_and_kept(client, db, problem, matching, body, message):
    response = client.post(url(problem, "/information"), data={"info-body": body})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in html
    if body:
        assert body in html
    assert updates(db, problem) == [] and matching.problem_ids == []


def test_a_failure_in_matching_keeps_the_added_information(client, db, problem, matching, caplog):
    matching.error = RuntimeError("index unavailable")
    response = client.post(url(problem, "/information"), data={"info-body": "The garage has new cameras."})
    assert response.status_code == 303
    assert [u.body for u in updates(db, problem)] == ["The garage has new cameras."]
    assert "index unavailable" in caplog.text


def test_withdrawal_with_a_reason(client, db, problem, matching):
    response = client.post(url(problem, "/withdraw"),
                           data={"withdraw-reason": "Our grant was not renewed.", "withdraw-confirm": "y"})
    assert response.status_code == 303
    html = client.get(url(problem)).get_data(as_text=True)
    assert "You withdrew this statement" in html and "Our grant was not renewed." in html
    assert 'action="' + url(problem, "/information") not in html  # no more forms
    assert 'action="' + url(problem, "/withdraw") not in html

    db.session.refresh(problem)
    assert problem.status == "withdrawn" and problem.withdrawn_reason == "Our grant was not renewed."
    assert updates(db, problem)[-1].kind == "withdrawal"
    assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.record_id == problem.id)) == \
        "problem.withdrawn"
    notice = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "agency_withdrew"))
    assert notice.to == "coordinators@example.org" and "Our grant was not renewed." in notice.body


def test_withdrawal_needs_the_confirmation_box(client, db, problem):
    html = client.post(url(problem, "/withdraw"), data={"withdraw-reason": "Changed our mind."}).get_data(
        as_text=True)
    assert "Please tick the box to confirm the withdrawal." in html
    assert "Changed our mind." in html
    db.session.refresh(problem)
    assert problem.status == "new"


def test_a_withdrawn_statement_takes_no_more_changes(client, db, problem, matching):
    client.post(url(problem, "/withdraw"), data={"withdraw-confirm": "y"})
    response = client.post(url(problem, "/information"), data={"info-body": "One more thing to add."},
                           follow_redirects=True)
    assert "no longer open" in response.get_data(as_text=True)
    again = client.post(url(problem, "/withdraw"), data={"withdraw-confirm": "y", "withdraw-reason": "twice"})
    assert again.status_code == 303
    assert [u.kind for u in updates(db, problem)] == ["withdrawal"]
    db.session.refresh(problem)
    assert problem.withdrawn_reason == ""


def test_the_status_link_from_the_email_opens_the_page(client, db, matching):
    from tests.agencies.conftest import valid_form

    client.post("/agencies/submit", data=valid_form())
    body = db.session.scalar(select(OutboxMessage.body).where(OutboxMessage.kind == "agency_problem_received"))
    link = next(line.strip() for line in body.splitlines() if "/agencies/status/" in line)
    token = db.session.scalar(select(Problem.status_token))
    assert link == f"http://localhost/agencies/status/{token}"
    assert "Car break-ins around the downtown garages" in client.get(link).get_data(as_text=True)
