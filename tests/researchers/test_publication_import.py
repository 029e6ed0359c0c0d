"""Reading BibTeX and RIS exports into publication rows (no app needed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from matcher.publications import row_from_bibtex, row_from_ris
from matcher.services.publication_import import (
    MAX_IMPORT_BYTES,
    ImportProblem,
    rows_from_text,
    text_from_upload,
)

FIXTURES = Path(__file__).parent.parent / "fixtures" / "publications"


def test_a_bibtex_export_becomes_rows_with_accents_decoded_and_dois_linked():
    imported = rows_from_text((FIXTURES / "sample.bib").read_text())
    assert imported.rows == [
        {"title": "Hot Spots Policing of Small Geographic Areas Effects on Crime", "year": "2019",
         "abstract": "Hot spots policing is a widely used strategy; we review 65 studies.",
         "link": "https://doi.org/10.1002/cl2.1046"},
        {"title": "CPTED in Public Housing: A Quasi-Experiment in San José", "year": "2021", "abstract": "",
         "link": "https://doi.org/10.5555/cpted.2021.7"},
        {"title": "Repeat Victimization of Small Businesses", "year": "2016", "abstract": "",
         "link": "https://example.org/reports/repeat-victimization"},
    ]
    assert imported.untitled == 1 and imported.unreadable == 0


def test_a_ris_export_becomes_rows():
    imported = rows_from_text((FIXTURES / "sample.ris").read_text())
    assert imported.rows == [
        {"title": "What Can Police Do to Reduce Crime, Disorder, and Fear?", "year": "2004",
         "abstract": "A review of the evidence on police effectiveness.",
         "link": "https://doi.org/10.1177/0002716203262548"},
        {"title": "Gunshot Detection Alerts and Police Response Times", "year": "2022", "abstract": "",
         "link": "https://example.org/gunshot-detection"},
    ]


def test_ris_with_windows_line_ends_a_byte_order_mark_and_no_last_end_line_is_read():
    text = "\ufeffTY  - JOUR\r\nT1  - Crime at transit stops\r\nY1  - 2011/05/01\r\nUR  - doi:10.1234/tr\r\n"
    assert rows_from_text(text).rows == [
        {"title": "Crime at transit stops", "year": "2011", "abstract": "", "link": "https://doi.org/10.1234/tr"}]


def test_a_bibtex_entry_with_a_broken_brace_is_reported_and_the_good_ones_kept():
    text = ("@article{good, title={A good entry}, year={2018}}\n\n"
            "@article{bad, title={Missing its closing brace, year={2019}\n")
    imported = rows_from_text(text)
    assert [row["title"] for row in imported.rows] == ["A good entry"]
    assert imported.unreadable == 1 and "line 3" in imported.first_problem


@pytest.mark.parametrize(("text", "message"), [
    ("", "Please paste a BibTeX or RIS export"),
    ("Smith, J. (2019). Hot spots. Journal of Crime, 1(2).", "does not look like BibTeX or RIS"),
    ("@article{x, title={Never closed", "could not read any publication"),
    ("@misc{x, year={2019}}", "None of its entries has a title"),
    ("TY  - JOUR\nPY  - 2019\nER  - \n", "None of its entries has a title"),
])
def test_text_that_yields_no_publication_says_why(text, message):
    with pytest.raises(ImportProblem, match=message):
        rows_from_text(text)


def test_too_long_text_and_files_are_refused_before_parsing():
    with pytest.raises(ImportProblem, match="longer than 128 KB"):
        rows_from_text("@misc{x, title={" + "a" * MAX_IMPORT_BYTES + "}}")
    with pytest.raises(ImportProblem, match="larger than 128 KB"):
        text_from_upload(b"x" * (MAX_IMPORT_BYTES + 1))


def test_binary_files_are_refused_and_old_windows_files_are_read():
    with pytest.raises(ImportProblem, match="binary file"):
        text_from_upload(b"%PDF-1.7\x00\x01\x02")
    assert text_from_upload("TI  - Caf\u00e9".encode("cp1252")) == "TI  - Caf\u00e9"
    assert text_from_upload("\ufeffTI  - Caf\u00e9".encode()) == "TI  - Caf\u00e9"


def test_mapping_takes_the_year_from_a_biblatex_date_and_skips_a_bad_doi():
    assert row_from_bibtex({"Title": "T", "DATE": "2020-05-01", "doi": "not a doi", "URL": "https://x.org"}) == {
        "title": "T", "year": "2020", "abstract": "", "link": "https://x.org"}
    assert row_from_ris({"primary_title": "T", "publication_year": "1999/01/01",
                         "urls": ["https://example.org/a", "https://doi.org/10.1234/b"]}) == {
        "title": "T", "year": "1999", "abstract": "", "link": "https://doi.org/10.1234/b"}
