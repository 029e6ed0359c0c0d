"""Public forms are rate limited per client on POST: accepted posts count, typing mistakes don't, and a refused
statement comes back with everything typed; reading the pages never is limited."""

from __future__ import annotations

import pytest

from matcher.extensions import db
from matcher.models import Problem
from tests.agencies.conftest import valid_form
from tests.factories import make_problem


def test_only_accepted_statements_count_towards_the_limit(limited_app):
    client = limited_app.test_client()
    assert client.post("/agencies/submit", data=valid_form(title="")).status_code == 200  # a mistake
    assert client.post("/agencies/submit", data=valid_form(title="First statement")).status_code == 303
    assert client.post("/agencies/submit", data=valid_form(email="not an address")).status_code == 200
    assert client.post("/agencies/submit", data=valid_form(title="Second statement")).status_code == 303
    with limited_app.app_context():
        assert db.session.query(Problem).count() == 2


def test_a_refused_statement_is_shown_again_with_everything_typed_and_the_wait(limited_app):
    client = limited_app.test_client()
    for title in ("First statement", "Second statement"):
        assert client.post("/agencies/submit", data=valid_form(title=title)).status_code == 303
    typed = valid_form(title="Burglaries on the east side", description="Homes near the river path " * 5)
    refused = client.post("/agencies/submit", data=typed)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 429
    assert "We could not accept this statement yet" in page
    assert "Please wait about 60 minutes" in page
    assert 'value="Burglaries on the east side"' in page
    assert "Homes near the river path" in page
    assert 'value="dana.whitfield@harborview.example.gov"' in page
    with limited_app.app_context():
        assert db.session.query(Problem).count() == 2
    other = limited_app.test_client()
    assert other.post("/agencies/submit", data=valid_form(), environ_base={"REMOTE_ADDR": "10.0.0.9"}
                      ).status_code == 303


def test_a_flood_of_invalid_posts_is_still_refused(limited_app):
    client = limited_app.test_client()
    codes = [client.post("/agencies/submit", data={"agency_name": "x"}).status_code for _ in range(5)]
    assert codes == [200, 200, 200, 200, 429]
    assert client.get("/agencies/submit").status_code == 200


@pytest.mark.parametrize("action", ["information", "withdraw"])
def test_the_status_page_forms_are_rate_limited(limited_app, action):
    with limited_app.app_context():
        problem = make_problem()
        db.session.add(problem)
        db.session.commit()
        token = problem.status_token
    client = limited_app.test_client()
    codes = [client.post(f"/agencies/status/{token}/{action}", data={}).status_code for _ in range(5)]
    assert codes == [200, 200, 200, 200, 429]
    refused = client.post(f"/agencies/status/{token}/{action}", data={"info-body": "Yes, geocoded addresses."})
    if action == "information":  # the answer comes back as typed
        assert "Please wait about 60 minutes, then press the button again" in refused.get_data(as_text=True)
        assert "Yes, geocoded addresses." in refused.get_data(as_text=True)
    else:
        assert "Please wait about 60 minutes and try again." in refused.get_data(as_text=True)
    assert client.get(f"/agencies/status/{token}").status_code == 200
