"""Manage my profile: sign-in links, the time-limited session, edit, hide, delete, centres."""

from __future__ import annotations

from sqlalchemy import func, select

from matcher.models import AuditEvent, Publication, ResearchCentre, Researcher
from matcher.services import corpus, links
from tests.factories import make_researcher
from tests.researchers.helpers import error_beside, link_in, outbox_to, profile_data, publications
from tests.researchers.test_registration import without_typed_address


def signed_in(client, db, **fields) -> Researcher:
    """A confirmed researcher with two publications, signed in through a sign-in link."""
    researcher = make_researcher(
        publications=[Publication(position=0, title="First study", abstract="About burglary"),
                      Publication(position=1, title="Second study")], **fields)
    db.session.add(researcher)
    db.session.commit()
    token = links.make_token("sign-in", researcher.id, researcher.link_nonce)
    assert client.get(f"/researchers/sign-in/{token}").status_code == 302
    return researcher


def test_manage_my_profile_looks_the_same_for_known_and_unknown_addresses(client, db):
    db.session.add(make_researcher(email="known@example.edu"))
    db.session.commit()
    known = client.post("/researchers/manage", data={"email": "known@example.edu"}, follow_redirects=True)
    unknown = client.post("/researchers/manage", data={"email": "nobody@example.edu"}, follow_redirects=True)
    assert without_typed_address(known) == without_typed_address(unknown)
    assert "If a profile is registered under <strong>known@example.edu</strong>" in known.get_data(as_text=True)
    assert "/researchers/sign-in/" in link_in(outbox_to("known@example.edu")[0])
    assert outbox_to("nobody@example.edu") == []


def test_manage_my_profile_checks_the_address(client):
    html = client.post("/researchers/manage", data={"email": "not an address"}).get_data(as_text=True)
    assert "Please enter a valid e-mail address" in error_beside(html, "email")
    html = client.post("/researchers/manage", data={"email": ""}).get_data(as_text=True)
    assert "Please enter the e-mail address of your profile." in error_beside(html, "email")


def test_manage_honeypot_sends_nothing(client, db):
    db.session.add(make_researcher(email="known@example.edu"))
    db.session.commit()
    response = client.post("/researchers/manage", data={"email": "known@example.edu", "website": "x"})
    assert response.status_code == 302
    assert outbox_to("known@example.edu") == []


def test_own_pages_need_a_sign_in_link(client):
    for path in ("/researchers/profile", "/researchers/profile/edit", "/researchers/profile/delete",
                 "/researchers/centres/new"):
        response = client.get(path)
        assert response.status_code == 302 and response.headers["Location"].endswith("/researchers/manage")


def test_the_session_ends_when_its_time_is_up(client, db, config_override):
    config_override(RESEARCHER_SESSION_SECONDS=-1)
    signed_in(client, db)
    response = client.get("/researchers/profile")
    assert response.status_code == 302
    assert "Your session has ended" in client.get("/researchers/manage").get_data(as_text=True)


def test_sign_in_link_reconfirms_the_profile(client, db):
    from datetime import timedelta

    from matcher.models.types import utcnow

    old = utcnow() - timedelta(days=400)
    researcher = signed_in(client, db, confirmed_at=old)
    db.session.refresh(researcher)
    assert researcher.confirmed_at > old + timedelta(days=399)


def test_edit_form_is_filled_in_with_the_saved_profile(client, db):
    signed_in(client, db, keywords=["alpha", "beta"], conflicts=["Town PD", "County SO"])
    html = client.get("/researchers/profile/edit").get_data(as_text=True)
    assert 'value="alpha, beta"' in html and "Town PD\nCounty SO" in html
    assert 'value="First study"' in html and 'value="Second study"' in html
    assert 'name="publications-2-title"' in html  # an empty row to add one more
    assert 'name="email"' not in html


def test_editing_saves_the_profile_and_replaces_publications(client, db):
    researcher = signed_in(client, db)
    version = corpus.current_version()
    data = profile_data(email=None, statement="Now I study robbery of delivery drivers.",
                        **{"publications-0-title": "Only study"})
    response = client.post("/researchers/profile/edit", data=data)
    assert response.status_code == 302
    db.session.refresh(researcher)
    assert researcher.statement == "Now I study robbery of delivery drivers."
    assert [p.title for p in researcher.publications] == ["Only study"]
    assert db.session.scalar(select(func.count(Publication.id))) == 1
    assert corpus.current_version() == version + 1
    assert "robbery of delivery drivers" in client.get(f"/directory/researchers/{researcher.id}").get_data(
        as_text=True)


def test_a_bad_edit_keeps_what_was_typed_and_saves_nothing(client, db):
    researcher = signed_in(client, db)
    data = profile_data(email=None, zip="10001", statement="Changed", **publications(21))
    html = client.post("/researchers/profile/edit", data=data).get_data(as_text=True)
    assert "is in NY, not MA" in error_beside(html, "zip")
    assert "up to 20 publications" in error_beside(html, "publications")
    assert "Changed</textarea>" in html and 'value="Study number 21"' in html
    db.session.refresh(researcher)
    assert researcher.statement == "Burglary and repeat victimization."
    assert len(researcher.publications) == 2


def test_edit_add_publication_without_javascript(client, db):
    signed_in(client, db)
    data = profile_data(email=None, **{"publications-1-title": "Kept"})
    html = client.post("/researchers/profile/edit/add-publication", data=data).get_data(as_text=True)
    assert 'name="publications-3-title"' in html and 'value="Kept"' in html


def test_hiding_unlists_the_profile_and_showing_lists_it_again(client, db):
    researcher = signed_in(client, db)
    version = corpus.current_version()
    client.post("/researchers/profile/hide")
    db.session.refresh(researcher)
    assert researcher.hidden and not researcher.is_listed
    assert client.get(f"/directory/researchers/{researcher.id}").status_code == 404
    assert researcher.name not in client.get("/directory/").get_data(as_text=True)
    assert "will not be suggested to agencies" in client.get("/researchers/profile").get_data(as_text=True)
    client.post("/researchers/profile/show")
    db.session.refresh(researcher)
    assert researcher.is_listed
    assert corpus.current_version() == version + 2


def test_deleting_removes_the_profile_and_its_publications_and_signs_out(client, db):
    researcher = signed_in(client, db)
    researcher_id, email, name = researcher.id, researcher.email, researcher.name
    assert "delete" in client.get("/researchers/profile/delete").get_data(as_text=True).lower()
    response = client.post("/researchers/profile/delete", follow_redirects=True)
    assert "Your profile and publications are deleted." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Researcher, researcher_id) is None
    assert db.session.scalar(select(func.count(Publication.id))) == 0
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "researcher.deleted")).all()
    assert len(events) == 1 and events[0].actor == "researcher"
    for event in db.session.scalars(select(AuditEvent)):
        assert email not in str(event.details) and name not in str(event.details)
    assert client.get("/researchers/profile").status_code == 302


def test_a_researcher_adds_a_centre_and_it_lists_them_as_member(client, db):
    researcher = signed_in(client, db)
    data = {"name": "Center for Place-Based Prevention", "university": "Example University",
            "website": "https://cpbp.example.edu", "description": "We work with police on places.",
            "city": "Cambridge", "state": "MA", "topics": ["hot-spots"]}
    assert client.post("/researchers/centres/new", data=data).status_code == 302
    centre = db.session.scalar(select(ResearchCentre))
    db.session.refresh(researcher)
    assert researcher.centre_id == centre.id and centre.is_administered_by(researcher)
    html = client.get(f"/directory/centres/{centre.id}").get_data(as_text=True)
    assert researcher.name in html and "We work with police on places." in html
    assert "Center for Place-Based Prevention" in client.get("/directory/centres").get_data(as_text=True)

    html = client.post("/researchers/centres/new", data=data).get_data(as_text=True)
    assert "already listed" in error_beside(html, "name")
    html = client.post(f"/researchers/centres/{centre.id}/edit",
                       data={**data, "website": "ftp://x"}).get_data(as_text=True)
    assert "starting with https://" in error_beside(html, "website")
    client.post(f"/researchers/centres/{centre.id}/edit", data={**data, "description": "Updated."})
    db.session.refresh(centre)
    assert centre.description == "Updated."


def test_only_administrators_edit_a_centre(client, db):
    centre = ResearchCentre(name="Other Centre", university="U", state="MA")
    db.session.add(centre)
    db.session.commit()
    signed_in(client, db)
    assert client.get(f"/researchers/centres/{centre.id}/edit").status_code == 403


def test_joining_a_centre_does_not_grant_editing_it(client, db):
    centre = ResearchCentre(name="Joined Centre", university="U", state="MA", description="Original.")
    db.session.add(centre)
    db.session.commit()
    researcher = signed_in(client, db)
    researcher.centre = centre
    db.session.commit()
    assert "Edit the centre" not in client.get("/researchers/profile").get_data(as_text=True)
    data = {"name": "Hijacked", "university": "U", "state": "MA", "description": "Defaced."}
    assert client.post(f"/researchers/centres/{centre.id}/edit", data=data).status_code == 403
    db.session.refresh(centre)
    assert centre.name == "Joined Centre" and centre.description == "Original."


def test_researchers_join_an_existing_centre_from_the_form(client, db):
    centre = ResearchCentre(name="Existing Centre", university="U", state="MA")
    db.session.add(centre)
    db.session.commit()
    assert "Existing Centre (U)" in client.get("/researchers/register").get_data(as_text=True)
    client.post("/researchers/register", data=profile_data(centre_id=str(centre.id)))
    registrant = db.session.scalar(select(Researcher))
    assert registrant.centre_id is None  # a request, until the centre's administrators approve it
    assert registrant.membership.centre_id == centre.id and not registrant.membership.is_approved
