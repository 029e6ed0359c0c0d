"""Distance and funding: a soft score unless the agency needs someone in person, and a coordinator can
correct the agency's answers on the problem page (audited, suggestions recomputed)."""

from __future__ import annotations

import html as html_module
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from matcher.extensions import db
from matcher.models import AuditEvent, Problem, ProblemUpdate, Suggestion
from matcher.ranking.exclusions import Exclusion
from matcher.services import matching
from tests.factories import make_problem, make_researcher

LOS_ANGELES = {"city": "Los Angeles", "state": "CA", "zip": "90012", "latitude": 34.05, "longitude": -118.24}
PROVIDENCE = {"city": "Providence", "state": "RI", "zip": "02903", "latitude": 41.82, "longitude": -71.41}


@pytest.fixture
def distances(db):
    """A Boston burglary problem that needs someone in person within 25 miles, and three burglary
    researchers: one in Cambridge, one in Providence (~40 miles) and one in Los Angeles; none works remotely."""
    statement = "Residential burglary, near-repeat break-ins and repeat victimization."
    near = make_researcher(name="Nora Near", statement=statement, remote=False)
    midway = make_researcher(name="Milo Midway", statement=statement, remote=False, **PROVIDENCE)
    far = make_researcher(name="Fay Faraway", statement=statement, remote=False, terms=["fee"], **LOS_ANGELES)
    problem = make_problem(title="Break-ins on the east side", max_distance_miles=25, in_person_only=True,
                           description="Residential burglary and near-repeat break-ins on the same blocks.")
    db.session.add_all([near, midway, far, problem])
    db.session.commit()
    return {"problem": problem, "near": near, "midway": midway, "far": far}


def suggested(problem) -> dict[int, Suggestion]:
    db.session.expire_all()
    rows = db.session.scalars(select(Suggestion).where(Suggestion.problem_id == problem.id))
    return {s.researcher_id: s for s in rows}


def excluded(problem) -> dict[int, str]:
    db.session.expire_all()
    return {rid: code for rid, code in db.session.get(Problem, problem.id).exclusions}


def error_beside(page: str, field_id: str) -> str:
    found = re.search(rf'<p class="error" id="{field_id}-error">([^<]*)</p>', page)
    return html_module.unescape(found.group(1)) if found else ""


def answers(**changes) -> dict:
    """The coordinator's answers form as a browser sends it: nearby preferred within 25 miles, no budget."""
    data = {"answers-funding": "none", "answers-funding_deadline": "", "answers-prefer_nearby": "y",
            "answers-max_distance_miles": "25"}
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


# --- matching -------------------------------------------------------------------------------------


def test_beyond_the_preferred_distance_is_suggested_with_a_lower_distance_score(distances):
    problem, near, midway = distances["problem"], distances["near"], distances["midway"]
    problem.in_person_only = False  # the agency only prefers someone nearby
    db.session.commit()
    matching.refresh_suggestions(problem)

    rows = suggested(problem)
    assert {near.id, midway.id, distances["far"].id} <= set(rows)
    assert excluded(problem) == {}
    assert rows[near.id].distance_score > rows[midway.id].distance_score


def test_too_far_only_when_in_person_is_needed_and_shown_with_its_reason(coord_client, distances):
    problem, far = distances["problem"], distances["far"]
    page = coord_client.get(f"/coordinators/problems/{problem.id}").get_data(as_text=True)

    assert excluded(problem) == {far.id: "too-far", distances["midway"].id: "too-far"}
    assert distances["near"].id in suggested(problem)
    table = page[page.index("Excluded researchers"):]
    row = table[table.index("Fay Faraway"):].split("</tr>")[0]
    assert "Distance" in row and "Beyond the distance the agency needs for in-person work" in row
    assert Exclusion.TOO_FAR.group == "Distance"
    assert "Someone who can meet in person, within 25 miles" in page


def test_working_remotely_is_never_too_far(distances):
    distances["far"].remote = True
    db.session.commit()
    matching.refresh_suggestions(distances["problem"])
    assert distances["far"].id in suggested(distances["problem"])


# --- the coordinator changes the answers ----------------------------------------------------------


def test_a_coordinator_changes_the_answers_audited_and_suggestions_recomputed(coord_client, coordinator, distances):
    problem, far = distances["problem"], distances["far"]
    coord_client.get(f"/coordinators/problems/{problem.id}")
    assert far.id in excluded(problem) and far.id not in suggested(problem)

    response = coord_client.post(f"/coordinators/problems/{problem.id}/answers",
                                 data=answers(**{"answers-funding": "fee"}), follow_redirects=True)
    page = response.get_data(as_text=True)

    assert "The answers were saved and the suggestions recomputed" in page
    db.session.expire_all()
    assert (problem.in_person_only, problem.max_distance_miles, problem.funding) == (False, 25, "fee")
    rows = suggested(problem)
    assert far.id in rows and far.id not in excluded(problem)
    assert rows[far.id].terms_score == 1.0  # a fee researcher fits an agency that can now pay
    assert "Fay Faraway" in page[page.index("Suggested researchers"):page.index("Excluded researchers")]
    assert "A researcher near us preferred, within 25 miles" in page

    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "problem.answers_changed"))
    assert event.actor == f"coordinator:{coordinator.id}" and event.record_id == problem.id
    assert event.details["changes"] == {"funding": ["none", "fee"], "in_person_only": [True, False]}
    note = db.session.scalar(select(ProblemUpdate).where(ProblemUpdate.problem_id == problem.id))
    assert note.kind == "note" and not note.visible_to_agency
    assert "Funding: No budget → Can pay a fee" in note.body and "Needs someone in person: yes → no" in note.body


def test_requiring_in_person_excludes_again_and_a_grant_keeps_its_deadline(coord_client, distances):
    problem, far = distances["problem"], distances["far"]
    problem.in_person_only, problem.max_distance_miles = False, None
    db.session.commit()
    deadline = (date.today() + timedelta(days=60)).isoformat()
    coord_client.post(f"/coordinators/problems/{problem.id}/answers", data=answers(**{
        "answers-prefer_nearby": None, "answers-in_person_only": "y", "answers-max_distance_miles": "50",
        "answers-funding": "grant", "answers-funding_deadline": deadline}))
    db.session.expire_all()
    assert (problem.in_person_only, problem.max_distance_miles) == (True, 50)  # in person implies a distance
    assert (problem.funding, problem.funding_deadline.isoformat()) == ("grant", deadline)
    assert excluded(problem) == {far.id: "too-far"}  # Providence, ~40 miles, is now within reach


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"answers-funding": "grant"}, "answers-funding_deadline", "grant's deadline"),
    ({"answers-funding": "grant", "answers-funding_deadline": "31/03/2027"}, "answers-funding_deadline",
     "a date like 2027-03-31"),
    ({"answers-funding": "grant", "answers-funding_deadline": "2001-01-01"}, "answers-funding_deadline", "has passed"),
    ({"answers-funding": "bitcoin"}, "answers-funding", "choose one of the options"),
    ({"answers-max_distance_miles": "far"}, "answers-max_distance_miles", "distances listed"),
    ({"answers-max_distance_miles": "75"}, "answers-max_distance_miles", "distances listed"),
])
def test_invalid_edits_are_explained_beside_the_field_and_nothing_typed_is_lost(coord_client, distances, changes,
                                                                                field, message):
    problem = distances["problem"]
    response = coord_client.post(f"/coordinators/problems/{problem.id}/answers",
                                 data=answers(**{"answers-in_person_only": "y"}, **changes))
    page = response.get_data(as_text=True)

    assert response.status_code == 400
    assert message in error_beside(page, field)
    assert re.search(r'<details class="card answers-edit" id="answers" open>', page)
    assert re.search(r'<input checked[^>]*id="answers-in_person_only"', page)
    if "answers-funding_deadline" in changes:
        assert f'value="{changes["answers-funding_deadline"]}"' in page
    db.session.expire_all()
    assert (problem.funding, problem.in_person_only, problem.max_distance_miles) == ("none", True, 25)
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "problem.answers_changed")) is None


def test_an_unusual_stored_distance_is_offered_and_a_passed_deadline_can_stay(coord_client, distances):
    problem = distances["problem"]
    passed = date.today() - timedelta(days=10)
    problem.max_distance_miles, problem.funding, problem.funding_deadline = 150, "grant", passed
    db.session.commit()
    page = coord_client.get(f"/coordinators/problems/{problem.id}").get_data(as_text=True)
    assert re.search(r'<option selected value="150">150 miles</option>', page)

    response = coord_client.post(f"/coordinators/problems/{problem.id}/answers", data=answers(**{
        "answers-max_distance_miles": "150", "answers-funding": "grant",
        "answers-funding_deadline": passed.isoformat()}))
    assert response.status_code == 303
    db.session.expire_all()
    assert (problem.in_person_only, problem.max_distance_miles, problem.funding_deadline) == (False, 150, passed)


def test_unchanged_answers_record_nothing(coord_client, distances):
    problem = distances["problem"]
    response = coord_client.post(f"/coordinators/problems/{problem.id}/answers",
                                 data=answers(**{"answers-in_person_only": "y"}), follow_redirects=True)
    assert "Nothing to save" in response.get_data(as_text=True)
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "problem.answers_changed")) is None


def test_a_withdrawn_problem_keeps_its_answers(coord_client, distances):
    problem = distances["problem"]
    problem.status = "withdrawn"
    db.session.commit()
    response = coord_client.post(f"/coordinators/problems/{problem.id}/answers", data=answers())
    assert response.status_code == 409
    assert "Reopen it before acting on it" in response.get_data(as_text=True)
    db.session.expire_all()
    assert problem.in_person_only is True


def test_the_answers_are_saved_even_when_ranking_fails(coord_client, distances, monkeypatch):
    problem = distances["problem"]
    coord_client.get(f"/coordinators/problems/{problem.id}")

    def broken(problem, k=None):
        raise RuntimeError("index unavailable")

    monkeypatch.setattr(matching, "rank_problem", broken)
    response = coord_client.post(f"/coordinators/problems/{problem.id}/answers", data=answers(),
                                 follow_redirects=True)
    assert "the suggestions are being recomputed" in response.get_data(as_text=True)  # the catch-up retries
    db.session.expire_all()
    assert problem.in_person_only is False
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "problem.answers_changed")) is not None


def test_the_answers_form_needs_a_coordinator(client, distances):
    problem = distances["problem"]
    response = client.post(f"/coordinators/problems/{problem.id}/answers", data=answers())
    assert response.status_code in (302, 401, 403)
    db.session.expire_all()
    assert problem.in_person_only is True


def seen_on(page: str) -> str:
    """The answers version the page's form carries."""
    return html_module.unescape(re.search(r'id="answers-seen" name="answers-seen" type="hidden" value="([^"]*)"',
                                          page).group(1))


def test_a_save_over_answers_changed_meanwhile_is_refused_saying_what_changed(coord_client, distances):
    problem = distances["problem"]
    seen = seen_on(coord_client.get(f"/coordinators/problems/{problem.id}").get_data(as_text=True))
    problem.funding = "fee"  # another coordinator, after talking to the agency
    db.session.commit()

    mine = answers(**{"answers-seen": seen, "answers-max_distance_miles": "50"})
    response = coord_client.post(f"/coordinators/problems/{problem.id}/answers", data=mine)
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Someone changed these answers while you were editing them (Funding: No budget → Can pay a fee)" in \
        html_module.unescape(page)
    assert re.search(r'<option selected value="50">', page)  # what I chose is kept
    db.session.expire_all()
    assert (problem.funding, problem.in_person_only, problem.max_distance_miles) == ("fee", True, 25)

    again = coord_client.post(f"/coordinators/problems/{problem.id}/answers",
                              data={**mine, "answers-seen": seen_on(page)})
    assert again.status_code == 303
    db.session.expire_all()
    assert (problem.funding, problem.in_person_only, problem.max_distance_miles) == ("none", False, 50)
