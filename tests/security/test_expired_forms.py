"""A form posted with an expired CSRF token from this site's own page comes back as typed; one posted from another
site gets the plain error page, never a form filled in with what that site chose."""

from __future__ import annotations

import pytest

from matcher.extensions import db
from matcher.models import Problem
from tests.agencies.conftest import valid_form
from tests.security.test_csrf_everywhere import EXPIRED


@pytest.mark.parametrize("path", ["/agencies/submit", "/researchers/register"])
def test_only_a_post_from_this_site_comes_back_as_typed(client, config_override, path):
    config_override(WTF_CSRF_ENABLED=True)
    typed = valid_form(title="Thefts from cars near the stadium", name="Dana Whitfield", statement="x" * 60)
    here = client.post(path, data=typed, headers={"Origin": "http://localhost"})
    assert here.status_code == 400
    assert "This page had expired, so nothing was" in here.get_data(as_text=True)
    assert 'value="dana.whitfield@harborview.example.gov"' in here.get_data(as_text=True)
    for elsewhere in ({"Origin": "https://elsewhere.example"}, {"Referer": "https://elsewhere.example/x"}, {}):
        page = client.post(path, data=typed, headers=elsewhere).get_data(as_text=True)
        assert EXPIRED in page and "dana.whitfield@harborview.example.gov" not in page
    with client.application.app_context():
        assert db.session.query(Problem).count() == 0
