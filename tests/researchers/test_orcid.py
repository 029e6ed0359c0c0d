"""The ORCID iD and web page on the profile, and importing works from ORCID (recorded answers, never the network)."""

from __future__ import annotations

import json
import urllib.error
from pathlib import Path

import pytest

from matcher.publications import rows_from_orcid_works
from matcher.services import orcid
from tests.researchers.helpers import error_beside, profile_data
from tests.researchers.test_import_form import rows_shown
from tests.researchers.test_self_service import signed_in

FIXTURES = Path(__file__).parent.parent / "fixtures" / "publications"
RECORDED = FIXTURES / "orcid_works_0000-0002-1825-0097.json"


class RecordedOrcid:
    """Stands in for orcid.http_get: answers from a recorded file, or fails as told; remembers the requests."""

    def __init__(self, body: bytes | None = None, error: Exception | None = None):
        self.body, self.error, self.requests = body, error, []

    def __call__(self, url: str, timeout: float) -> bytes:
        self.requests.append((url, timeout))
        if self.error is not None:
            raise self.error
        return self.body


@pytest.fixture
def recorded(monkeypatch):
    """Install a fake ORCID transport; returns a function that sets what it answers."""

    def install(body: bytes | None = None, error: Exception | None = None) -> RecordedOrcid:
        fake = RecordedOrcid(body, error)
        monkeypatch.setattr(orcid, "http_get", fake)
        return fake

    return install


def test_the_recorded_works_answer_maps_one_row_per_work_with_its_own_doi():
    rows = rows_from_orcid_works(json.loads(RECORDED.read_text()))
    assert rows == [
        {"title": "Body-Worn Cameras and Complaints: A Randomized Trial", "year": "2023", "abstract": "",
         "link": "https://doi.org/10.5555/jqc.2023.abc"},
        {"title": "Focused Deterrence and Gun Violence: A Replication in Three Cities", "year": "2020",
         "abstract": "", "link": "https://doi.org/10.1177/0011128720912345"},
        # The book's part-of DOI is not this chapter's: its own web address is used instead.
        {"title": "Street Lighting and Night-Time Crime", "year": "2017", "abstract": "",
         "link": "https://repository.example.edu/handle/1234/5678"},
        {"title": "Working paper on burglary displacement", "year": "", "abstract": "", "link": ""},
    ]


@pytest.mark.parametrize("answer", [{}, {"group": None}, {"group": [None, {"work-summary": None}]}, []])
def test_odd_answers_map_to_no_rows(answer):
    assert rows_from_orcid_works(answer) == []


def test_the_client_asks_for_json_with_a_short_timeout(app_ctx, monkeypatch):
    seen = {}

    class Answer:
        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def read(self, limit):
            return RECORDED.read_bytes()

    def fake_urlopen(request, timeout):
        seen.update(url=request.full_url, accept=request.get_header("Accept"), timeout=timeout)
        return Answer()

    monkeypatch.setattr(orcid.urllib.request, "urlopen", fake_urlopen)
    works = orcid.fetch_works("0000-0002-1825-0097")
    assert len(works["group"]) == 5
    assert seen == {"url": "https://pub.orcid.org/v3.0/0000-0002-1825-0097/works", "accept": "application/json",
                    "timeout": orcid.DEFAULT_TIMEOUT_SECONDS}


@pytest.mark.parametrize(("error", "expected"), [
    (urllib.error.URLError("Name or service not known"), orcid.Unavailable),
    (TimeoutError("timed out"), orcid.Unavailable),
    (orcid.HttpError(503), orcid.Unavailable),
    (orcid.HttpError(404), orcid.NotFound),
])
def test_the_client_turns_failures_into_two_kinds(app_ctx, recorded, error, expected):
    recorded(error=error)
    with pytest.raises(expected):
        orcid.fetch_works("0000-0002-1825-0097")


@pytest.mark.parametrize("body", [b"<html>maintenance</html>", b"[1, 2]"])
def test_the_client_refuses_an_answer_that_is_not_a_works_record(app_ctx, recorded, body):
    recorded(body=body)
    with pytest.raises(orcid.Unavailable):
        orcid.fetch_works("0000-0002-1825-0097")


def test_import_from_orcid_adds_the_recorded_works_for_review(client, db, recorded):
    researcher = signed_in(client, db)
    fake = recorded(body=RECORDED.read_bytes())
    data = profile_data(email=None, orcid="https://orcid.org/0000-0002-1825-0097", statement="Typed first.")
    html = client.post("/researchers/profile/edit/import-orcid", data=data).get_data(as_text=True)
    assert fake.requests[0][0] == "https://pub.orcid.org/v3.0/0000-0002-1825-0097/works"
    assert [row[0] for row in rows_shown(html)] == [
        "Body-Worn Cameras and Complaints: A Randomized Trial",
        "Focused Deterrence and Gun Violence: A Replication in Three Cities",
        "Near-repeat burglary in small cities",
        "Street Lighting and Night-Time Crime",
        "Working paper on burglary displacement",
    ]
    assert "4 publications from ORCID are added" in html.split('id="orcid-notice"', 1)[1][:300]
    assert 'value="0000-0002-1825-0097"' in html and "Typed first.</textarea>" in html
    db.session.refresh(researcher)
    assert len(researcher.publications) == 2  # nothing saved until the form is


def test_when_orcid_cannot_be_reached_the_form_says_so_beside_the_field_and_keeps_everything(client, db, recorded):
    signed_in(client, db)
    recorded(error=urllib.error.URLError("[Errno -2] Name or service not known"))
    data = profile_data(email=None, orcid="0000-0002-1825-0097", statement="Nothing lost.",
                        **{"publications-1-title": "Typed row"})
    response = client.post("/researchers/profile/edit/import-orcid", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "We could not reach ORCID just now" in error_beside(html, "orcid")
    assert "Nothing lost.</textarea>" in html and 'value="Typed row"' in html
    assert 'value="0000-0002-1825-0097"' in html


def test_an_unknown_or_mistyped_orcid_id_is_explained_beside_the_field(client, db, recorded):
    signed_in(client, db)
    recorded(error=orcid.HttpError(404))
    html = client.post("/researchers/profile/edit/import-orcid",
                       data=profile_data(email=None, orcid="0000-0001-5109-3700")).get_data(as_text=True)
    assert "ORCID has no public record for 0000-0001-5109-3700" in error_beside(html, "orcid")
    fake = recorded(body=b"{}")
    html = client.post("/researchers/profile/edit/import-orcid",
                       data=profile_data(email=None, orcid="0000-0002-1825-0098")).get_data(as_text=True)
    assert "not a valid ORCID iD" in error_beside(html, "orcid") and fake.requests == []
    html = client.post("/researchers/profile/edit/import-orcid",
                       data=profile_data(email=None, orcid="")).get_data(as_text=True)
    assert "Please enter your ORCID iD" in error_beside(html, "orcid")


def test_a_record_without_public_works_says_so(client, db, recorded):
    signed_in(client, db)
    recorded(body=(FIXTURES / "orcid_works_empty.json").read_bytes())
    html = client.post("/researchers/profile/edit/import-orcid",
                       data=profile_data(email=None, orcid="0000-0001-5109-3700")).get_data(as_text=True)
    assert "ORCID lists no public works for 0000-0001-5109-3700" in html


def test_orcid_id_and_web_page_are_saved_checked_and_shown_on_the_public_profile(client, db):
    researcher = signed_in(client, db)
    data = profile_data(email=None, orcid="0000 0002 1694 233x", web_page="https://crime.example.edu/~lee")
    assert client.post("/researchers/profile/edit", data=data).status_code == 302
    db.session.refresh(researcher)
    assert (researcher.orcid, researcher.website) == ("0000-0002-1694-233X", "https://crime.example.edu/~lee")
    public = client.get(f"/directory/researchers/{researcher.id}").get_data(as_text=True)
    assert '<a href="https://orcid.org/0000-0002-1694-233X"' in public
    assert '<a href="https://crime.example.edu/~lee"' in public
    edit = client.get("/researchers/profile/edit").get_data(as_text=True)
    assert 'value="0000-0002-1694-233X"' in edit and 'value="https://crime.example.edu/~lee"' in edit


def test_a_bad_orcid_id_or_web_page_is_explained_and_nothing_is_saved(client, db):
    researcher = signed_in(client, db)
    data = profile_data(email=None, orcid="0000-0002-1825-0098", web_page="crime.example.edu")
    html = client.post("/researchers/profile/edit", data=data).get_data(as_text=True)
    assert "check for a mistyped digit" in error_beside(html, "orcid")
    assert "starting with https://" in error_beside(html, "web_page")
    db.session.refresh(researcher)
    assert researcher.orcid == "" and researcher.website == ""


def test_registration_takes_an_orcid_id_and_web_page_but_offers_no_orcid_import(client, db):
    from matcher.models import Researcher

    html = client.get("/researchers/register").get_data(as_text=True)
    assert 'name="orcid"' in html and 'name="web_page"' in html and "Import from ORCID</button>" not in html
    data = profile_data(orcid="0000-0002-1825-0097", web_page="https://example.edu/dana")
    assert client.post("/researchers/register", data=data).status_code == 302
    researcher = db.session.query(Researcher).one()
    assert (researcher.orcid, researcher.website) == ("0000-0002-1825-0097", "https://example.edu/dana")
