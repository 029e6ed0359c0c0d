"""An id beyond the database's integer range names nothing: every `<int:…>` route answers 404, never 500."""

from __future__ import annotations

import pytest
from werkzeug.routing import IntegerConverter

from tests.security.conftest import client_as, routes, url_of

HUGE_IDS = [2**31, 2**63, 10**20]
MARKER = 987654321


def int_routes(app, method: str) -> list:
    """The routes answering this method that take an integer id in the path."""
    return [rule for rule in routes(app, method)
            if any(isinstance(conv, IntegerConverter) for conv in rule._converters.values())]


def role_for(endpoint: str) -> str:
    """Who would normally use the route (so the check runs past any sign-in gate on today's code)."""
    return "researcher" if endpoint.startswith("researchers.") else "coordinator"


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_every_int_route_answers_404_for_an_id_beyond_the_integer_range(app, world, method):
    rules = int_routes(app, method)
    assert rules, "no <int:…> route found"
    for rule in rules:
        client = client_as(app, role_for(rule.endpoint))
        int_args = [name for name, conv in rule._converters.items() if isinstance(conv, IntegerConverter)]
        for huge in HUGE_IDS:
            # url_for refuses an id out of range, so the path is built with a marker that is then replaced.
            path = url_of(app, rule, world, **{name: MARKER for name in int_args}).replace(str(MARKER), str(huge))
            response = client.open(path, method=method)
            assert response.status_code == 404, f"{method} {path}: {response.status_code}"


def test_ids_inside_the_range_still_route(app, world):
    client = client_as(app, "coordinator")
    assert client.get(f"/coordinators/problems/{world.problem_id}").status_code == 200
    assert client.get(f"/directory/researchers/{world.researcher_id}").status_code == 200
