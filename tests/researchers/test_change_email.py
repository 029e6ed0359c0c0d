"""A new e-mail address is used only once its owner follows the link sent to it; the old one is told."""

from __future__ import annotations

from matcher.models import Researcher
from tests.factories import make_researcher
from tests.researchers.helpers import error_beside, link_in, outbox_to
from tests.researchers.test_self_service import signed_in


def test_the_new_address_is_confirmed_before_it_is_used(client, db):
    researcher = signed_in(client, db, email="old@example.edu", name="Dana Whitfield")
    response = client.post("/researchers/profile/email", data={"email": "new@example.org"}, follow_redirects=True)
    assert "We sent a confirmation link to new@example.org" in response.get_data(as_text=True)
    assert db.session.get(Researcher, researcher.id).email == "old@example.edu"  # not yet

    [confirmation] = outbox_to("new@example.org")
    assert client.get(link_in(confirmation)).headers["Location"].endswith("/researchers/profile")
    db.session.expire_all()
    assert db.session.get(Researcher, researcher.id).email == "new@example.org"
    [notice] = [m for m in outbox_to("old@example.edu") if m.kind == "researcher_email_changed"]
    assert "changed to new@example.org" in notice.body

    again = client.get(link_in(confirmation))
    assert again.status_code == 400 and "already been used" in again.get_data(as_text=True)


def test_an_address_another_profile_uses_is_refused_beside_the_field(client, db):
    db.session.add(make_researcher(email="taken@example.edu"))
    db.session.commit()
    signed_in(client, db, email="old@example.edu")
    html = client.post("/researchers/profile/email", data={"email": "Taken@example.edu"}).get_data(as_text=True)
    assert "Another profile already uses this address" in error_beside(html, "email")
    assert 'value="Taken@example.edu"' in html and outbox_to("taken@example.edu") == []


def test_a_link_whose_address_was_taken_meanwhile_changes_nothing(client, db):
    researcher = signed_in(client, db, email="old@example.edu")
    client.post("/researchers/profile/email", data={"email": "new@example.org"})
    [confirmation] = outbox_to("new@example.org")
    db.session.add(make_researcher(email="new@example.org", name="Someone Faster"))
    db.session.commit()
    response = client.get(link_in(confirmation), follow_redirects=True)
    assert "Another profile took this address in the meantime" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Researcher, researcher.id).email == "old@example.edu"
