"""Publication rows on the profile: DOI links, newest first, remove a row without JavaScript."""

from __future__ import annotations

import re

from matcher.models import Publication
from tests.researchers.helpers import error_beside, profile_data
from tests.researchers.test_self_service import signed_in


def public_links(html: str) -> list[str]:
    """The addresses the public profile's publication links point at."""
    section = html.split("<h2>Publications</h2>", 1)[1].split("</section>", 1)[0]
    return re.findall(r'<a href="([^"]+)"', section)


def public_titles(html: str) -> list[str]:
    """Publication titles in the order the public profile lists them."""
    section = html.split("<h2>Publications</h2>", 1)[1].split("</section>", 1)[0]
    return re.findall(r"<strong>(.*?)</strong>", section)


def test_rows_saved_with_doi_prefixes_before_the_fix_link_to_doi_org(client, db):
    researcher = signed_in(client, db)
    researcher.publications = [
        Publication(position=0, title="Old spelling", year=2010, link="DOI: 10.1234/abcd"),
        Publication(position=1, title="Lower case", year=2011, link="doi:10.5555/xyz"),
        Publication(position=2, title="Web page", year=2012, link="https://example.org/paper"),
    ]
    db.session.commit()
    html = client.get(f"/directory/researchers/{researcher.id}").get_data(as_text=True)
    assert public_links(html) == ["https://example.org/paper", "https://doi.org/10.5555/xyz",
                                  "https://doi.org/10.1234/abcd"]
    assert "DOI: 10.1234/abcd" not in html


def test_saved_dois_are_stored_as_doi_org_addresses_and_listed_newest_first(client, db):
    researcher = signed_in(client, db)
    data = profile_data(email=None, **{
        "publications-0-title": "Oldest", "publications-0-year": "2009", "publications-0-link": "DOI: 10.1234/old",
        "publications-1-title": "Newest", "publications-1-year": "2023", "publications-1-link": "doi:10.1234/new",
        "publications-2-title": "No year", "publications-2-link": "https://doi.org/10.1234/none",
    })
    assert client.post("/researchers/profile/edit", data=data).status_code == 302
    db.session.refresh(researcher)
    assert [(p.title, p.link) for p in researcher.publications] == [
        ("Newest", "https://doi.org/10.1234/new"), ("Oldest", "https://doi.org/10.1234/old"),
        ("No year", "https://doi.org/10.1234/none")]
    html = client.get(f"/directory/researchers/{researcher.id}").get_data(as_text=True)
    assert public_titles(html) == ["Newest", "Oldest", "No year"]
    edit = client.get("/researchers/profile/edit").get_data(as_text=True)
    assert edit.index('value="Newest"') < edit.index('value="Oldest"') < edit.index('value="No year"')


def test_a_link_that_is_neither_doi_nor_web_address_is_explained_beside_it(client, db):
    signed_in(client, db)
    data = profile_data(email=None, **{"publications-0-link": "DOI: see the journal"})
    html = client.post("/researchers/profile/edit", data=data).get_data(as_text=True)
    assert "Please enter a DOI" in error_beside(html, "publications-0-link")


def test_remove_takes_one_row_off_and_keeps_everything_else_typed(client, db):
    researcher = signed_in(client, db)
    data = profile_data(email=None, statement="Typed but not saved yet.", **{
        "publications-1-title": "Keep me too", "publications-1-year": "2018",
        "remove_publication": "0",
    })
    html = client.post("/researchers/profile/edit/remove-publication", data=data).get_data(as_text=True)
    assert "Near-repeat burglary in small cities" in html.split('id="publications-notice"', 1)[1][:300]
    assert 'value="Near-repeat burglary in small cities"' not in html
    assert 'name="publications-0-title" type="text" value="Keep me too"' in html
    assert "Typed but not saved yet.</textarea>" in html
    db.session.refresh(researcher)
    assert [p.title for p in researcher.publications] == ["First study", "Second study"]  # nothing saved

    # Saving the re-shown form saves the list without the removed row.
    data = profile_data(email=None, statement="Typed but not saved yet.", **{
        "publications-0-title": "Keep me too", "publications-0-year": "2018", "publications-0-abstract": "",
        "publications-0-link": ""})
    assert client.post("/researchers/profile/edit", data=data).status_code == 302
    db.session.refresh(researcher)
    assert [p.title for p in researcher.publications] == ["Keep me too"]


def test_each_filled_row_has_its_own_remove_button(client, db):
    signed_in(client, db)
    html = client.get("/researchers/profile/edit").get_data(as_text=True)
    assert re.findall(r'name="remove_publication" value="(\d+)"', html) == ["0", "1"]
    assert "Remove publication 1" in html and "Remove publication 3" not in html


def test_removing_a_row_that_is_not_there_changes_nothing(client, db):
    signed_in(client, db)
    for index in ("7", "-1", "x"):
        data = profile_data(email=None, remove_publication=index)
        response = client.post("/researchers/profile/edit/remove-publication", data=data)
        html = response.get_data(as_text=True)
        assert response.status_code == 200
        assert 'value="Near-repeat burglary in small cities"' in html and 'id="publications-notice"' not in html


def test_remove_works_on_the_registration_form_too(client, db):
    data = profile_data(remove_publication="0")
    html = client.post("/researchers/register/remove-publication", data=data).get_data(as_text=True)
    assert 'value="Near-repeat burglary in small cities"' not in html and 'value="Dana Whitfield"' in html


def test_delete_page_counts_publications_in_plain_words(client, db):
    researcher = signed_in(client, db)
    assert "and the 2 publications on it" in client.get("/researchers/profile/delete").get_data(as_text=True)
    researcher.publications = []
    db.session.commit()
    html = client.get("/researchers/profile/delete").get_data(as_text=True)
    assert "This deletes your profile, for good." in html and "0 publication" not in html
