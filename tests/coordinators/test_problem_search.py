"""Beyond the top suggestions: any listed researcher found by search, scored as the suggestions are, added by
hand (kept by recomputes), and an excluded researcher introduced with a recorded reason."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from matcher.extensions import db
from matcher.models import AuditEvent, OutboxMessage, Partnership, Suggestion
from matcher.services import matching, suggestion_search
from matcher.services.coordination import CoordinationError


def page(client, problem, query: str = "") -> str:
    return client.get(f"/coordinators/problems/{problem.id}{query}").get_data(as_text=True)


def stored(problem) -> dict[int, Suggestion]:
    db.session.expire_all()
    return {s.researcher_id: s for s in db.session.scalars(select(Suggestion).filter_by(problem_id=problem.id))}


def test_a_searched_researcher_is_scored_and_explained_exactly_as_a_stored_suggestion(app, small_world):
    problem, bo = small_world["problem"], small_world["bo"]
    with app.test_request_context():
        matching.refresh_suggestions(problem)
        [found] = suggestion_search.find_researchers(problem, "Bo Breakins")
    row = stored(problem)[bo.id]
    assert found.researcher.id == bo.id and found.exclusions == []
    assert (found.rank, found.score, found.explanation) == (row.rank, row.score, row.explanation)
    assert found.parts["topics"] == row.topic_score and found.parts["text"] == row.text_score
    assert "burglary" in [term for term, _ in found.explanation["terms"]]


def test_a_researcher_beyond_the_top_k_is_found_added_and_kept_by_a_recompute(app, coord_client, small_world,
                                                                                config_override, coordinator):
    config_override(SUGGESTIONS_PER_PROBLEM=2)
    problem, ted = small_world["problem"], small_world["ted"]
    page(coord_client, problem)
    assert ted.id not in stored(problem)

    results = page(coord_client, problem, "?find=Ted+Traffic")
    found = results[results.index(f'id="found-{ted.id}"'):]
    assert "Ted Traffic" in found and "Would rank " in found and "Score parts" in found
    assert "Add Ted Traffic to the suggestions" in found

    response = coord_client.post(f"/coordinators/problems/{problem.id}/suggestions/add",
                                 data={"add-researcher_id": ted.id, "add-find": "Ted Traffic"})
    added = stored(problem)[ted.id]
    assert response.status_code == 303 and response.location.endswith(f"#suggestion-{added.id}")
    assert added.added_by_coordinator and added.added_by_id == coordinator.id and added.decision == "pending"
    assert added.rank > 2 and added.score > 0
    shown = page(coord_client, problem)
    card = shown[shown.index(f'id="suggestion-{added.id}"'):]
    assert "was added to the suggestions at rank" in card[:2000] and "Added by Casey Coordinator" in card[:3000]
    assert "was added to the suggestions" not in page(coord_client, problem)  # the message is shown once
    event = db.session.scalar(select(AuditEvent).filter_by(action="suggestion.added"))
    assert event.details["researcher_id"] == ted.id

    with app.test_request_context():
        matching.refresh_suggestions(problem)
    kept = stored(problem)
    assert kept[ted.id].id == added.id and kept[ted.id].added_by_coordinator and len(kept) == 3
    assert kept[ted.id].rank > 2

    shortlist = coord_client.post(f"/coordinators/problems/{problem.id}/shortlist",
                                  data={"suggestion_id": added.id})
    assert shortlist.status_code == 303 and stored(problem)[ted.id].decision == "shortlisted"


def test_adding_twice_or_an_excluded_researcher_is_refused_at_its_card(coord_client, small_world,
                                                                       config_override):
    config_override(SUGGESTIONS_PER_PROBLEM=2)
    problem, ada, ted = small_world["problem"], small_world["ada"], small_world["ted"]
    page(coord_client, problem)
    assert ted.id not in stored(problem)
    again = coord_client.post(f"/coordinators/problems/{problem.id}/suggestions/add",
                              data={"add-researcher_id": ada.id, "add-find": "Ada"})
    assert again.status_code == 409
    text = again.get_data(as_text=True)
    assert "Ada Nearrepeat is already among the suggestions" in text
    assert 'class="error-summary' in text and f'href="#found-{ada.id}"' in text

    ted.conflicts = [problem.agency_name]
    db.session.commit()
    refused = coord_client.post(f"/coordinators/problems/{problem.id}/suggestions/add",
                                data={"add-researcher_id": ted.id, "add-find": "Ted"})
    assert refused.status_code == 409 and "cannot be added to the suggestions" in refused.get_data(as_text=True)
    assert ted.id not in stored(problem)


def test_an_excluded_researcher_is_introduced_anyway_with_the_reason_recorded_and_shown(
        app, coord_client, small_world):
    problem, bo = small_world["problem"], small_world["bo"]
    problem.in_person_only, problem.max_distance_miles = True, 25
    bo.latitude, bo.longitude, bo.state, bo.remote = 34.05, -118.24, "CA", False
    db.session.commit()
    shown = page(coord_client, problem)
    row = shown[shown.index(f'id="excluded-{bo.id}"'):]
    assert "Beyond the distance" in row[:600] and "Introduce anyway" in row[:3000]

    no_reason = coord_client.post(f"/coordinators/problems/{problem.id}/introduce-anyway",
                                  data={"anyway-researcher_id": bo.id, "anyway-origin": "excluded",
                                        "anyway-reason": " "})
    assert no_reason.status_code == 400
    text = no_reason.get_data(as_text=True)
    assert f'href="#excluded-{bo.id}-reason"' in text and f'id="excluded-{bo.id}-reason"' in text
    assert db.session.scalars(select(Partnership)).all() == []

    done = coord_client.post(f"/coordinators/problems/{problem.id}/introduce-anyway",
                             data={"anyway-researcher_id": bo.id, "anyway-origin": "excluded",
                                   "anyway-reason": "The agency agreed to video calls.",
                                   "anyway-message": "Bo can meet by video."})
    suggestion = stored(problem)[bo.id]
    assert done.status_code == 303 and done.location.endswith(f"#suggestion-{suggestion.id}")
    assert suggestion.decision == "introduced" and suggestion.overridden == ["too-far"]
    assert suggestion.decision_reason == "The agency agreed to video calls."
    assert db.session.scalar(select(Partnership.researcher_id)) == bo.id
    assert {m.to for m in db.session.scalars(select(OutboxMessage))} >= {bo.email, problem.email}
    event = db.session.scalar(select(AuditEvent).filter_by(action="problem.introduced"))
    assert event.details["overridden"] == ["too-far"]
    assert event.details["override_reason"] == "The agency agreed to video calls."
    card = page(coord_client, problem)
    card = card[card.index(f'id="suggestion-{suggestion.id}"'):]
    assert "Introduced despite:" in card[:3000] and "The agency agreed to video calls." in card[:3000]


@pytest.mark.parametrize("exclude", ["hidden", "avoided"])
def test_unlisted_and_avoided_researchers_stay_excluded_whatever_the_reason(coord_client, small_world, exclude):
    problem, bo = small_world["problem"], small_world["bo"]
    if exclude == "hidden":
        bo.hidden = True
    else:
        problem.avoid = bo.institution
        small_world["ada"].institution = "Another University"
        small_world["ted"].institution = "Another University"
    db.session.commit()
    shown = page(coord_client, problem)
    row = shown[shown.index(f'id="excluded-{bo.id}"'):]
    assert "Cannot be introduced" in row[:1500] and "Introduce anyway" not in row[:1500]

    response = coord_client.post(f"/coordinators/problems/{problem.id}/introduce-anyway",
                                 data={"anyway-researcher_id": bo.id, "anyway-origin": "excluded",
                                       "anyway-reason": "They are the best fit."})
    assert response.status_code == 409
    assert "cannot be introduced" in response.get_data(as_text=True)
    assert db.session.scalars(select(Partnership)).all() == []


def test_the_ordinary_introduction_still_refuses_an_excluded_researcher_and_points_to_the_override(
        app, coordinator, small_world):
    from matcher.services import introductions

    problem, ada = small_world["problem"], small_world["ada"]
    with app.test_request_context():
        matching.refresh_suggestions(problem)
    suggestion = stored(problem)[ada.id]
    ada.capacity = 0
    db.session.commit()
    with app.test_request_context(), pytest.raises(CoordinationError, match="Introduce anyway"):
        introductions.introduce(problem, [suggestion.id], coordinator)
    assert stored(problem)[ada.id].decision == "pending"


def test_a_found_excluded_researcher_refused_for_a_missing_reason_keeps_the_search_and_the_note(
        coord_client, small_world, config_override):
    config_override(SUGGESTIONS_PER_PROBLEM=2)
    problem, ted = small_world["problem"], small_world["ted"]
    ted.capacity = 0
    db.session.commit()
    results = page(coord_client, problem, "?find=Ted+Traffic")
    found = results[results.index(f'id="found-{ted.id}"'):]
    assert "Excluded: No free capacity" in found and "Introduce anyway" in found and "Add Ted" not in found

    response = coord_client.post(f"/coordinators/problems/{problem.id}/introduce-anyway",
                                 data={"anyway-researcher_id": ted.id, "anyway-origin": "found",
                                       "anyway-find": "Ted Traffic", "anyway-reason": "",
                                       "anyway-message": "Ted has agreed to one more."})
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert f'href="#found-{ted.id}-reason"' in text and f'id="found-{ted.id}-reason"' in text
    assert "Ted has agreed to one more." in text and 'value="Ted Traffic"' in text
    assert db.session.scalars(select(Partnership)).all() == [] and ted.id not in stored(problem)


def test_a_search_with_nothing_typed_is_explained_at_the_field(coord_client, small_world):
    response = coord_client.get(f"/coordinators/problems/{small_world['problem'].id}?find=+")
    text = response.get_data(as_text=True)
    assert 'href="#find">Name or keywords</a>: Please type a name or some keywords.' in text
    assert 'id="find-error"' in text


def test_introducing_anyway_a_researcher_no_longer_excluded_overrides_nothing(coord_client, small_world,
                                                                               config_override):
    config_override(SUGGESTIONS_PER_PROBLEM=2)
    problem, ted = small_world["problem"], small_world["ted"]
    page(coord_client, problem)
    response = coord_client.post(f"/coordinators/problems/{problem.id}/introduce-anyway",
                                 data={"anyway-researcher_id": ted.id, "anyway-origin": "found",
                                       "anyway-reason": "Capacity was freed."}, follow_redirects=True)
    assert "nothing was overridden" in response.get_data(as_text=True)
    suggestion = stored(problem)[ted.id]
    assert suggestion.decision == "introduced" and suggestion.overridden is None and suggestion.added_by_coordinator
    event = db.session.scalar(select(AuditEvent).filter_by(action="problem.introduced"))
    assert "overridden" not in event.details
