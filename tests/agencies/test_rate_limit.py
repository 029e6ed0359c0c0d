"""The agency forms are rate limited per client on POST; reading the pages never is."""

from __future__ import annotations

import pytest

from matcher.extensions import db
from tests.factories import make_problem


def test_the_submission_form_is_rate_limited_per_client(limited_app):
    client = limited_app.test_client()
    codes = [client.post("/agencies/submit", data={"agency_name": "x"}).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    assert "Please wait a while and try again." in client.post("/agencies/submit", data={}).get_data(
        as_text=True)
    assert client.get("/agencies/submit").status_code == 200
    other = limited_app.test_client()
    assert other.post("/agencies/submit", data={}, environ_base={"REMOTE_ADDR": "10.0.0.9"}).status_code == 200


@pytest.mark.parametrize("action", ["information", "withdraw"])
def test_the_status_page_forms_are_rate_limited(limited_app, action):
    with limited_app.app_context():
        problem = make_problem()
        db.session.add(problem)
        db.session.commit()
        token = problem.status_token
    client = limited_app.test_client()
    codes = [client.post(f"/agencies/status/{token}/{action}", data={}).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    assert client.get(f"/agencies/status/{token}").status_code == 200
