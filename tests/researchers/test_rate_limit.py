"""Registration and sign-in-link requests are rate limited per client: accepted posts (redirects) count towards
FORM_RATE_LIMIT, every post towards the more generous FORM_POST_LIMIT."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("path, data, allowed, says", [
    # invalid: only the limit on every post applies; the refused form comes back as typed
    ("/researchers/register", {"name": "Dana Whitfield"}, 4, "Please wait about 60 minutes, then press Register"),
    ("/researchers/manage", {"email": "someone@example.edu"}, 2, "Please wait about 60 minutes and try again."),
])
def test_too_many_posts_from_one_client_are_refused_kindly(limited_app, path, data, allowed, says):
    client = limited_app.test_client()
    for _ in range(allowed):
        assert client.post(path, data=data).status_code in (200, 302)
    response = client.post(path, data=data)
    assert response.status_code == 429
    assert says in response.get_data(as_text=True)
    if path.endswith("register"):
        assert 'value="Dana Whitfield"' in response.get_data(as_text=True)
    assert client.get(path).status_code == 200  # reading the form is never limited
    other = limited_app.test_client()
    assert other.post(path, data=data, environ_base={"REMOTE_ADDR": "10.0.0.9"}).status_code in (200, 302)


def test_adding_publication_rows_without_javascript_is_not_limited(limited_app):
    client = limited_app.test_client()
    for _ in range(4):
        assert client.post("/researchers/register/add-publication", data={}).status_code == 200
