"""Importing publications in Chromium: paste, upload, remove a row, ORCID unreachable, save, see the links."""

from __future__ import annotations

import urllib.error
from pathlib import Path

import pytest
from playwright.sync_api import expect

from matcher.extensions import db
from matcher.models import Publication
from matcher.services import links, orcid
from tests.factories import make_researcher

pytestmark = pytest.mark.browser

FIXTURES = Path(__file__).parent.parent / "fixtures" / "publications"


def sign_in(app, page) -> int:
    """A listed researcher with one old-style DOI, signed in through a sign-in link; returns the id."""
    with app.app_context():
        researcher = make_researcher(name="Rosa Imported", publications=[
            Publication(position=0, title="An older study", year=2012, link="DOI: 10.1234/older")])
        db.session.add(researcher)
        db.session.commit()
        token = links.make_token("sign-in", researcher.id, researcher.link_nonce)
        researcher_id = researcher.id
    page.goto(f"/researchers/sign-in/{token}")
    expect(page.get_by_role("heading", name="My profile")).to_be_visible()
    return researcher_id


def row_titles(page) -> list[str]:
    titles = [page.locator(f"#publications-{i}-title").input_value()
              for i in range(page.locator(".publication-row").count())]
    return [title for title in titles if title]


def test_a_researcher_imports_reviews_removes_and_saves_publications(app, page, monkeypatch):
    def unreachable(url, timeout):
        raise urllib.error.URLError("[Errno -2] Name or service not known")

    monkeypatch.setattr(orcid, "http_get", unreachable)
    researcher_id = sign_in(app, page)
    page.get_by_role("link", name="Edit my profile").click()
    statement = page.get_by_label("Research statement", exact=True)
    statement.fill("Typed before any import.")

    # Paste a BibTeX export: its entries become rows, newest first, for review.
    page.get_by_label("Paste BibTeX or RIS", exact=True).fill((FIXTURES / "sample.bib").read_text())
    page.get_by_role("button", name="Import publications").click()
    expect(page.locator("#publications-notice")).to_contain_text("3 publications from the export are added")
    assert row_titles(page) == ["CPTED in Public Housing: A Quasi-Experiment in San José",
                                "Hot Spots Policing of Small Geographic Areas Effects on Crime",
                                "Repeat Victimization of Small Businesses", "An older study"]
    expect(statement).to_have_value("Typed before any import.")

    # Upload a RIS file the same way.
    page.get_by_label("Or choose a .bib or .ris file", exact=True).set_input_files(str(FIXTURES / "sample.ris"))
    page.get_by_role("button", name="Import publications").click()
    expect(page.locator("#publications-notice")).to_contain_text("2 publications from the export are added")
    assert len(row_titles(page)) == 6

    # Remove one row.
    page.get_by_role("button", name="Remove publication 4").click()  # Repeat Victimization (2016)
    expect(page.locator("#publications-notice")).to_contain_text("Repeat Victimization of Small Businesses")
    assert "Repeat Victimization of Small Businesses" not in row_titles(page)

    # ORCID cannot be reached from here: said beside the field, nothing lost.
    page.get_by_label("ORCID iD", exact=True).fill("0000-0002-1825-0097")
    page.get_by_role("button", name="Import from ORCID").click()
    expect(page.locator("#orcid-error")).to_contain_text("We could not reach ORCID just now")
    expect(page.get_by_label("ORCID iD", exact=True)).to_have_value("0000-0002-1825-0097")
    expect(statement).to_have_value("Typed before any import.")
    assert len(row_titles(page)) == 5

    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_text("Your profile is saved.")).to_be_visible()
    page.goto(f"/directory/researchers/{researcher_id}")
    expect(page.locator("ol.publications > li")).to_have_count(5)
    expect(page.locator("ol.publications > li strong").first).to_have_text(
        "Gunshot Detection Alerts and Police Response Times")
    expect(page.get_by_role("link", name="https://doi.org/10.1234/older")).to_have_attribute(
        "href", "https://doi.org/10.1234/older")
    expect(page.get_by_role("link", name="https://orcid.org/0000-0002-1825-0097")).to_be_visible()
