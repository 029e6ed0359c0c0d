"""The directory's search as a visitor meets it: word forms, names, whole words, relevance, spelling, ZIP."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import update

from matcher.models import Publication, ResearchCentre, Researcher
from matcher.models.types import utcnow
from matcher.services import centres, directory
from matcher.services import researchers as researcher_service
from tests.factories import make_researcher

RESULT_LINK = re.compile(r'<h3><a href="/directory/researchers/(\d+)"><bdi>([^<]+)</bdi></a>')


def found(client, query: str) -> list[str]:
    """Names on the first results page, in order."""
    html = client.get(f"/directory/?{query}").get_data(as_text=True)
    return [name for _, name in RESULT_LINK.findall(html)]


def text_of(client, url: str) -> str:
    """The page's text with tags removed and spaces collapsed."""
    html = client.get(url).get_data(as_text=True)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def add(db, *researchers: Researcher) -> None:
    db.session.add_all(researchers)
    db.session.commit()


# --- with the sample data -------------------------------------------------------------------------


def test_burglary_and_burglaries_find_the_same_researchers(client, seeded):
    singular, plural = found(client, "q=burglary"), found(client, "q=burglaries")
    assert len(singular) >= 7 and set(singular) == set(plural)


@pytest.mark.parametrize("typed, listed", [("chloe", "Chloé Dubois"), ("Jose", "José Ramírez-Ochoa"),
                                           ("Zoe", "Zoë Lindqvist"), ("ramirez", "José Ramírez-Ochoa")])
def test_names_are_found_without_their_accents(client, seeded, typed, listed):
    assert found(client, f"q={typed}") == [listed]


def test_a_state_code_matches_whole_words_not_parts_of_words(client, seeded):
    html = client.get("/directory/?q=PA").get_data(as_text=True)
    assert "5 researchers found" in html
    everyone = client.get("/directory/").get_data(as_text=True)
    assert "67 researchers" in everyone


def test_a_misspelt_search_offers_the_right_spelling_as_a_link(client, seeded):
    html = client.get("/directory/?q=burgalry&state=").get_data(as_text=True)
    assert "No researchers found" in html
    assert "Did you mean burglary?" in " ".join(re.sub(r"<[^>]+>", " ", html).split()).replace(" ?", "?")
    assert re.search(r'Did you mean <a href="/directory/\?[^"]*q=burglary[^"]*">burglary</a>\?', html)


# --- with researchers made for the test ----------------------------------------------------------


def test_a_researcher_who_only_ticked_the_topic_is_found(client, db):
    add(db, make_researcher(name="Tia Topic", statement="Street lighting and place management.", keywords=[],
                            topics=["burglary"]),
        make_researcher(name="Ned Nothing", statement="Traffic calming.", keywords=[], topics=["traffic-safety"]))
    assert found(client, "q=burglary") == ["Tia Topic"]


def test_results_come_in_order_of_relevance_with_what_matched(client, db):
    add(db,
        make_researcher(name="Abe Abstract", statement="Policing and courts.", keywords=["courts"],
                        topics=["community-trust"],
                        publications=[Publication(title="Courts", abstract="One case was a burglary.")]),
        make_researcher(name="Zed Zimmer", statement="Burglary prevention and burglary near repeats.",
                        keywords=["burglary", "target hardening"], topics=["burglary"]))
    assert found(client, "q=burglary") == ["Zed Zimmer", "Abe Abstract"]
    page = text_of(client, "/directory/?q=burglary")
    assert "Matched on: burglary (publications)" in page
    assert "Matched on: burglary (keywords, topic, statement)" in page


def test_filters_still_combine_with_the_text(client, db):
    add(db, make_researcher(name="Ann Illinois", state="IL", city="Chicago", statement="Burglary.",
                            methods=["surveys"], topics=["burglary"]),
        make_researcher(name="Mo Massachusetts", state="MA", statement="Burglary.", methods=["rct"]),
        make_researcher(name="Ian Illinois", state="IL", city="Chicago", statement="Robbery.",
                        topics=["robbery"], methods=["surveys"]))
    assert found(client, "q=burglaries&state=IL") == ["Ann Illinois"]
    assert found(client, "q=burglaries&method=rct") == ["Mo Massachusetts"]
    assert found(client, "q=burglaries&method=surveys&state=MA") == []


def test_common_words_are_left_out_and_said_so(client, db):
    add(db, make_researcher(name="Pat Legit", statement="Police legitimacy."))
    page = text_of(client, "/directory/?q=police")
    assert "Left out as too common to search on: police." in page and "No researchers found" in page
    assert found(client, "q=police+legitimacy") == ["Pat Legit"]


def test_the_centre_name_is_searched_and_a_rename_is_found(client, db):
    """A freshness guard: the centre's name is part of its members' entries in the directory index."""
    centre = ResearchCentre(name="Center for Safer Streets", university="Lakeside University", state="IL")
    member = make_researcher(name="Ben Member", centre=centre)
    add(db, centre, member)
    centres.enrol_members(centre)  # its only member administers it
    assert found(client, "q=safer+streets") == ["Ben Member"]
    centres.update_centre(member, centre, {
        "name": "Institute for Quiet Avenues", "university": "Lakeside University", "website": "",
        "description": "", "city": "Chicago", "state": "IL", "topics": []})
    assert found(client, "q=quiet+avenues") == ["Ben Member"]
    assert found(client, "q=safer+streets") == []


# --- near a ZIP code ------------------------------------------------------------------------------


@pytest.fixture
def spread(db):
    add(db,
        make_researcher(name="Cam Cambridge", city="Cambridge", state="MA", zip="02139",
                        latitude=42.3647, longitude=-71.1042),
        make_researcher(name="Wes Worcester", city="Worcester", state="MA", zip="01609",
                        latitude=42.2826, longitude=-71.8271),
        make_researcher(name="Chi Chicago", city="Chicago", state="IL", zip="60637",
                        latitude=41.7886, longitude=-87.5987),
        make_researcher(name="Nora Nowhere", latitude=None, longitude=None))


def test_a_zip_code_keeps_near_researchers_and_drops_far_ones(client, spread):
    assert found(client, "zip=02108&miles=25") == ["Cam Cambridge"]
    assert found(client, "zip=02108&miles=50") == ["Cam Cambridge", "Wes Worcester"]  # nearest first
    page = text_of(client, "/directory/?zip=02108&miles=50")
    assert "2 researchers found within 50 miles of 02108 (Boston, MA)" in page
    assert "2 miles away" in page and "39 miles away" in page
    assert found(client, "q=burglary&zip=60601&miles=25") == ["Chi Chicago"]


@pytest.mark.parametrize("typed, message", [("00000", "We could not find this ZIP code. Please check it."),
                                            ("Boston", "Please enter a 5-digit U.S. ZIP code.")])
def test_an_unknown_zip_code_gets_a_message_beside_the_field(client, spread, typed, message):
    html = client.get(f"/directory/?zip={typed}&miles=25").get_data(as_text=True)
    assert f'<p class="error" id="zip-error">{message}</p>' in html
    assert 'aria-invalid="true"' in html and "Please check the search" in html
    assert not RESULT_LINK.search(html)


# --- similar researchers --------------------------------------------------------------------------


def test_the_profile_page_lists_similar_listed_researchers(client, db):
    burglary = dict(statement="Residential burglary, near-repeat victimisation and target hardening.",
                    keywords=["burglary", "near repeat"], topics=["burglary", "repeat-victimization"])
    ada = make_researcher(name="Ada Burglary", **burglary)
    bo = make_researcher(name="Bo Burglary", **burglary)
    cy = make_researcher(name="Cy Burglary", **burglary)
    hidden = make_researcher(name="Hal Hidden", hidden=True, **burglary)
    far = make_researcher(name="Gus Guns", statement="Gun violence and street outreach.", keywords=["shootings"],
                          topics=["gun-violence"], methods=["qualitative"])
    add(db, ada, bo, cy, hidden, far)
    page = text_of(client, f"/directory/researchers/{ada.id}")
    similar = page.split("Similar researchers", 1)[1]
    assert "Bo Burglary" in similar and "Cy Burglary" in similar
    assert "Hal Hidden" not in similar and "Gus Guns" not in similar and "Ada Burglary" not in similar


# --- every process follows the corpus version -----------------------------------------------------


def test_a_process_with_an_older_index_catches_up_when_the_corpus_version_moves(client, db, monkeypatch):
    ada = make_researcher(name="Ada Early", statement="Burglary.", topics=["gangs"])
    add(db, ada)
    db.session.commit()
    assert found(client, "q=burglary") == ["Ada Early"]
    extensions = client.application.extensions
    older = extensions[directory.SEARCH_INDEX_KEY]
    monkeypatch.setitem(extensions, directory.SEARCH_INDEX_KEY, directory._ProcessSearch())
    researcher_service.update_profile(ada, {"statement": "Robbery of delivery drivers."}, [])
    assert found(client, "q=robbery") == ["Ada Early"]  # this process built its index after the change
    monkeypatch.setitem(extensions, directory.SEARCH_INDEX_KEY, older)
    assert found(client, "q=robbery") == ["Ada Early"] and found(client, "q=burglary") == []
    researcher_service.set_hidden(ada, True)
    assert found(client, "q=robbery") == []


def test_a_page_past_the_end_shows_the_last_page(client, db):
    add(db, *[make_researcher(name=f"Researcher {i:02d}", statement="Burglary.") for i in range(25)])
    html = client.get("/directory/?q=burglary&page=7").get_data(as_text=True)
    assert "Page 2 of 2" in html and len(RESULT_LINK.findall(html)) == 5


def test_a_change_saved_with_an_old_timestamp_still_reaches_the_search(client, db):
    """Catch-up goes by version stamps: a save whose clock lags (another server, a transaction that began
    before the last sync) still counts."""
    ada = make_researcher(name="Ada Early", statement="Pickpocketing on trams.")
    add(db, ada)
    db.session.commit()
    assert found(client, "q=pickpocketing") == ["Ada Early"]
    ada.statement = "Carjacking of delivery drivers."
    db.session.commit()
    db.session.execute(update(Researcher).where(Researcher.id == ada.id)
                       .values(updated_at=utcnow() - timedelta(hours=1)))
    db.session.commit()
    assert found(client, "q=carjacking") == ["Ada Early"] and found(client, "q=pickpocketing") == []
