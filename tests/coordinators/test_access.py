"""Every coordinator URL refuses anonymous visitors (to sign-in) and signed-in researchers (403)."""

from __future__ import annotations

import pytest

from matcher.extensions import db
from tests.conftest import as_researcher
from tests.factories import make_researcher

OPEN_TO_ALL = {"coordinators.sign_in", "coordinators.sign_out", "coordinators.unlock",  # no account needed
               "coordinators.forgot_password", "coordinators.accept_invitation", "coordinators.reset_password"}
SAMPLE_VALUES = {"problem_id": 1, "partnership_id": 1, "message_id": 1, "name": "problems", "coordinator_id": 1,
                 "change": "deactivate", "centre_id": 1, "membership_id": 1, "decision": "approve",
                 "proposal_id": 1}


def coordinator_urls(app) -> list[tuple[str, str]]:
    """(method, url) for every rule of the coordinators blueprint, with made-up ids."""
    urls = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("coordinators.") or rule.endpoint in OPEN_TO_ALL:
            continue
        path = rule.rule.replace("<any(deactivate, reactivate):change>", "deactivate")
        path = path.replace("<any(approve, decline):decision>", "approve")
        for argument in rule.arguments:
            path = path.replace(f"<int:{argument}>", str(SAMPLE_VALUES[argument]))
            path = path.replace(f"<{argument}>", str(SAMPLE_VALUES[argument]))
        urls += [(method, path) for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]
    return urls


def test_the_blueprint_has_every_area(app):
    paths = {url for _, url in coordinator_urls(app)}
    assert len(paths) >= 15
    for part in ("/queue", "/problems/1/introduce", "/partnerships/1/stage", "/assignment", "/reports", "/outbox",
                 "/team", "/team/1/deactivate", "/audit", "/password", "/centres",
                 "/centres/1/requests/1/approve", "/centres/1/members/1/administrator"):
        assert any(path.endswith(part) for path in paths), part


def test_anonymous_visitors_are_sent_to_sign_in(app, client, db):
    for method, url in coordinator_urls(app):
        response = client.open(url, method=method)
        assert response.status_code == 302, (method, url)
        assert "/coordinators/sign-in" in response.location, (method, url)


def test_signed_in_researchers_are_refused(app, client, db):
    researcher = make_researcher()
    db.session.add(researcher)
    db.session.commit()
    as_researcher(client, researcher.id)
    for method, url in coordinator_urls(app):
        response = client.open(url, method=method)
        assert response.status_code == 403, (method, url)
        assert b"do not have access" in response.data


@pytest.mark.parametrize("url", ["/coordinators/problems/{id}", "/coordinators/reports/problems.csv"])
def test_contact_details_never_reach_anyone_but_coordinators(client, small_world, url):
    problem = small_world["problem"]
    response = client.get(url.format(id=problem.id), follow_redirects=True)
    assert problem.email.encode() not in response.data
    assert b"555-0100" not in response.data


def test_a_coordinator_sees_contact_details(coord_client, small_world):
    problem = small_world["problem"]
    page = coord_client.get(f"/coordinators/problems/{problem.id}").data.decode()
    assert "pat@example.gov" in page and "555-0100" in page and "ada@example.edu" in page


def test_a_missing_record_is_a_404_not_a_500(coord_client):
    for url in ("/coordinators/problems/999", "/coordinators/partnerships/999", "/coordinators/reports/secrets.csv"):
        assert coord_client.get(url).status_code == 404
    db.session.remove()
