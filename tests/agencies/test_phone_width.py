"""Public pages fit a phone (390 px) even with a very long name in them."""

from __future__ import annotations

import pytest

from tests.coordinators.test_phone_width import PHONE, overflowing
from tests.factories import make_problem, make_researcher

pytestmark = pytest.mark.browser
LONG_NAME = "Maximilianaandreaschristophorus-Vanderbeekenhoffmannsdottir-Oyelaran"


@pytest.fixture
def long_names(db):
    researcher = make_researcher(name=LONG_NAME, institution="University of " + "Northwestern" * 6)
    problem = make_problem(agency_name="Department" * 12, title="Break-ins " + "x" * 90)
    db.session.add_all([researcher, problem])
    db.session.commit()
    return researcher.id, problem.status_token


@pytest.mark.parametrize("path", ["/agencies/submit?researcher={rid}", "/directory/researchers/{rid}",
                                  "/agencies/status/{token}", "/directory/?q=" + LONG_NAME[:20],
                                  "/researchers/register"])
def test_public_pages_fit_a_phone_with_long_names(page, long_names, path):
    researcher_id, token = long_names
    page.set_viewport_size(PHONE)
    page.goto(path.format(rid=researcher_id, token=token))
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], overflowing(page)[:5]
