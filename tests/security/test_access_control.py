"""Who may see and do what, for every route of the site and every kind of visitor.

Every endpoint is classified below; a new route fails `test_every_route_is_classified` until someone decides
who may use it.
"""

from __future__ import annotations

import pytest

from tests.security.conftest import ROLES, client_as, routes, url_of

PUBLIC = {
    "home.index", "home.favicon", "static", "agencies.index", "agencies.submit", "agencies.submitted",
    "agencies.status_links",
    "directory.index", "directory.write", "directory.message_waiting",
    "directory.centres", "directory.centre", "directory.researcher", "researchers.index", "researchers.register",
    "researchers.register_add_publication", "researchers.register_remove_publication",
    "researchers.register_import_publications", "researchers.manage", "researchers.check_email",
    "coordinators.sign_in", "coordinators.sign_out", "researchers.sign_out", "coordinators.forgot_password",
}
STATUS_LINK = {"agencies.status", "agencies.add_information", "agencies.withdraw"}  # whoever holds the link
EMAILED_LINK = {"researchers.confirm", "researchers.sign_in", "coordinators.unlock",  # signed, expiring tokens
                "coordinators.accept_invitation", "coordinators.reset_password", "researchers.confirm_new_email",
                "directory.confirm_message", "directory.stop_messages"}
RESEARCHER_ONLY = {
    "researchers.profile", "researchers.edit", "researchers.change_email", "researchers.edit_add_publication",
    "researchers.visibility",
    "researchers.delete", "researchers.new_centre", "researchers.edit_centre", "researchers.edit_remove_publication",
    "researchers.edit_import_publications", "researchers.edit_import_orcid",
    # Centre membership: the services check that the signed-in researcher administers the centre.
    "researchers.join_centre", "researchers.leave_centre", "researchers.decide_request",
    "researchers.appoint_administrator",
}
MADE_UP_STATUS_TOKEN = "A" * 43


def coordinator_only(endpoint: str) -> bool:
    return endpoint.startswith("coordinators.") and endpoint not in PUBLIC


def gate(endpoint: str) -> str:
    for name, members in (("public", PUBLIC), ("status-link", STATUS_LINK), ("emailed-link", EMAILED_LINK),
                          ("researcher", RESEARCHER_ONLY)):
        if endpoint in members:
            return name
    return "coordinator" if coordinator_only(endpoint) else "unclassified"


def outcome(response, endpoint: str) -> str:
    """What the visitor experiences: the page (or the form's own messages), a gate, or an error."""
    location = response.headers.get("Location", "")
    if response.status_code in (301, 302, 303) and "/coordinators/sign-in" in location:
        return "asked to sign in"
    if response.status_code in (301, 302, 303) and location.endswith("/researchers/manage"):
        return "asked for a sign-in link"
    if response.status_code == 401 and "new sign-in link" in response.get_data(as_text=True):
        return "asked for a sign-in link"  # a profile saved without a session: nothing saved, a new link asked
    if response.status_code == 400 and endpoint in EMAILED_LINK:
        return "bad link"
    return {403: "forbidden", 404: "not found"}.get(response.status_code, "allowed")


def expected(endpoint: str, role: str) -> str:
    kind = gate(endpoint)
    if kind in ("public", "status-link"):
        return "allowed"
    if kind == "emailed-link":
        return "bad link"  # the test sends a forged token
    if kind == "researcher":
        return "allowed" if role == "researcher" else "asked for a sign-in link"
    if role == "coordinator":
        return "allowed"
    return "forbidden" if role == "researcher" else "asked to sign in"


def all_endpoints(app) -> list[str]:
    return sorted({rule.endpoint for rule in app.url_map.iter_rules()})


def test_every_route_is_classified(app):
    assert [e for e in all_endpoints(app) if gate(e) == "unclassified"] == []


def _rules(app, method):
    return [(rule, method) for rule in routes(app, method)]


def _check(app, world, rule, method: str) -> None:
    for role in ROLES:  # the researcher goes last: some of its POSTs hide or delete the profile
        client = client_as(app, role)
        overrides = {"token": "forged.token.value"} if rule.endpoint in EMAILED_LINK else {}
        response = client.open(url_of(app, rule, world, **overrides), method=method)
        assert response.status_code < 500, (role, method, rule.rule)
        assert outcome(response, rule.endpoint) == expected(rule.endpoint, role), (
            role, method, rule.rule, response.status_code)
        if method == "GET" and outcome(response, rule.endpoint) == "allowed" and rule.endpoint != "static":
            assert response.status_code == 200, (role, rule.rule)


def test_every_page_shows_only_to_those_allowed(app, world):
    for rule, method in _rules(app, "GET"):
        _check(app, world, rule, method)


def test_every_action_is_open_only_to_those_allowed(app, world):
    rules = sorted(_rules(app, "POST"), key=lambda pair: pair[0].endpoint == "researchers.delete")  # delete last
    for rule, method in rules:
        _check(app, world, rule, method)


@pytest.mark.parametrize("role", ROLES)
def test_a_made_up_status_link_opens_nothing_for_anyone(app, world, role):
    client = client_as(app, role)
    for suffix, method in (("", "GET"), ("/information", "POST"), ("/withdraw", "POST")):
        response = client.open(f"/agencies/status/{MADE_UP_STATUS_TOKEN}{suffix}", method=method,
                               data={"info-body": "x", "withdraw-confirm": "y"})
        assert response.status_code == 404, (role, suffix)


def test_the_status_link_is_long_and_random(app, world):
    from matcher.models.problems import new_status_token

    tokens = {new_status_token() for _ in range(200)}
    assert len(tokens) == 200
    assert all(len(token) >= 40 for token in tokens)
    assert len(world.status_token) >= 40


@pytest.mark.parametrize("role", ROLES)
def test_hidden_and_unknown_researchers_are_not_in_the_directory(app, world, role):
    client = client_as(app, role)
    assert client.get(f"/directory/researchers/{world.hidden_researcher_id}").status_code == 404
    assert client.get("/directory/researchers/999999").status_code == 404
    assert "Hidden Person" not in client.get("/directory/?q=Hidden").get_data(as_text=True)


def test_a_researcher_edits_only_their_own_centre(app, world):
    client = client_as(app, "researcher")
    assert client.get(f"/researchers/centres/{world.centre_id}/edit").status_code == 200
    assert client.get(f"/researchers/centres/{world.other_centre_id}/edit").status_code == 403
    response = client.post(f"/researchers/centres/{world.other_centre_id}/edit",
                           data={"name": "Taken over", "university": "Evil U", "state": "MA"})
    assert response.status_code == 403
    assert "Taken over" not in client.get(f"/directory/centres/{world.other_centre_id}").get_data(as_text=True)


@pytest.mark.parametrize("role", ["anonymous", "agency", "researcher"])
def test_contact_details_stay_private_on_public_pages(app, world, role):
    client = client_as(app, role)
    for rule in routes(app, "GET"):
        if gate(rule.endpoint) != "public" or rule.endpoint == "static":
            continue
        body = client.get(url_of(app, rule, world)).get_data(as_text=True)
        for secret in ("bo@example.edu", "hidden@example.edu", "pat@example.gov", "555-0100"):
            assert secret not in body, (role, rule.rule, secret)
