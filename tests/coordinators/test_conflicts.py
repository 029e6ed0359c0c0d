"""Edits that collide: a stale save is refused with what changed and what was typed kept; the status rules."""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import select

from matcher.extensions import db
from matcher.models import AuditEvent, Partnership, PartnershipNote, Suggestion
from matcher.services import accounts, decisions, matching, partnerships, problem_updates
from matcher.services.coordination import CoordinationError, StaleEdit
from tests.coordinators.conftest import PASSWORD


@pytest.fixture
def dana(db):
    """A second coordinator, working at the same time."""
    return accounts.create_coordinator("dana@example.org", PASSWORD, name="Dana Deputy")


def page_of(response) -> str:
    return html.unescape(response.data.decode())


def words_of(page: str) -> str:
    """The page's text without markup, spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", page).split())


def shown_version(page: str, name: str) -> str:
    """The version a form on the page carries."""
    match = re.search(rf'name="{name}"[^>]*value="(\d+)"', page) or re.search(
        rf'value="(\d+)"[^>]*name="{name}"', page)
    assert match, f"no {name} on the page"
    return match.group(1)


def suggestion_of(problem, researcher) -> Suggestion:
    return db.session.scalar(select(Suggestion).where(Suggestion.problem_id == problem.id,
                                                      Suggestion.researcher_id == researcher.id))


@pytest.fixture
def introduced(coord_client, small_world):
    """Ada introduced to the burglary problem through the page."""
    problem, ada = small_world["problem"], small_world["ada"]
    coord_client.get(f"/coordinators/problems/{problem.id}")
    coord_client.post(f"/coordinators/problems/{problem.id}/introduce",
                      data={"introduce-suggestion_ids": [suggestion_of(problem, ada).id]})
    return db.session.scalar(select(Partnership).where(Partnership.researcher_id == ada.id))


# --- a stale save is refused, saying what changed, keeping what was typed ---------------------------------------


def test_a_stale_status_change_is_refused_with_what_changed_and_the_note_kept(coord_client, small_world, dana):
    problem = small_world["problem"]
    opened = page_of(coord_client.get(f"/coordinators/problems/{problem.id}"))
    version = shown_version(opened, "status-version")
    problem_updates.change_status(problem, "closed", dana, "Agency found someone")  # meanwhile

    response = coord_client.post(f"/coordinators/problems/{problem.id}/status", data={
        "status-status": "withdrawn", "status-note": "They called to withdraw", "status-version": version})
    assert response.status_code == 409
    page = page_of(response)
    assert "Someone changed this problem's status while you had this page open" in page
    assert "Dana Deputy changed the status from “New” to “Closed”" in words_of(page)
    assert 'value="They called to withdraw"' in page
    db.session.expire_all()
    assert problem.status == "closed"
    # the refused form now carries the current version: saving again is a deliberate choice
    assert shown_version(page, "status-version") == str(problem.version)


def test_a_stale_stage_is_refused_and_the_note_typed_is_kept(coord_client, introduced, dana):
    opened = page_of(coord_client.get(f"/coordinators/partnerships/{introduced.id}"))
    version = shown_version(opened, "stage-version")
    partnerships.record_stage(introduced, "first-meeting", dana, note="Met on Monday")

    response = coord_client.post(f"/coordinators/partnerships/{introduced.id}/stage", data={
        "stage-stage": "agreement", "stage-note": "MOU signed by the chief", "stage-version": version})
    assert response.status_code == 409
    page = page_of(response)
    assert "Someone changed this partnership's stage" in page
    assert "Dana Deputy moved the stage from “Introduced” to “First meeting”" in words_of(page)
    assert 'value="MOU signed by the chief"' in page
    db.session.expire_all()
    assert introduced.stage == "first-meeting" and len(introduced.events) == 2


def test_a_stale_rejection_is_refused_and_the_reason_is_kept(coord_client, small_world, dana):
    problem, bo = small_world["problem"], small_world["bo"]
    coord_client.get(f"/coordinators/problems/{problem.id}")
    suggestion = suggestion_of(problem, bo)
    seen = suggestion.version
    decisions.shortlist(problem, suggestion.id, dana)

    response = coord_client.post(f"/coordinators/problems/{problem.id}/reject", data={
        "reject-suggestion_id": suggestion.id, "reject-reason": "Too far from the city", "reject-version": seen})
    assert response.status_code == 409
    page = page_of(response)
    assert "Someone changed the decision on Bo Breakins" in page
    assert "Dana Deputy shortlisted the researcher" in words_of(page)
    assert 'value="Too far from the city"' in page
    db.session.expire_all()
    assert suggestion.decision == "shortlisted"


def test_a_decision_from_the_current_page_is_saved(coord_client, small_world):
    problem, bo = small_world["problem"], small_world["bo"]
    page = page_of(coord_client.get(f"/coordinators/problems/{problem.id}"))
    suggestion = suggestion_of(problem, bo)
    assert f'name="version" value="{suggestion.version}"' in page
    response = coord_client.post(f"/coordinators/problems/{problem.id}/shortlist",
                                 data={"suggestion_id": suggestion.id, "version": suggestion.version})
    assert response.status_code == 303
    db.session.expire_all()
    assert suggestion.decision == "shortlisted" and suggestion.version == 2
    assert problem.status == "under-review"


def test_the_service_refuses_a_stale_version(small_world, coordinator, dana):
    problem = small_world["problem"]
    problem_updates.change_status(problem, "under-review", dana)
    with pytest.raises(StaleEdit) as refused:
        problem_updates.change_status(problem, "closed", coordinator, seen=1)
    assert [(c.who, c.what) for c in refused.value.changes] == [
        ("Dana Deputy", "changed the status from “New” to “Under review”")]
    db.session.expire_all()
    assert problem.status == "under-review"


# --- notes are signed entries: two coordinators never overwrite each other ------------------------------------------


def test_notes_from_two_coordinators_are_both_kept_newest_first(client, app, introduced, dana):
    coord_page = client.post(f"/coordinators/partnerships/{introduced.id}/notes",
                             data={"note-body": "Chief wants a call first"}, follow_redirects=True)
    assert "Note added." in coord_page.data.decode()
    partnerships.add_note(introduced, "Researcher is away in June", dana)
    page = page_of(client.get(f"/coordinators/partnerships/{introduced.id}"))
    assert page.index("Researcher is away in June") < page.index("Chief wants a call first")
    assert page.index("Dana Deputy") < page.index("Casey Coordinator", page.index("h-notes"))
    assert len(db.session.scalars(select(PartnershipNote)).all()) == 2


def test_an_empty_note_is_refused_beside_the_field(coord_client, introduced):
    response = coord_client.post(f"/coordinators/partnerships/{introduced.id}/notes", data={"note-body": "  "})
    assert response.status_code == 400 and "Please write the note." in response.data.decode()


# --- status rules -------------------------------------------------------------------------------------------------


def test_moves_outside_the_tables_are_refused_with_a_clear_message(coord_client, small_world, introduced,
                                                                   coordinator):
    problem = small_world["problem"]
    with pytest.raises(CoordinationError, match="follows the partnerships"):
        problem_updates.change_status(problem, "partnered", coordinator)
    partnerships.record_stage(introduced, "under-way", coordinator)
    response = coord_client.post(f"/coordinators/partnerships/{introduced.id}/stage",
                                 data={"stage-stage": "introduced"})
    assert response.status_code == 409
    assert "A partnership cannot go from “Under way” to “Introduced”." in page_of(response)
    with pytest.raises(CoordinationError, match="has active partnerships, so it stays “Partnership under way”"):
        problem_updates.change_status(problem, "under-review", coordinator)
    problem_updates.change_status(problem, "closed", coordinator, partnerships_choice="keep")
    with pytest.raises(CoordinationError, match="cannot go from “Closed” to “Withdrawn”"):
        problem_updates.change_status(problem, "withdrawn", coordinator)


def test_asking_the_agency_a_question_puts_a_new_problem_under_review(coord_client, small_world):
    problem = small_world["problem"]
    coord_client.post(f"/coordinators/problems/{problem.id}/question", data={"question-body": "Which years?"})
    db.session.expire_all()
    assert problem.status == "under-review"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "problem.status_changed"))
    assert event.details["previous"] == "new" and event.details["status"] == "under-review"


def test_closing_the_last_partnership_offers_to_close_the_problem(coord_client, introduced, small_world):
    problem = small_world["problem"]
    coord_client.post(f"/coordinators/partnerships/{introduced.id}/stage", data={"stage-stage": "under-way"})
    db.session.expire_all()
    assert problem.status == "partnered"
    assert "Close the problem too?" not in page_of(coord_client.get(f"/coordinators/partnerships/{introduced.id}"))

    closed = coord_client.post(f"/coordinators/partnerships/{introduced.id}/stage", data={
        "stage-stage": "closed", "stage-outcome": "evaluation-completed"}, follow_redirects=True)
    page = page_of(closed)
    db.session.expire_all()
    assert problem.status == "under-review"  # no longer "Partnership under way"
    assert "Close the problem too?" in page
    version = shown_version(page, "close-version")

    done = coord_client.post(f"/coordinators/partnerships/{introduced.id}/close-problem",
                             data={"close-note": "Evaluation delivered", "close-version": version},
                             follow_redirects=True)
    assert "The problem is closed." in page_of(done)
    db.session.expire_all()
    assert problem.status == "closed"
    assert "Close the problem too?" not in page_of(done)


def test_closing_a_problem_with_active_partnerships_asks_what_becomes_of_them(coord_client, introduced,
                                                                              small_world):
    problem, ada = small_world["problem"], small_world["ada"]
    page = page_of(coord_client.get(f"/coordinators/problems/{problem.id}"))
    assert "Keep them running" in page and "Close them too" in page
    version = shown_version(page, "status-version")

    unanswered = coord_client.post(f"/coordinators/problems/{problem.id}/status", data={
        "status-status": "closed", "status-note": "Done", "status-version": version})
    assert unanswered.status_code == 409
    assert "This problem has active partnerships (Ada Nearrepeat)" in page_of(unanswered)
    no_outcome = coord_client.post(f"/coordinators/problems/{problem.id}/status", data={
        "status-status": "closed", "status-partnerships": "close", "status-version": version})
    assert "Please choose the outcome for the partnerships you are closing." in page_of(no_outcome)
    db.session.expire_all()
    assert problem.status == "introduced" and introduced.stage == "introduced"

    coord_client.post(f"/coordinators/problems/{problem.id}/status", data={
        "status-status": "closed", "status-partnerships": "close", "status-outcome": "ended-without-project",
        "status-version": version})
    db.session.expire_all()
    assert problem.status == "closed"
    assert introduced.stage == "closed" and introduced.outcome == "ended-without-project"
    assert matching.active_partnership_counts([ada.id]) == {}


def test_a_closed_problem_can_keep_its_partnerships_running_by_choice_and_reopens_in_step(
        coord_client, introduced, small_world, coordinator):
    problem, ada = small_world["problem"], small_world["ada"]
    coord_client.post(f"/coordinators/problems/{problem.id}/status", data={
        "status-status": "closed", "status-partnerships": "keep"})
    db.session.expire_all()
    assert problem.status == "closed" and introduced.stage == "introduced"
    assert matching.active_partnership_counts([ada.id]) == {ada.id: 1}
    problem_updates.change_status(problem, "under-review", coordinator)  # reopened
    db.session.expire_all()
    assert problem.status == "introduced"  # its running partnership puts it back in step


def test_closing_the_problem_from_a_stale_partnership_page_says_who_closed_it(coord_client, introduced, dana):
    partnerships.record_stage(introduced, "declined", dana)
    page = page_of(coord_client.get(f"/coordinators/partnerships/{introduced.id}"))
    version = shown_version(page, "close-version")
    problem_updates.change_status(introduced.problem, "closed", dana)
    response = coord_client.post(f"/coordinators/partnerships/{introduced.id}/close-problem",
                                 data={"close-version": version})
    assert response.status_code == 409
    assert "Dana Deputy changed the status from “Under review” to “Closed”" in words_of(page_of(response))


def test_the_status_form_offers_only_the_moves_the_rules_allow(coord_client, small_world, coordinator):
    problem = small_world["problem"]
    problem_updates.change_status(problem, "closed", coordinator)
    page = coord_client.get(f"/coordinators/problems/{problem.id}").get_data(as_text=True)
    select = page[page.index('id="status-status"'):]
    select = select[:select.index("</select>")]
    assert "Under review" in select and "Withdrawn" not in select and "Closed" not in select
