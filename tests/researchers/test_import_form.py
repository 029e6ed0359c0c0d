"""Importing publications on the profile form: paste or upload, review, then save."""

from __future__ import annotations

import io
import re
from pathlib import Path

from matcher.models import Publication
from tests.researchers.helpers import error_beside, profile_data, publications
from tests.researchers.test_publication_rows import public_links, public_titles
from tests.researchers.test_self_service import signed_in

FIXTURES = Path(__file__).parent.parent / "fixtures" / "publications"


def rows_shown(html: str) -> list[tuple[str, str, str]]:
    """(title, year, link) of every filled publication row on the form, in order."""
    rows = []
    for index in range(40):
        title = re.search(rf'name="publications-{index}-title" type="text" value="([^"]*)"', html)
        if title is None:
            break
        year = re.search(rf'name="publications-{index}-year"[^>]*value="([^"]*)"', html)
        link = re.search(rf'name="publications-{index}-link" type="text" value="([^"]*)"', html)
        if title.group(1):
            rows.append((title.group(1), year.group(1) if year else "", link.group(1) if link else ""))
    return rows


def form_data_from(html: str, **overrides) -> dict:
    """The profile form as the browser would send it back after showing this page (publication rows and the
    typed fields used in these tests)."""
    data = profile_data(email=None, **{f"publications-{i}-{name}": "" for i in range(3)
                                       for name in ("title", "year", "abstract", "link")})
    for name, value in re.findall(r'name="(publications-\d+-(?:title|year|link))" type="\w+" value="([^"]*)"', html):
        data[name] = value.replace("&amp;", "&").replace("&#39;", "'").replace("&#34;", '"')
    for name, value in re.findall(r'name="(publications-\d+-abstract)"[^>]*>\r?\n?([^<]*)</textarea>', html):
        data[name] = value
    data.update(overrides)
    return data


def test_pasted_bibtex_is_shown_for_review_then_saved_newest_first_with_doi_links(client, db):
    researcher = signed_in(client, db)
    data = profile_data(email=None, import_text=(FIXTURES / "sample.bib").read_text(),
                        statement="Typed before importing.")
    html = client.post("/researchers/profile/edit/import-publications", data=data).get_data(as_text=True)
    assert rows_shown(html) == [
        ("CPTED in Public Housing: A Quasi-Experiment in San José", "2021", "https://doi.org/10.5555/cpted.2021.7"),
        ("Near-repeat burglary in small cities", "2019", "10.1234/nrb.2019"),  # a tie: rows already there first
        ("Hot Spots Policing of Small Geographic Areas Effects on Crime", "2019", "https://doi.org/10.1002/cl2.1046"),
        ("Repeat Victimization of Small Businesses", "2016", "https://example.org/reports/repeat-victimization"),
    ]
    notice = html.split('id="publications-notice"', 1)[1][:400]
    assert "3 publications from the export are added" in notice and "1 entry could not be read" in notice
    assert "Typed before importing.</textarea>" in html
    db.session.refresh(researcher)
    assert [p.title for p in researcher.publications] == ["First study", "Second study"]  # nothing saved yet

    response = client.post("/researchers/profile/edit",
                           data=form_data_from(html, statement="Typed before importing."))
    assert response.status_code == 302
    public = client.get(f"/directory/researchers/{researcher.id}").get_data(as_text=True)
    assert public_titles(public)[0] == "CPTED in Public Housing: A Quasi-Experiment in San José"
    assert [t[:10] for t in public_titles(public)] == ["CPTED in P", "Near-repea", "Hot Spots ", "Repeat Vic"]
    assert public_links(public) == ["https://doi.org/10.5555/cpted.2021.7", "https://doi.org/10.1234/nrb.2019",
                                    "https://doi.org/10.1002/cl2.1046",
                                    "https://example.org/reports/repeat-victimization"]


def test_an_uploaded_ris_file_is_imported(client, db):
    signed_in(client, db)
    data = profile_data(email=None, import_file=(io.BytesIO((FIXTURES / "sample.ris").read_bytes()), "mine.ris"))
    html = client.post("/researchers/profile/edit/import-publications", data=data,
                       content_type="multipart/form-data").get_data(as_text=True)
    titles = [row[0] for row in rows_shown(html)]
    assert titles[0] == "Gunshot Detection Alerts and Police Response Times"
    assert "What Can Police Do to Reduce Crime, Disorder, and Fear?" in titles


def test_publications_already_listed_are_left_out_by_doi_or_title(client, db):
    signed_in(client, db)
    text = ("@article{a, title={NEAR-REPEAT burglary in small cities.}, year={2019}}\n"
            "@article{b, title={Another name, same DOI}, doi={https://doi.org/10.1234/NRB.2019}}\n"
            "@article{c, title={Genuinely new}, year={2024}}\n")
    html = client.post("/researchers/profile/edit/import-publications",
                       data=profile_data(email=None, import_text=text)).get_data(as_text=True)
    assert [row[0] for row in rows_shown(html)] == ["Genuinely new", "Near-repeat burglary in small cities"]
    assert "2 publications were already listed" in html


def test_unreadable_text_is_explained_beside_the_box_and_everything_typed_stays(client, db):
    signed_in(client, db)
    data = profile_data(email=None, statement="Still here.", import_text="Smith J. Hot spots. 2019.")
    response = client.post("/researchers/profile/edit/import-publications", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "does not look like BibTeX or RIS" in error_beside(html, "import_text")
    assert "Still here.</textarea>" in html and "Smith J. Hot spots. 2019.</textarea>" in html
    assert rows_shown(html) == [("Near-repeat burglary in small cities", "2019", "10.1234/nrb.2019")]


def test_a_binary_upload_is_explained_beside_the_file_field(client, db):
    signed_in(client, db)
    data = profile_data(email=None, import_file=(io.BytesIO(b"%PDF-1.7\x00\x00binary"), "cv.pdf"))
    html = client.post("/researchers/profile/edit/import-publications", data=data,
                       content_type="multipart/form-data").get_data(as_text=True)
    assert "binary file" in error_beside(html, "import_file")


def test_saving_with_pasted_text_not_yet_imported_asks_to_import_it_first(client, db):
    researcher = signed_in(client, db)
    data = profile_data(email=None, import_text="@article{a, title={Pasted}, year={2020}}")
    html = client.post("/researchers/profile/edit", data=data).get_data(as_text=True)
    assert "have not imported them yet" in error_beside(html, "import_text")
    assert "@article{a, title={Pasted}, year={2020}}</textarea>" in html
    db.session.refresh(researcher)
    assert [p.title for p in researcher.publications] == ["First study", "Second study"]


def test_an_import_fills_the_list_up_to_twenty_and_says_how_many_did_not_fit(client, db):
    signed_in(client, db)
    text = "\n".join(f"@article{{k{i}, title={{Imported study {i}}}, year={{2020}}}}" for i in range(5))
    data = profile_data(email=None, import_text=text, **publications(18, start=1))
    html = client.post("/researchers/profile/edit/import-publications", data=data).get_data(as_text=True)
    assert len(rows_shown(html)) == 20
    assert "1 publication from the export is added" in html and "4 publications did not fit" in html


def test_the_registration_form_imports_too(client, db):
    data = profile_data(import_text="TY  - JOUR\nTI  - Registered with an import\nPY  - 2022\nER  - \n")
    html = client.post("/researchers/register/import-publications", data=data).get_data(as_text=True)
    assert [row[0] for row in rows_shown(html)] == ["Registered with an import",
                                                    "Near-repeat burglary in small cities"]
    assert 'value="dana.whitfield@example.edu"' in html
    assert db.session.query(Publication).count() == 0
