"""Coordinators see a statement that looks like one sent before (same address or agency, much the same text)."""

from __future__ import annotations

from sqlalchemy import select

from matcher.models import Problem
from tests.agencies.conftest import install_matching, valid_form
from tests.agencies.test_duplicates import form_key
from tests.coordinators.conftest import sign_in


def test_coordinators_see_a_statement_that_looks_sent_before(client, db, coordinator, monkeypatch):
    install_matching(monkeypatch, lambda problem: [])
    client.post("/agencies/submit", data=valid_form(submission_key=form_key(client)))
    client.post("/agencies/submit", data=valid_form(  # a new form, the same statement with a typo fixed
        title="Car break-ins around the downtown garage", submission_key=form_key(client)))
    client.post("/agencies/submit", data=valid_form(
        title="Opioid overdoses in the county jail", email="someone@else.example.gov", agency_name="Other PD",
        description="Overdoses after release from the county jail have risen; we want to evaluate naloxone kits.",
        submission_key=form_key(client)))
    first, second, unrelated = db.session.scalars(select(Problem).order_by(Problem.id)).all()
    sign_in(client)
    html = client.get(f"/coordinators/problems/{second.id}").get_data(as_text=True)
    assert "Possibly sent before" in html
    assert f"Problem #{first.id}: " in html and "from the same e-mail address" in html
    assert f"Problem #{unrelated.id}" not in html
    assert "Possibly sent before" not in client.get(f"/coordinators/problems/{unrelated.id}").get_data(as_text=True)


