"""DOIs, ORCID iDs, newest-first order and duplicates, without the app."""

from __future__ import annotations

import pytest

from matcher.publications import (
    link_href,
    new_rows,
    newest_first,
    normalise_doi,
    normalise_link,
    normalise_orcid,
    normalised_title,
)


@pytest.mark.parametrize("text", [
    "10.1234/abcd", "DOI: 10.1234/abcd", "doi:10.1234/abcd", "doi: 10.1234/abcd", "DOI 10.1234/abcd",
    "https://doi.org/10.1234/abcd", "http://doi.org/10.1234/abcd", "https://dx.doi.org/10.1234/abcd",
    "doi.org/10.1234/abcd", "  https://www.doi.org/10.1234/abcd  ", "10.1234/abcd.",
])
def test_every_usual_spelling_of_a_doi_gives_the_bare_doi(text):
    assert normalise_doi(text) == "10.1234/abcd"
    assert normalise_link(text) == "https://doi.org/10.1234/abcd"
    assert link_href(text) == "https://doi.org/10.1234/abcd"


@pytest.mark.parametrize("text", [
    "", None, "hello", "10.1234", "10.1234/", "10.12/abc", "11.1234/abc", "doi:", "DOI: see paper",
    "https://example.org/10.1234/abcd", "10.1234/ab cd", "javascript:alert(1)",
])
def test_junk_is_not_a_doi(text):
    assert normalise_doi(text) is None


def test_a_doi_with_odd_characters_is_escaped_in_its_address_only():
    doi = "10.1002/(SICI)1097-4571(199806)49:8<693::AID-ASI4>3.0.CO;2-0"
    assert normalise_doi(f"DOI: {doi}") == doi
    assert link_href(doi) == "https://doi.org/10.1002/(SICI)1097-4571(199806)49:8%3C693::AID-ASI4%3E3.0.CO;2-0"
    assert link_href("10.1234/a?b#c") == "https://doi.org/10.1234/a%3Fb%23c"


def test_web_addresses_stay_as_typed_and_other_text_is_no_link():
    assert normalise_link("https://example.org/paper") == "https://example.org/paper"
    assert link_href("https://example.org/paper") == "https://example.org/paper"
    assert link_href("javascript:alert(1)") is None
    assert link_href("see the journal") is None


@pytest.mark.parametrize("text", [
    "0000-0002-1825-0097", "0000000218250097", "https://orcid.org/0000-0002-1825-0097",
    "orcid.org/0000-0002-1825-0097", " 0000 0002 1825 0097 ",
])
def test_orcid_ids_in_usual_spellings_are_recognised(text):
    assert normalise_orcid(text) == "0000-0002-1825-0097"


def test_an_orcid_id_ending_in_x_is_recognised_in_either_case():
    assert normalise_orcid("0000-0002-1694-233x") == "0000-0002-1694-233X"


@pytest.mark.parametrize("text", [
    "0000-0002-1825-0098", "0000-0002-1825-009", "0000-0002-1825-00977", "abcd-0002-1825-0097", "", None,
    "https://example.org/0000-0002-1825-0097",
])
def test_orcid_ids_with_a_wrong_check_digit_or_shape_are_refused(text):
    assert normalise_orcid(text) is None


def test_newest_first_puts_rows_without_a_year_last_and_keeps_ties_in_order():
    rows = [{"title": "a", "year": "2015"}, {"title": "b", "year": ""}, {"title": "c", "year": 2021},
            {"title": "d", "year": None}, {"title": "e", "year": "2015"}]
    assert [r["title"] for r in newest_first(rows)] == ["c", "a", "e", "b", "d"]


def test_duplicates_are_found_by_doi_or_by_title_whatever_the_spelling():
    existing = [{"title": "Hot Spots Policing: A Review", "link": "DOI: 10.1234/HS"}]
    incoming = [
        {"title": "Something else entirely", "link": "https://doi.org/10.1234/hs"},  # same DOI
        {"title": "hot spots policing — a review", "link": ""},  # same title
        {"title": "A new study", "link": "10.1234/new"},
        {"title": "A NEW STUDY.", "link": ""},  # repeated within the import
    ]
    added, duplicates = new_rows(existing, incoming)
    assert [row["title"] for row in added] == ["A new study"]
    assert duplicates == 3
    assert normalised_title("  Crime & Place (2nd ed.) ") == "crimeplace2nded"
