"""Introductions, questions, notes and status changes: one transaction each, e-mails after commit."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from matcher.extensions import db
from matcher.models import AuditEvent, OutboxMessage, Partnership, ProblemUpdate, Suggestion
from matcher.services import coordination, introductions
from tests.factories import make_problem


def suggestions_by_researcher(client, problem):
    client.get(f"/coordinators/problems/{problem.id}")
    rows = db.session.scalars(select(Suggestion).where(Suggestion.problem_id == problem.id))
    return {s.researcher_id: s for s in rows}


def test_introducing_a_researcher_sends_both_emails_with_each_others_details(coord_client, small_world, smtp_inbox):
    problem, ada = small_world["problem"], small_world["ada"]
    suggestion = suggestions_by_researcher(coord_client, problem)[ada.id]

    response = coord_client.post(f"/coordinators/problems/{problem.id}/introduce", data={
        "introduce-suggestion_ids": [suggestion.id], "introduce-message": "Please meet next week."},
        follow_redirects=True)

    assert "Introduced Ada Nearrepeat" in response.data.decode()
    to_agency = smtp_inbox.last_to("pat@example.gov").get_content()
    assert "Ada Nearrepeat" in to_agency and "ada@example.edu" in to_agency and "Example University" in to_agency
    assert f"/agencies/status/{problem.status_token}" in to_agency
    to_researcher = smtp_inbox.last_to("ada@example.edu").get_content()
    for detail in ("Pat Chief", "Captain", "pat@example.gov", "555-0100", "Break-ins on the east side",
                   "same blocks", "Please meet next week."):
        assert detail in to_researcher
    db.session.expire_all()
    partnership = db.session.scalar(select(Partnership).where(Partnership.problem_id == problem.id))
    assert partnership.researcher_id == ada.id and partnership.stage == "introduced"
    assert [e.stage for e in partnership.events] == ["introduced"]
    assert suggestion.decision == "introduced" and problem.status == "introduced"
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "problem.introduced")) is not None
    states = {m.status for m in db.session.scalars(select(OutboxMessage))}
    assert states == {"sent"}


def test_introducing_without_a_choice_keeps_the_note_and_explains(coord_client, small_world):
    problem = small_world["problem"]
    response = coord_client.post(f"/coordinators/problems/{problem.id}/introduce",
                                 data={"introduce-message": "Kept note"})
    page = response.data.decode()
    assert response.status_code == 400
    assert "Tick at least one researcher to introduce." in page and "Kept note" in page


def test_nothing_is_saved_when_one_of_two_introductions_is_not_allowed(coord_client, small_world, coordinator):
    problem, ada, bo = small_world["problem"], small_world["ada"], small_world["bo"]
    rows = suggestions_by_researcher(coord_client, problem)
    elsewhere = make_problem(title="Elsewhere")
    db.session.add(elsewhere)
    db.session.flush()
    db.session.add(Partnership(problem_id=elsewhere.id, researcher_id=ada.id))  # Ada's only slot is taken
    db.session.commit()

    response = coord_client.post(f"/coordinators/problems/{problem.id}/introduce",
                                 data={"introduce-suggestion_ids": [rows[bo.id].id, rows[ada.id].id]})

    assert response.status_code == 409
    assert "Ada Nearrepeat has no free capacity" in response.data.decode()
    db.session.expire_all()
    assert db.session.scalar(select(Partnership).where(Partnership.problem_id == problem.id)) is None
    assert db.session.scalars(select(OutboxMessage)).all() == []
    assert rows[bo.id].decision == "pending" and problem.status == "new"


def test_a_researcher_cannot_be_introduced_twice(app, coord_client, small_world, coordinator):
    problem, bo = small_world["problem"], small_world["bo"]
    suggestion = suggestions_by_researcher(coord_client, problem)[bo.id]
    with app.test_request_context():
        introductions.introduce(problem, [suggestion.id], coordinator)
        suggestion.decision = "shortlisted"
        db.session.commit()
        with pytest.raises(coordination.CoordinationError, match="already introduced"):
            introductions.introduce(problem, [suggestion.id], coordinator)
    assert len(db.session.scalars(select(Partnership)).all()) == 1


def test_a_question_appears_on_the_agency_status_page_and_is_emailed(coord_client, client, small_world, smtp_inbox):
    problem = small_world["problem"]
    response = coord_client.post(f"/coordinators/problems/{problem.id}/question",
                                 data={"question-body": "Can you share 2023 RMS extracts?"}, follow_redirects=True)
    assert "status page" in response.data.decode()
    mail = smtp_inbox.last_to("pat@example.gov").get_content()
    assert "Can you share 2023 RMS extracts?" in mail and f"/agencies/status/{problem.status_token}" in mail
    status_page = client.get(f"/agencies/status/{problem.status_token}").data.decode()
    assert "Can you share 2023 RMS extracts?" in status_page


def test_a_note_stays_internal(coord_client, client, small_world):
    problem = small_world["problem"]
    coord_client.post(f"/coordinators/problems/{problem.id}/note", data={"note-body": "Chief prefers phone calls"})
    assert "Chief prefers phone calls" in coord_client.get(f"/coordinators/problems/{problem.id}").data.decode()
    assert "Chief prefers phone calls" not in client.get(f"/agencies/status/{problem.status_token}").data.decode()
    update = db.session.scalar(select(ProblemUpdate).where(ProblemUpdate.problem_id == problem.id))
    assert update.visible_to_agency is False and update.kind == "note"


def test_a_too_long_question_is_refused_beside_the_field(coord_client, small_world):
    problem = small_world["problem"]
    response = coord_client.post(f"/coordinators/problems/{problem.id}/question", data={"question-body": "x" * 5001})
    assert response.status_code == 400
    assert "Please keep the question under 5,000 characters." in response.data.decode()
    assert db.session.scalars(select(ProblemUpdate)).all() == []


def test_status_changes_are_recorded(coord_client, small_world):
    problem = small_world["problem"]
    coord_client.post(f"/coordinators/problems/{problem.id}/status",
                      data={"status-status": "closed", "status-note": "Agency found a partner"})
    db.session.expire_all()
    assert problem.status == "closed"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "problem.status_changed"))
    assert event.details == {"previous": "new", "status": "closed", "version": 2}
    refused = coord_client.post(f"/coordinators/problems/{problem.id}/question", data={"question-body": "Still?"})
    assert refused.status_code == 409 and "This problem is closed" in refused.data.decode()
