"""The partnership page's actions return to their card with the message there; refusals are summed up on top."""

from __future__ import annotations

from tests.coordinators.test_partnerships import introduced  # noqa: F401  (the fixture)
from tests.coordinators.test_problem_page_anchors import message_at


def test_a_stage_returns_to_its_card_and_a_refused_one_is_summed_up(coord_client, introduced):  # noqa: F811
    url = f"/coordinators/partnerships/{introduced.id}"
    done = coord_client.post(f"{url}/stage", data={"stage-stage": "first-meeting"})
    assert done.status_code == 303 and done.location.endswith("#stage-card")
    assert "First meeting" in message_at(coord_client.get(done.location).get_data(as_text=True), "stage-card")

    refused = coord_client.post(f"{url}/stage", data={"stage-stage": "closed"})
    assert refused.status_code == 400
    page = refused.get_data(as_text=True)
    assert 'class="error-summary' in page and 'href="#stage-outcome"' in page


def test_notes_return_to_their_card(coord_client, introduced):  # noqa: F811
    done = coord_client.post(f"/coordinators/partnerships/{introduced.id}/notes", data={"note-body": "Met Tue."})
    assert done.status_code == 303 and done.location.endswith("#notes-card")
    page = coord_client.get(done.location).get_data(as_text=True)
    assert message_at(page, "notes-card") == "Note added." and "Met Tue." in page
