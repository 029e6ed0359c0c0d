"""The coordinator pages fit a phone (390 px wide): nothing wider than the screen, the queue near the top."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from matcher.extensions import db
from matcher.models import Problem
from matcher.services import accounts
from tests.coordinators.conftest import PASSWORD

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone_coordinator(page, seeded, app):
    accounts.create_coordinator("coord@example.org", PASSWORD, name="Casey Coordinator")
    problem = db.session.scalar(select(Problem).where(Problem.sample_key == "p01"))
    page.set_viewport_size(PHONE)
    page.goto("/coordinators/sign-in")
    page.get_by_label("E-mail").fill("coord@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    return page, problem.id


def overflowing(page) -> list[str]:
    """Elements wider than the screen (none on a page that fits), named by tag and class."""
    return page.evaluate("""() => {
        const limit = document.documentElement.clientWidth + 1;
        return [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > limit && getComputedStyle(e).position !== 'fixed'
                         && !e.closest('.table-scroll'))
            .map(e => e.tagName.toLowerCase() + '.' + (e.className || ''));
    }""")


@pytest.mark.parametrize("path", ["/coordinators/problems/{id}", "/coordinators/reports", "/coordinators/queue",
                                  "/coordinators/", "/coordinators/partnerships"])
def test_coordinator_pages_fit_a_phone(phone_coordinator, path):
    page, problem_id = phone_coordinator
    page.goto(path.format(id=problem_id))
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], overflowing(page)[:5]


def test_the_queue_starts_on_the_first_screen(phone_coordinator):
    page, _ = phone_coordinator
    page.goto("/coordinators/queue")
    first_row = page.locator("table.queue tbody tr, .queue-list li, .queue-item").first
    assert first_row.bounding_box()["y"] < PHONE["height"], "the first problem is below the first screen"
