"""The public directory: search, filters, pages, profiles, centres, no e-mail addresses."""

from __future__ import annotations

import pytest

from matcher.models import Publication, ResearchCentre
from tests.factories import make_researcher


@pytest.fixture
def people(db):
    centre = ResearchCentre(name="Center for Safer Streets", university="Lakeside University", state="IL",
                            description="Violence prevention research.", topics=["gun-violence"],
                            website="https://safer.example.edu")
    ada = make_researcher(
        name="Ada Burgess", email="ada@example.edu", state="MA", city="Cambridge", zip="02139",
        statement="Near-repeat burglary and target hardening.", keywords=["CPTED", "alley-gating"],
        topics=["burglary"], methods=["rct"], help_offered=["evaluation"], terms=["free"],
        publications=[Publication(title="Alleys", abstract="Gating alleys reduced break-ins in Liverpool.")])
    ben = make_researcher(
        name="Ben Okafor", email="ben@example.edu", state="IL", city="Chicago", zip="60637",
        statement="Group violence intervention and shootings.", keywords=["GVI"], topics=["gun-violence"],
        methods=["network-analysis"], help_offered=["advice", "training"], terms=["fee"], centre=centre)
    hidden = make_researcher(name="Hidden Hal", email="hal@example.edu", statement="burglary", hidden=True)
    unconfirmed = make_researcher(name="New Nora", email="nora@example.edu", statement="burglary",
                                  confirmed_at=None)
    db.session.add_all([centre, ada, ben, hidden, unconfirmed])
    db.session.commit()
    return {"ada": ada, "ben": ben, "hidden": hidden, "unconfirmed": unconfirmed, "centre": centre}


def names(client, query: str = "") -> set[str]:
    html = client.get(f"/directory/?{query}").get_data(as_text=True)
    return {name for name in ("Ada Burgess", "Ben Okafor", "Hidden Hal", "New Nora") if name in html}


def test_only_confirmed_visible_profiles_are_listed(client, people):
    assert names(client) == {"Ada Burgess", "Ben Okafor"}
    assert client.get(f"/directory/researchers/{people['hidden'].id}").status_code == 404
    assert client.get(f"/directory/researchers/{people['unconfirmed'].id}").status_code == 404


@pytest.mark.parametrize("query, expected", [
    ("q=burglary", {"Ada Burgess"}),                 # statement
    ("q=cptED", {"Ada Burgess"}),                    # keyword, any case
    ("q=liverpool", {"Ada Burgess"}),                # publication abstract
    ("q=safer+streets", {"Ben Okafor"}),             # centre name
    ("q=ben+shootings", {"Ben Okafor"}),             # every word must match
    ("q=burglary+shootings", set()),
    ("q=%25", set()),                                # a LIKE wildcard is taken literally
    ("state=IL", {"Ben Okafor"}),
    ("topic=burglary", {"Ada Burgess"}),
    ("method=network-analysis", {"Ben Okafor"}),
    ("help=training", {"Ben Okafor"}),
    ("terms=free", {"Ada Burgess"}),
    ("state=MA&terms=fee", set()),
    ("state=ZZ", {"Ada Burgess", "Ben Okafor"}),     # an unknown filter value is ignored
])
def test_search_and_filters(client, people, query, expected):
    assert names(client, query) == expected


def test_no_results_say_so(client, people):
    assert "No researchers found" in client.get("/directory/?q=zebra").get_data(as_text=True)


def test_search_form_keeps_the_choices(client, people):
    html = client.get("/directory/?q=burglary&state=MA").get_data(as_text=True)
    assert 'value="burglary"' in html and '<option selected value="MA">' in html


def test_results_are_paginated(client, db):
    db.session.add_all([make_researcher(name=f"Researcher {i:02d}") for i in range(25)])
    db.session.commit()
    first = client.get("/directory/?state=MA").get_data(as_text=True)
    assert "25 researchers" in first and "Page 1 of 2" in first and "Researcher 19" in first
    assert "Researcher 20" not in first and "page=2" in first and "state=MA" in first
    second = client.get("/directory/?state=MA&page=2").get_data(as_text=True)
    assert "Researcher 20" in second and "Researcher 24" in second and "Researcher 00" not in second
    assert client.get("/directory/?page=99").status_code == 200


def test_profile_page_shows_the_profile_without_the_e_mail_address(client, people):
    ada = people["ada"]
    html = client.get(f"/directory/researchers/{ada.id}").get_data(as_text=True)
    assert "Near-repeat burglary and target hardening." in html and "Gating alleys" in html
    assert "ada@example.edu" not in html and "@example.edu" not in html
    assert f'href="/agencies/submit?researcher={ada.id}"' in html and "Ask for this researcher" in html


def test_no_e_mail_addresses_on_any_public_page(client, people):
    pages = ["/directory/", "/directory/centres", f"/directory/centres/{people['centre'].id}",
             f"/directory/researchers/{people['ben'].id}", "/"]
    for path in pages:
        assert "@example.edu" not in client.get(path).get_data(as_text=True), path


def test_centre_page_lists_its_listed_members(client, people, db):
    people["hidden"].centre = people["centre"]
    db.session.commit()
    html = client.get(f"/directory/centres/{people['centre'].id}").get_data(as_text=True)
    assert "Center for Safer Streets" in html and "Ben Okafor" in html and "Hidden Hal" not in html
    assert 'href="https://safer.example.edu"' in html
    profile = client.get(f"/directory/researchers/{people['ben'].id}").get_data(as_text=True)
    assert "Center for Safer Streets" in profile
    assert client.get("/directory/centres/999").status_code == 404


def test_overlong_search_is_handled(client, people):
    response = client.get("/directory/?q=" + "burglary+" * 100)
    assert response.status_code == 200
    assert "Please keep the search to 200 characters." in response.get_data(as_text=True)

@pytest.mark.parametrize("path", ["/directory/", "/directory/centres"])
def test_an_absurd_page_number_shows_an_empty_page_not_an_error(client, path):
    response = client.get(path + "?page=999999999999999999999")
    assert response.status_code == 200


def test_graduate_students_are_mentioned_only_when_offered(client, db):
    offering = make_researcher(name="Gina Grads", grad_students=True)
    silent = make_researcher(name="Sol Solo", grad_students=False)
    db.session.add_all([offering, silent])
    db.session.commit()
    assert "Graduate students available" in client.get(f"/directory/researchers/{offering.id}").get_data(as_text=True)
    assert "Graduate students" not in client.get(f"/directory/researchers/{silent.id}").get_data(as_text=True)


def test_a_right_to_left_name_is_isolated_from_the_text_around_it(client, db):
    arabic = make_researcher(name="ليلى حداد", institution="Example University")
    db.session.add(arabic)
    db.session.commit()
    assert "<bdi>ليلى حداد</bdi>" in client.get(f"/directory/researchers/{arabic.id}").get_data(as_text=True)
    assert "<bdi>ليلى حداد</bdi>" in client.get("/directory/").get_data(as_text=True)
