"""Confirmation and sign-in links: signed, expiring, one purpose each."""

from __future__ import annotations

from sqlalchemy import select

from matcher.models import Researcher
from matcher.services import corpus, links
from tests.factories import make_researcher
from tests.researchers.helpers import link_in, outbox_to, profile_data


def register(client, db, **overrides) -> Researcher:
    client.post("/researchers/register", data=profile_data(**overrides))
    return db.session.scalar(select(Researcher).order_by(Researcher.id.desc()))


def test_following_the_confirmation_link_lists_the_profile_and_signs_in(client, db):
    researcher = register(client, db)
    version = corpus.current_version()
    response = client.get(link_in(outbox_to(researcher.email)[0]))
    assert response.status_code == 302 and response.headers["Location"].endswith("/researchers/profile")
    page = client.get("/researchers/profile").get_data(as_text=True)
    assert "your e-mail address is confirmed" in page and "Listed" in page
    db.session.refresh(researcher)
    assert researcher.is_listed
    assert corpus.current_version() == version + 1
    assert client.get(f"/directory/researchers/{researcher.id}").status_code == 200


def test_an_expired_confirmation_link_is_explained_and_changes_nothing(client, db, config_override):
    researcher = register(client, db)
    config_override(CONFIRM_LINK_MAX_AGE=-1)
    response = client.get(link_in(outbox_to(researcher.email)[0]))
    assert response.status_code == 400
    assert "This link has expired" in response.get_data(as_text=True)
    db.session.refresh(researcher)
    assert researcher.confirmed_at is None
    assert client.get("/researchers/profile").status_code == 302  # not signed in


def test_a_tampered_link_does_not_work(client, db):
    researcher = register(client, db)
    path = link_in(outbox_to(researcher.email)[0])
    for broken in (path[:-3] + ("AAA" if not path.endswith("AAA") else "BBB"), path + "x",
                   "/researchers/confirm/not-a-token"):
        response = client.get(broken)
        assert response.status_code == 400
        assert "This link does not work" in response.get_data(as_text=True)
    db.session.refresh(researcher)
    assert researcher.confirmed_at is None


def test_a_confirmation_token_does_not_open_a_sign_in_link(client, db):
    researcher = register(client, db)
    token = link_in(outbox_to(researcher.email)[0]).rsplit("/", 1)[1]
    assert client.get(f"/researchers/sign-in/{token}").status_code == 400


def test_a_link_for_a_deleted_profile_does_not_work(client, db):
    researcher = make_researcher(email="gone@example.edu")
    db.session.add(researcher)
    db.session.commit()
    token = links.make_token("sign-in", researcher.id, researcher.link_nonce)
    db.session.delete(researcher)
    db.session.commit()
    assert client.get(f"/researchers/sign-in/{token}").status_code == 400


def test_sign_in_link_made_for_an_earlier_holder_of_the_same_id_does_not_work(client, db):
    researcher = make_researcher(email="now@example.edu")
    db.session.add(researcher)
    db.session.commit()
    token = links.make_token("sign-in", researcher.id, "an earlier nonce")
    assert client.get(f"/researchers/sign-in/{token}").status_code == 400
