"""Ownership in Chromium: take a problem, find it under "My problems", then hand several to a colleague at once."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from matcher.models import Problem
from matcher.services import accounts
from tests.coordinators.conftest import PASSWORD
from tests.factories import make_problem

pytestmark = pytest.mark.browser


def test_assign_to_me_my_problems_and_a_bulk_assignment(page, db):
    accounts.create_coordinator("casey@example.org", PASSWORD, name="Casey Coordinator")
    accounts.create_coordinator("dana@example.org", PASSWORD, name="Dana Deputy")
    db.session.add_all([make_problem(title=title) for title in ("Shootings downtown", "Car break-ins",
                                                                 "Overdoses by the station")])
    db.session.commit()

    page.goto("/coordinators/sign-in")
    page.get_by_label("E-mail").fill("casey@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Queue").click()
    page.get_by_role("link", name="Shootings downtown").click()
    owner = page.get_by_role("region", name="Owner")
    expect(owner).to_contain_text("Unassigned")
    owner.get_by_role("button", name="Assign to me").click()
    expect(page.locator(".flash")).to_contain_text("The problem is yours")
    expect(owner).to_contain_text("Casey Coordinator (you)")

    page.get_by_role("link", name="Queue", exact=True).first.click()
    page.get_by_role("navigation", name="Problems by owner").get_by_role("link", name="My problems").click()
    table = page.get_by_role("table", name="Problem statements")
    expect(table.locator("tbody tr")).to_have_count(1)
    expect(table).to_contain_text("Shootings downtown")
    expect(table).to_contain_text("Casey Coordinator")

    page.get_by_role("navigation", name="Problems by owner").get_by_role("link", name="Anyone's").click()
    page.get_by_label("Select all problems on this page").check()
    expect(table.locator("input.pick:checked")).to_have_count(3)
    page.get_by_label("Select problem", exact=False).first.uncheck()
    expect(page.get_by_label("Select all problems on this page")).not_to_be_checked()
    page.get_by_label("Assign to").select_option(label="Dana Deputy")
    page.get_by_role("button", name="Assign ticked problems").click()

    expect(page.locator(".flash")).to_contain_text(re.compile(r"Assigned to Dana Deputy: #\d+, #\d+\."))
    expect(table.locator("td.owner", has_text="Dana Deputy")).to_have_count(2)
    db.session.expire_all()
    owners = sorted(str(p.owner.name if p.owner else None) for p in db.session.scalars(select(Problem)))
    assert owners.count("Dana Deputy") == 2
