"""Distance: a soft score unless the agency needs someone in person."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from matcher.extensions import db
from matcher.models import Problem, Suggestion
from matcher.services import corpus, matching
from matcher.services.coordination import EXCLUSION_GROUPS
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
    corpus.bump_version()
    db.session.commit()
    return {"problem": problem, "near": near, "midway": midway, "far": far}


def suggested(problem) -> dict[int, Suggestion]:
    db.session.expire_all()
    rows = db.session.scalars(select(Suggestion).where(Suggestion.problem_id == problem.id))
    return {s.researcher_id: s for s in rows}


def excluded(problem) -> dict[int, str]:
    db.session.expire_all()
    return {rid: code for rid, code in db.session.get(Problem, problem.id).exclusions}


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
    assert EXCLUSION_GROUPS["too-far"] == "Distance"
    assert "Someone who can meet in person, within 25 miles" in page


def test_working_remotely_is_never_too_far(distances):
    distances["far"].remote = True
    db.session.commit()
    matching.refresh_suggestions(distances["problem"])
    assert distances["far"].id in suggested(distances["problem"])
