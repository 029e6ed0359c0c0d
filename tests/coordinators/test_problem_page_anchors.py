"""Every action on the problem page returns to its card with its message there; a refused form is summed up at
the top, each error linking to its field."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from matcher.extensions import db
from matcher.models import Suggestion


def suggestion_of(problem, researcher) -> Suggestion:
    return db.session.scalar(select(Suggestion).filter_by(problem_id=problem.id, researcher_id=researcher.id))


def message_at(page: str, anchor: str) -> str:
    """The message shown at the card with this anchor (empty when none)."""
    found = re.search(rf'<p class="flash [^"]*card-notice"[^>]*id="{anchor}-notice">([^<]*)</p>', page)
    return found.group(1) if found else ""


@pytest.fixture
def world(coord_client, small_world):
    problem = small_world["problem"]
    coord_client.get(f"/coordinators/problems/{problem.id}")
    return small_world


ACTIONS = [
    ("shortlist", lambda w: {"suggestion_id": suggestion_of(w["problem"], w["ada"]).id},
     lambda w: f"suggestion-{suggestion_of(w['problem'], w['ada']).id}", "is on the shortlist"),
    ("reject", lambda w: {"reject-suggestion_id": suggestion_of(w["problem"], w["bo"]).id,
                          "reject-reason": "Rural areas only"},
     lambda w: f"suggestion-{suggestion_of(w['problem'], w['bo']).id}", "was rejected for this problem"),
    ("introduce", lambda w: {"introduce-suggestion_ids": [suggestion_of(w["problem"], w["bo"]).id]},
     lambda w: "introduce-form", "Introduced Bo Breakins"),
    ("question", lambda w: {"question-body": "Which blocks?"}, lambda w: "question-card", "status page"),
    ("note", lambda w: {"note-body": "Called the captain."}, lambda w: "note-card", "Note added."),
    ("status", lambda w: {"status-status": "under-review"}, lambda w: "status-card", "Status changed."),
    ("recompute", lambda w: {}, lambda w: "suggestions", "Your decisions"),
    ("answers", lambda w: {"answers-funding": "none", "answers-funding_deadline": "", "answers-prefer_nearby": "y",
                           "answers-max_distance_miles": "25"}, lambda w: "answers", "The answers were saved"),
]


@pytest.mark.parametrize(("action", "data", "anchor", "message"), ACTIONS, ids=[a[0] for a in ACTIONS])
def test_each_action_returns_to_its_card_with_its_message_there(coord_client, world, action, data, anchor, message):
    problem = world["problem"]
    response = coord_client.post(f"/coordinators/problems/{problem.id}/{action}", data=data(world))
    assert response.status_code == 303
    assert response.location.endswith(f"#{anchor(world)}")
    page = coord_client.get(response.location).get_data(as_text=True)
    assert message in message_at(page, anchor(world))
    assert '<div class="flashes"' not in page  # not at the top of the page as well
    assert message not in message_at(coord_client.get(response.location).get_data(as_text=True), anchor(world))


def test_a_reject_without_reason_is_summed_up_at_the_top_and_shown_at_its_field(coord_client, world):
    problem, bo = world["problem"], world["bo"]
    sid = suggestion_of(problem, bo).id
    response = coord_client.post(f"/coordinators/problems/{problem.id}/reject",
                                 data={"reject-suggestion_id": sid, "reject-reason": ""})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    summary = page[page.index('class="error-summary'):page.index("</div>", page.index('class="error-summary'))]
    assert f'href="#reject-reason-{sid}"' in summary and "Please say why this researcher is not a fit." in summary
    assert f'id="reject-reason-{sid}"' in page and f'id="reject-reason-{sid}-error"' in page
    assert page.index('class="error-summary') < page.index('id="h-agency"')  # at the top, before the cards


def test_a_refused_action_shows_its_reason_at_the_card_and_links_there(coord_client, world):
    problem, ada = world["problem"], world["ada"]
    sid = suggestion_of(problem, ada).id
    problem.status = "closed"
    db.session.commit()
    response = coord_client.post(f"/coordinators/problems/{problem.id}/shortlist", data={"suggestion_id": sid})
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "This problem is closed" in message_at(page, f"suggestion-{sid}")
    assert f'href="#suggestion-{sid}">This problem is closed' in page


def test_an_empty_note_is_summed_up_with_a_link_to_the_field(coord_client, world):
    problem = world["problem"]
    response = coord_client.post(f"/coordinators/problems/{problem.id}/note", data={"note-body": ""})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'href="#note-body">Internal note</a>: Please write the note.' in page
    assert 'id="note-body"' in page and 'aria-invalid="true"' in page
