"""Centre pages: asking to join from the profile page, the administrator's decisions, leaving, the public pages
showing only approved members, and the coordinators' centres page."""

from __future__ import annotations

from html import unescape

from sqlalchemy import select

from matcher.models import ResearchCentre, Researcher
from matcher.services import accounts, centres, links
from tests.factories import make_researcher
from tests.researchers.helpers import error_beside, outbox_to, profile_data
from tests.researchers.test_centres import CENTRE

PASSWORD = "a long enough password"


def saved(db, **fields) -> Researcher:
    person = make_researcher(**fields)
    db.session.add(person)
    db.session.commit()
    return person


def sign_in_as(client, person: Researcher) -> None:
    client.post("/researchers/sign-out", data={})
    token = links.make_token("sign-in", person.id, person.link_nonce)
    assert client.get(f"/researchers/sign-in/{token}").status_code == 302


def centre_with_founder(db, **fields) -> tuple[Researcher, ResearchCentre]:
    founder = saved(db, name="Fran Founder", **fields)
    return founder, centres.create_centre(founder, CENTRE)


def test_a_researcher_asks_to_join_and_the_administrator_approves(client, db):
    founder, centre = centre_with_founder(db)
    asker = saved(db, name="Ari Asker")
    sign_in_as(client, asker)
    html = client.get("/researchers/profile").get_data(as_text=True)
    assert "Ask to join" in html and f"{CENTRE['name']} (Example University)" in html
    assert '<option selected value="0">Choose a centre</option>' in html  # nothing chosen for them
    response = client.post("/researchers/centres/join", data={"centre_id": str(centre.id)}, follow_redirects=True)
    assert "is sent to its administrators" in response.get_data(as_text=True)
    assert "waiting for its administrators' approval" in unescape(response.get_data(as_text=True))
    assert "Ari Asker" not in client.get(f"/directory/centres/{centre.id}").get_data(as_text=True)
    assert "Ari Asker asks to join" in outbox_to(founder.email)[0].subject

    sign_in_as(client, founder)
    html = client.get("/researchers/profile").get_data(as_text=True)
    assert "Requests to join" in html and "Ari Asker" in html
    request_id = db.session.scalar(select(Researcher).where(Researcher.id == asker.id)).membership.id
    response = client.post(f"/researchers/centres/{centre.id}/requests/{request_id}/approve", data={},
                           follow_redirects=True)
    assert f"Ari Asker is now a member of {CENTRE['name']}" in response.get_data(as_text=True)
    assert "Ari Asker" in client.get(f"/directory/centres/{centre.id}").get_data(as_text=True)


def test_a_member_cannot_decide_or_appoint(client, db):
    founder, centre = centre_with_founder(db)
    plain, asker = saved(db), saved(db)
    centres.request_to_join(plain, centre)
    centres.approve(founder, centre, plain.membership.id)
    centres.request_to_join(asker, centre)
    sign_in_as(client, plain)
    html = client.get("/researchers/profile").get_data(as_text=True)
    assert "Requests to join" not in html and "Leave " + CENTRE["name"] in html
    response = client.post(f"/researchers/centres/{centre.id}/requests/{asker.membership.id}/approve", data={},
                           follow_redirects=True)
    assert "Only the centre's administrators" in unescape(response.get_data(as_text=True))
    response = client.post(f"/researchers/centres/{centre.id}/members/{plain.membership.id}/administrator",
                           data={}, follow_redirects=True)
    assert "Only the centre's administrators" in unescape(response.get_data(as_text=True))
    db.session.expire_all()
    assert not asker.membership.is_approved and not centre.is_administered_by(plain)


def test_a_tampered_centre_id_is_explained_beside_the_field(client, db):
    centre_with_founder(db)
    sign_in_as(client, saved(db))
    for tampered in ("abc", "999999", "", "0"):
        response = client.post("/researchers/centres/join", data={"centre_id": tampered})
        assert response.status_code == 400
        assert error_beside(response.get_data(as_text=True), "centre_id") == \
            "Please choose a research centre from the list."
    html = client.post("/researchers/profile/edit", data=profile_data(centre_id="abc")).get_data(as_text=True)
    assert "Please choose a research centre from the list (or None)." in error_beside(html, "centre_id")


def test_the_edit_form_asks_to_join_and_none_withdraws(client, db):
    founder, centre = centre_with_founder(db)
    asker = saved(db)
    sign_in_as(client, asker)
    data = profile_data(centre_id=str(centre.id))
    del data["email"]
    assert client.post("/researchers/profile/edit", data=data).status_code == 302
    db.session.expire_all()
    assert asker.membership.centre_id == centre.id and asker.centre_id is None
    html = client.get("/researchers/profile/edit").get_data(as_text=True)
    assert f'<option selected value="{centre.id}">' in html  # the request shows as the choice
    client.post("/researchers/profile/edit", data={**data, "centre_id": "0"})
    db.session.expire_all()
    assert asker.membership is None


def test_the_last_administrator_leaves_and_is_told_who_takes_over(client, db):
    founder, centre = centre_with_founder(db)
    heir = saved(db, name="Hana Heir")
    centres.request_to_join(heir, centre)
    centres.approve(founder, centre, heir.membership.id)
    sign_in_as(client, founder)
    html = client.get("/researchers/profile").get_data(as_text=True)
    assert "You are its only administrator" in html
    response = client.post("/researchers/centres/leave", data={}, follow_redirects=True)
    assert "You have left the centre." in response.get_data(as_text=True)
    db.session.expire_all()
    assert [p.name for p in centre.administrators] == ["Hana Heir"]
    assert "Fran Founder" not in client.get(f"/directory/centres/{centre.id}").get_data(as_text=True)


def test_an_administrator_appoints_a_member_from_the_profile_page(client, db):
    founder, centre = centre_with_founder(db)
    deputy = saved(db, name="Dee Deputy")
    centres.request_to_join(deputy, centre)
    centres.approve(founder, centre, deputy.membership.id)
    sign_in_as(client, founder)
    response = client.post(f"/researchers/centres/{centre.id}/members/{deputy.membership.id}/administrator",
                           data={}, follow_redirects=True)
    assert "Dee Deputy now administers" in response.get_data(as_text=True)
    sign_in_as(client, deputy)
    html = client.get("/researchers/profile").get_data(as_text=True)
    assert "You are an administrator of" in html and "Edit the centre's profile" in html


def test_coordinators_see_and_run_the_centres_nobody_else_administers(client, db):
    accounts.create_coordinator("coord@example.org", PASSWORD, name="Casey")
    founder, centre = centre_with_founder(db)
    asker = saved(db, name="Ari Asker")
    centres.request_to_join(asker, centre)
    centres.leave(founder)
    assert client.get("/coordinators/centres").status_code == 302  # signed out: to the sign-in page
    client.post("/coordinators/sign-in", data={"email": "coord@example.org", "password": PASSWORD})
    html = client.get("/coordinators/centres").get_data(as_text=True)
    assert "Administered by the coordinators" in html and "Ari Asker" in html
    assert 'href="/coordinators/centres"' in html  # the workspace's navigation links the page
    listing = client.get("/directory/centres").get_data(as_text=True)
    assert "Administered by the coordinators" in listing

    client.post(f"/coordinators/centres/{centre.id}/requests/{asker.membership.id}/approve", data={})
    response = client.post(f"/coordinators/centres/{centre.id}/members/{asker.membership.id}/administrator",
                           data={}, follow_redirects=True)
    assert f"Ari Asker now administers {CENTRE['name']}" in response.get_data(as_text=True)
    db.session.expire_all()
    assert not centre.administered_by_coordinators and centre.is_administered_by(asker)
    assert "None: every centre has an administrator." in client.get("/coordinators/centres").get_data(as_text=True)


def test_researchers_cannot_open_the_coordinators_centres_page(client, db):
    sign_in_as(client, saved(db))
    assert client.get("/coordinators/centres").status_code == 403
