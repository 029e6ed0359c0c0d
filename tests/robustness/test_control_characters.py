"""A NUL character in any form or search (PostgreSQL cannot store it) ends in a clear message, not a 500."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from matcher.models import Problem, ProblemUpdate, Researcher
from tests.agencies.conftest import valid_form
from tests.researchers.helpers import profile_data
from tests.security.conftest import build_world

NUL_MESSAGE = "invisible control character (NUL)"


@pytest.mark.parametrize("path, data", [
    ("/agencies/submit", valid_form(description="Break-ins keep rising downtown.\x00 " * 3)),
    ("/researchers/register", profile_data(statement="I study burglary\x00")),
    ("/researchers/manage", {"email": "a\x00@example.edu"}),
    ("/coordinators/sign-in", {"email": "coord@example.org", "password": "x\x00"}),
])
def test_a_nul_character_in_a_form_is_refused_with_a_message(client, db, fresh_index, path, data):
    response = client.post(path, data=data)
    assert response.status_code == 400
    assert NUL_MESSAGE in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Problem)) == 0
    assert db.session.scalar(select(func.count()).select_from(Researcher)) == 0


def test_a_nul_character_on_the_status_page_adds_nothing(client, db, fresh_index):
    world = build_world()
    before = db.session.scalar(select(func.count()).select_from(ProblemUpdate))
    response = client.post(f"/agencies/status/{world.status_token}/information", data={"info-body": "More\x00 data"})
    assert response.status_code == 400 and NUL_MESSAGE in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(ProblemUpdate)) == before


@pytest.mark.parametrize("path", ["/directory/?q=burglary%00", "/directory/?state=%00", "/?x=%00"])
def test_a_nul_character_in_a_search_is_refused_with_a_message(client, db, path):
    response = client.get(path)
    assert response.status_code == 400
    assert NUL_MESSAGE in response.get_data(as_text=True)


def test_other_control_characters_and_unicode_are_accepted(client, db, fresh_index):
    response = client.post("/agencies/submit", data=valid_form(title="Break-ins\t\x1b «downtown» 🚓"))
    assert response.status_code == 303
