"""Registration: validation a user understands, confirmation e-mail, no duplicates, no enumeration."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from matcher.models import OutboxMessage, Researcher
from matcher.services import researchers as service
from tests.factories import make_researcher
from tests.researchers.helpers import TEXT_LIMITS, error_beside, link_in, outbox_to, profile_data, publications

REGISTER = "/researchers/register"


def count_researchers(db) -> int:
    return db.session.scalar(select(func.count(Researcher.id)))


def test_registration_page_offers_three_publication_rows_and_says_the_limits(client):
    html = client.get(REGISTER).get_data(as_text=True)
    assert 'name="publications-2-title"' in html
    assert 'name="publications-3-title"' not in html
    assert "Add another publication" in html
    assert "Up to 120 characters." in html and "Up to 5,000 characters." in html
    assert 'name="website"' in html  # the honeypot


def test_valid_registration_creates_an_unlisted_profile_and_sends_a_confirmation_link(client, db):
    response = client.post(REGISTER, data=profile_data(**publications(2, start=1)))
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Check your e-mail" in page

    researcher = db.session.scalar(select(Researcher))
    assert researcher.email == "dana.whitfield@example.edu"
    assert researcher.confirmed_at is None and not researcher.is_listed
    assert researcher.state == "MA" and researcher.latitude and researcher.longitude
    assert researcher.keywords == ["near-repeat", "CPTED", "hot spots"]
    assert researcher.conflicts == ["Springfield Police Department"]
    assert researcher.capacity == 3 and researcher.grad_students and researcher.remote
    # Newest first; the DOI kept as its doi.org address.
    assert [p.title for p in researcher.publications] == [
        "Study number 2", "Study number 3", "Near-repeat burglary in small cities"]
    assert researcher.publications[2].year == 2019
    assert researcher.publications[2].link == "https://doi.org/10.1234/nrb.2019"

    [message] = outbox_to("dana.whitfield@example.edu")
    assert message.status == "logged"  # no MAIL_SERVER: logged and readable in the outbox
    assert "/researchers/confirm/" in link_in(message)
    assert client.get(f"/directory/researchers/{researcher.id}").status_code == 404


@pytest.mark.parametrize("missing, message", [
    ("name", "Please enter your name."),
    ("email", "Please enter your e-mail address."),
    ("position", "Please enter your position"),
    ("institution", "Please enter your university or institution."),
    ("city", "Please enter your city."),
    ("state", "Please choose your state."),
    ("zip", "Please enter your 5-digit ZIP code."),
    ("statement", "Please describe your research"),
    ("topics", "Please choose at least one problem"),
    ("help_offered", "Please choose at least one kind of help."),
    ("terms", "Please choose at least one option."),
    ("capacity", "how many partnerships"),
])
def test_each_required_field_missing_is_explained_beside_it_and_the_rest_is_kept(client, db, missing, message):
    data = profile_data(**{missing: [] if missing in ("topics", "help_offered", "terms") else ""})
    html = client.post(REGISTER, data=data).get_data(as_text=True)
    assert message in error_beside(html, missing)
    summary = html.split('id="error-summary"')[1].split("</div>")[0]
    assert f'<a href="#{missing}">' in summary and message in summary  # listed at the top, linked to the field
    assert count_researchers(db) == 0
    if missing != "statement":
        assert "I study near-repeat burglary" in html
    if missing != "name":
        assert 'value="Dana Whitfield"' in html
    assert 'value="Near-repeat burglary in small cities"' in html
    assert re.search(r'<input checked[^>]*value="burglary"', html) or missing == "topics"


@pytest.mark.parametrize("email", ["dana", "dana@", "dana@@example.edu", "da na@example.edu"])
def test_malformed_email_is_refused(client, db, email):
    html = client.post(REGISTER, data=profile_data(email=email)).get_data(as_text=True)
    assert "Please enter a valid e-mail address" in error_beside(html, "email")
    assert count_researchers(db) == 0


@pytest.mark.parametrize("zip_code, state, message", [
    ("99999", "MA", "We could not find this ZIP code"),
    ("123", "MA", "Please enter a 5-digit U.S. ZIP code."),
    ("10001", "MA", "ZIP code 10001 is in NY, not MA"),
])
def test_zip_must_exist_and_lie_in_the_state(client, db, zip_code, state, message):
    html = client.post(REGISTER, data=profile_data(zip=zip_code, state=state)).get_data(as_text=True)
    assert message in error_beside(html, "zip")
    assert f'value="{zip_code}"' in html
    assert count_researchers(db) == 0


@pytest.mark.parametrize("name, limit", sorted(TEXT_LIMITS.items()))
def test_overlong_text_is_refused_with_the_limit(client, db, name, limit):
    html = client.post(REGISTER, data=profile_data(**{name: "x" * (limit + 1)})).get_data(as_text=True)
    assert f"Please keep this to {limit} characters or fewer." in error_beside(html, name)
    assert count_researchers(db) == 0


@pytest.mark.parametrize("field, value, message", [
    ("capacity", "0", "from 1 to 10"),
    ("capacity", "11", "from 1 to 10"),
    ("capacity", "two", "from 1 to 10"),
    ("keywords", ", ".join(f"k{i}" for i in range(26)), "at most 25 keywords"),
    ("keywords", "y" * 61, "at most 60 characters"),
    ("conflicts", "\n".join(f"Agency {i}" for i in range(31)), "at most 30 agencies"),
    ("topics", ["burglary", "not-a-topic"], "Please choose only from the options listed."),
])
def test_other_bad_values_are_explained(client, db, field, value, message):
    html = client.post(REGISTER, data=profile_data(**{field: value})).get_data(as_text=True)
    assert message in error_beside(html, field)
    assert count_researchers(db) == 0


@pytest.mark.parametrize("row, field_id, message", [
    ({"publications-1-abstract": "An abstract without a title"}, "publications-1-title",
     "Please enter the publication's title"),
    ({"publications-1-title": "T", "publications-1-year": "1850"}, "publications-1-year",
     "Please enter a year from 1900"),
    ({"publications-1-title": "T", "publications-1-link": "javascript:alert(1)"}, "publications-1-link",
     "Please enter a DOI"),
    ({"publications-1-title": "T" * 301}, "publications-1-title", "300 characters or fewer"),
])
def test_bad_publication_rows_are_explained_beside_the_row(client, db, row, field_id, message):
    html = client.post(REGISTER, data=profile_data(**row)).get_data(as_text=True)
    assert message in error_beside(html, field_id)
    assert count_researchers(db) == 0


def test_twenty_one_publications_are_refused_and_all_are_kept(client, db):
    html = client.post(REGISTER, data=profile_data(**publications(21))).get_data(as_text=True)
    assert "You can list up to 20 publications; please remove 1." in error_beside(html, "publications")
    assert 'value="Study number 21"' in html
    assert count_researchers(db) == 0


def test_twenty_publications_are_accepted(client, db):
    assert client.post(REGISTER, data=profile_data(**publications(20))).status_code == 302
    assert len(db.session.scalar(select(Researcher)).publications) == 20


def test_add_publication_without_javascript_keeps_everything_and_adds_a_row(client, db):
    data = profile_data(**{"publications-1-title": "Second study"})
    html = client.post("/researchers/register/add-publication", data=data).get_data(as_text=True)
    assert 'name="publications-3-title"' in html
    assert 'value="Second study"' in html and 'value="Dana Whitfield"' in html
    assert "Please correct" not in html  # adding a row is not a submission
    assert count_researchers(db) == 0


def test_no_more_rows_are_offered_beyond_twenty(client):
    html = client.post("/researchers/register/add-publication",
                       data=profile_data(**publications(19))).get_data(as_text=True)
    assert 'name="publications-19-title"' in html
    assert "Add another publication</button>" not in html
    assert "You have 20 rows, the most a profile can list." in html


def test_script_in_every_text_field_is_shown_escaped(client, db):
    script = "<script>alert(1)</script>"
    fields = ["name", "position", "institution", "department", "city", "statement", "keywords", "conflicts",
              "publications-0-title", "publications-0-abstract", "email", "zip", "capacity"]
    html = client.post(REGISTER, data=profile_data(**{f: script for f in fields})).get_data(as_text=True)
    assert script not in html
    assert html.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= len(fields)


def without_typed_address(response) -> str:
    """The page with the address the visitor typed (shown back to them) blanked out."""
    return re.sub(r"<strong>[^<]*@[^<]*</strong>", "<strong>ADDRESS</strong>", response.get_data(as_text=True))


def test_registering_a_known_address_sends_a_sign_in_link_and_looks_the_same(client, db):
    db.session.add(make_researcher(email="known@example.edu", name="Known Person"))
    db.session.commit()

    known = client.post(REGISTER, data=profile_data(email="Known@Example.edu"), follow_redirects=True)
    unknown = client.post(REGISTER, data=profile_data(email="new@example.edu"), follow_redirects=True)

    assert known.status_code == unknown.status_code == 200
    # The same page, but for the address each visitor typed (shown back to them).
    assert without_typed_address(known) == without_typed_address(unknown)
    assert count_researchers(db) == 2
    [message] = outbox_to("known@example.edu")
    assert "/researchers/sign-in/" in link_in(message)
    assert "already has a profile" in message.body
    [message] = outbox_to("new@example.edu")
    assert "/researchers/confirm/" in link_in(message)


def test_a_filled_honeypot_is_turned_away_like_a_success(client, db):
    response = client.post(REGISTER, data=profile_data(website="http://spam.example"))
    assert response.status_code == 302 and "check-your-email" in response.headers["Location"]
    assert count_researchers(db) == 0
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0


def test_nothing_is_saved_when_the_confirmation_e_mail_cannot_be_stored(app, db, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("outbox unavailable")

    monkeypatch.setattr(service, "queue_email", broken)
    with app.test_request_context():
        with pytest.raises(RuntimeError):
            service.register("x@example.edu", {**_values(), "name": "X"}, [{"title": "T"}])
    assert count_researchers(db) == 0


def _values() -> dict:
    return dict(name="X", position="P", institution="I", department="", centre_id=None, city="Cambridge",
                state="MA", zip="02139", remote=True, statement="S", keywords=[], topics=["burglary"],
                methods=[], help_offered=["advice"], terms=["free"], grad_students=False, capacity=1,
                conflicts=[])


def test_the_form_says_which_answers_stay_private(client):
    html = client.get(REGISTER).get_data(as_text=True)
    for field, words in (("zip", "Private: never shown on public pages"), ("capacity", "Private: only coordinators"),
                         ("conflicts", "private: only coordinators see this list")):
        assert words in html.split(f'id="{field}-hint"')[1].split("</p>")[0]


def test_the_check_your_email_page_shows_the_address_it_wrote_to(client, db):
    client.post(REGISTER, data=profile_data(email="dana.whitfield@example.edu"))
    html = client.get("/researchers/check-your-email/register").get_data(as_text=True)
    assert "<strong>dana.whitfield@example.edu</strong>" in html


def test_a_tampered_centre_choice_is_explained_in_plain_words(client, db):
    html = client.post(REGISTER, data=profile_data(centre_id="abc")).get_data(as_text=True)
    assert "Please choose a research centre from the list" in error_beside(html, "centre_id")
    assert "coerce" not in html and count_researchers(db) == 0
