"""Partnership stages, outcomes, dates, capacity and declines."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import delete, select

from matcher.extensions import db
from matcher.models import Partnership, Suggestion
from matcher.models.types import utcnow
from matcher.services import matching
from tests.factories import make_problem


@pytest.fixture
def introduced(coord_client, small_world):
    """Ada (one slot) introduced to the burglary problem through the page."""
    problem, ada = small_world["problem"], small_world["ada"]
    coord_client.get(f"/coordinators/problems/{problem.id}")
    suggestion = db.session.scalar(select(Suggestion).where(Suggestion.researcher_id == ada.id))
    coord_client.post(f"/coordinators/problems/{problem.id}/introduce",
                      data={"introduce-suggestion_ids": [suggestion.id]})
    return db.session.scalar(select(Partnership).where(Partnership.researcher_id == ada.id))


def stage(client, partnership, **fields):
    data = {f"stage-{k}": v for k, v in fields.items()}
    return client.post(f"/coordinators/partnerships/{partnership.id}/stage", data=data, follow_redirects=True)


def test_stages_are_recorded_with_dates_and_the_problem_follows(coord_client, introduced, small_world):
    day = (utcnow() - timedelta(days=0)).date().isoformat()
    for name in ("first-meeting", "agreement", "data-access", "under-way"):
        assert stage(coord_client, introduced, stage=name, on=day, note=f"at {name}").status_code == 200
    db.session.expire_all()
    assert [e.stage for e in introduced.events] == ["introduced", "first-meeting", "agreement", "data-access",
                                                    "under-way"]
    assert small_world["problem"].status == "partnered"
    page = coord_client.get(f"/coordinators/partnerships/{introduced.id}").data.decode()
    assert "at data-access" in page and "active, counts against capacity" in page


def test_active_partnerships_use_capacity(introduced, small_world, app):
    assert matching.active_partnership_counts([small_world["ada"].id]) == {small_world["ada"].id: 1}
    result = matching.rank_problem(small_world["problem"])
    assert (small_world["ada"].id, "no-capacity") in result.exclusions


def test_closing_needs_an_outcome(coord_client, introduced):
    response = stage(coord_client, introduced, stage="closed")
    assert response.status_code == 400
    assert "Please choose the outcome before closing the partnership." in response.data.decode()
    stage(coord_client, introduced, stage="closed", outcome="evaluation-completed")
    db.session.expire_all()
    assert introduced.stage == "closed" and introduced.outcome == "evaluation-completed"
    assert introduced.closed_at is not None and not introduced.is_active


def test_future_dates_are_refused(coord_client, introduced):
    tomorrow = (utcnow() + timedelta(days=2)).date().isoformat()
    response = stage(coord_client, introduced, stage="first-meeting", on=tomorrow)
    assert response.status_code == 409 and "cannot be in the future" in response.data.decode()
    db.session.expire_all()
    assert introduced.stage == "introduced"


def test_a_decline_frees_the_slot_and_the_next_suggestion_can_be_introduced(coord_client, introduced, small_world):
    problem, bo = small_world["problem"], small_world["bo"]
    stage(coord_client, introduced, stage="declined", note="On sabbatical")
    db.session.expire_all()
    assert not introduced.is_active
    assert matching.active_partnership_counts([small_world["ada"].id]) == {}
    assert problem.status == "under-review"
    ada_suggestion = db.session.scalar(select(Suggestion).where(Suggestion.researcher_id == small_world["ada"].id))
    assert ada_suggestion.decision == "rejected"

    bo_suggestion = db.session.scalar(select(Suggestion).where(Suggestion.researcher_id == bo.id))
    response = coord_client.post(f"/coordinators/problems/{problem.id}/introduce",
                                 data={"introduce-suggestion_ids": [bo_suggestion.id]}, follow_redirects=True)
    assert "Introduced Bo Breakins" in response.data.decode()
    db.session.expire_all()
    assert problem.status == "introduced"


def test_partnership_list_filters_by_stage(coord_client, introduced):
    assert "Ada Nearrepeat" in coord_client.get("/coordinators/partnerships?stage=introduced").data.decode()
    assert "Ada Nearrepeat" not in coord_client.get("/coordinators/partnerships?stage=closed").data.decode()


def test_a_closed_partnership_is_taken_up_again_only_while_the_researcher_has_a_free_slot(
        coord_client, introduced, small_world):
    ada = small_world["ada"]  # one slot
    stage(coord_client, introduced, stage="declined", note="Busy this term")
    elsewhere = make_problem(title="Thefts elsewhere")
    db.session.add(elsewhere)
    db.session.flush()
    db.session.add(Partnership(problem_id=elsewhere.id, researcher_id=ada.id))  # her slot is taken again
    db.session.commit()

    refused = stage(coord_client, introduced, stage="first-meeting")
    assert refused.status_code == 409
    assert "Ada Nearrepeat has no free capacity to take this partnership up again." in refused.data.decode()
    db.session.expire_all()
    assert introduced.stage == "declined" and [e.stage for e in introduced.events] == ["introduced", "declined"]

    db.session.execute(delete(Partnership).where(Partnership.problem_id == elsewhere.id))  # the slot frees up
    db.session.commit()
    assert stage(coord_client, introduced, stage="first-meeting").status_code == 200
    db.session.expire_all()
    assert introduced.stage == "first-meeting" and introduced.closed_at is None
