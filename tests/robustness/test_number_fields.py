"""Fields that take a number or an id: digits that Python's int() refuses (superscripts), other scripts'
digits and numbers too large for the database end in a message, never a 500."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from matcher.models import Problem, Publication, Researcher
from tests.agencies.conftest import valid_form
from tests.conftest import as_researcher
from tests.researchers.helpers import profile_data
from tests.security.conftest import PASSWORD, build_world

ODD_NUMBERS = ["²", "١٢", "３", "99999999999999999999", "2147483648", "-1", "1.5", " 7 "]


@pytest.mark.parametrize("value", ODD_NUMBERS)
def test_registration_capacity_and_publication_year(client, db, fresh_index, value):
    for field in ("capacity", "publications-0-year"):
        response = client.post("/researchers/register", data=profile_data(**{field: value}))
        assert response.status_code in (200, 302), (field, value)
    for researcher in db.session.scalars(select(Researcher)):
        assert 0 <= researcher.capacity < 100
    for publication in db.session.scalars(select(Publication)):
        assert publication.year is None or 1900 <= publication.year <= 2100


@pytest.mark.parametrize("value", ODD_NUMBERS)
def test_preferred_researcher_on_the_agency_form(client, db, fresh_index, value):
    response = client.post("/agencies/submit", data=valid_form(preferred_researcher=value, keep_preferred="y"))
    assert response.status_code == 303
    assert db.session.scalar(select(Problem.preferred_researcher_id)) is None
    assert client.get(f"/agencies/submit?researcher={value}").status_code == 200
    assert db.session.scalar(select(func.count()).select_from(Problem)) == 1


@pytest.mark.parametrize("value", ODD_NUMBERS)
def test_ids_posted_to_the_coordinator_workspace(app, db, fresh_index, value):
    world = build_world()
    client = app.test_client()
    client.post("/coordinators/sign-in", data={"email": "coord@example.org", "password": PASSWORD})
    for action in ("shortlist", "reconsider"):
        response = client.post(f"/coordinators/problems/{world.problem_id}/{action}", data={"suggestion_id": value})
        assert response.status_code in (400, 409), (action, value)
    response = client.post(f"/coordinators/problems/{world.problem_id}/reject",
                           data={"reject-suggestion_id": value, "reject-reason": ""})
    assert response.status_code in (400, 409)
    for action in ("review", "apply"):
        response = client.post(f"/coordinators/assignment/proposals/1/{action}", data={"row": [value, "1"]})
        assert response.status_code == 303, (action, value)
        assert "The proposal was not understood" in client.get(response.location).get_data(as_text=True)
    response = client.post("/coordinators/assignment/keep", data={"per_problem": value})
    assert "Nothing was kept" in client.get(response.location).get_data(as_text=True)
    for query in (f"row={value}", f"first={value}&second=2"):
        assert client.get(f"/coordinators/assignment?{query}").status_code == 200


def test_a_researcher_editing_with_an_odd_capacity_keeps_the_profile(app, db, fresh_index):
    world = build_world()
    client = app.test_client()
    as_researcher(client, world.researcher_id)
    response = client.post("/researchers/profile/edit", data=profile_data(capacity="²", name="Changed Name"))
    assert response.status_code == 200
    db.session.remove()
    assert db.session.get(Researcher, world.researcher_id).name.startswith("Ada Nearrepeat")
