"""A save after the session ended keeps what was typed; the e-mailed sign-in link brings the edit back."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from matcher.auth import RESEARCHER_EXPIRY_KEY
from matcher.models import ProfileDraft, Researcher
from matcher.models.types import utcnow
from tests.researchers.helpers import link_in, outbox_to, profile_data
from tests.researchers.test_self_service import signed_in

NEW_STATEMENT = "I now study repeat victimisation of small shops and how to prevent it, with city partners."


def end_session(client) -> None:
    with client.session_transaction() as session:
        session[RESEARCHER_EXPIRY_KEY] = 0


def drafts(db) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(ProfileDraft))


def test_a_late_save_is_kept_and_the_new_link_brings_it_back_ready_to_save(client, db):
    researcher = signed_in(client, db, email="dana@example.edu")
    assert "Your session ends at" in client.get("/researchers/profile/edit").get_data(as_text=True)
    end_session(client)

    late = client.post("/researchers/profile/edit", data=profile_data(email="", statement=NEW_STATEMENT))
    assert late.status_code == 401
    assert "we kept what you typed" in late.get_data(as_text=True) and drafts(db) == 1
    assert db.session.get(Researcher, researcher.id).statement != NEW_STATEMENT  # nothing saved behind their back
    [link_mail] = [m for m in outbox_to("dana@example.edu") if "bring it back" in m.body]

    followed = client.get(link_in(link_mail))
    assert followed.headers["Location"].endswith("/researchers/profile/edit")
    page = client.get("/researchers/profile/edit").get_data(as_text=True)
    assert "We brought back what you typed before your session ended" in page and NEW_STATEMENT in page
    assert drafts(db) == 0  # handed over once

    client.post("/researchers/profile/edit", data=profile_data(email="", statement=NEW_STATEMENT))
    assert db.session.get(Researcher, researcher.id).statement == NEW_STATEMENT


def test_a_draft_older_than_a_day_is_not_brought_back(client, db):
    signed_in(client, db, email="dana@example.edu")
    end_session(client)
    client.post("/researchers/profile/edit", data=profile_data(email="", statement=NEW_STATEMENT))
    db.session.execute(ProfileDraft.__table__.update().values(created_at=utcnow() - timedelta(hours=25)))
    db.session.commit()
    [link_mail] = [m for m in outbox_to("dana@example.edu") if "bring it back" in m.body]
    assert client.get(link_in(link_mail)).headers["Location"].endswith("/researchers/profile")
    assert NEW_STATEMENT not in client.get("/researchers/profile/edit").get_data(as_text=True)


def test_after_a_sign_out_elsewhere_the_text_is_shown_to_copy_but_not_kept(client, db):
    researcher = signed_in(client, db, email="dana@example.edu")
    researcher.session_nonce = "changed-by-a-sign-out-elsewhere"
    db.session.commit()
    late = client.post("/researchers/profile/edit", data=profile_data(email="", statement=NEW_STATEMENT))
    page = late.get_data(as_text=True)
    assert "nothing was saved. Copy what you typed" in page and NEW_STATEMENT in page
    assert drafts(db) == 0


def test_adding_a_publication_row_after_the_session_ended_keeps_the_form_too(client, db):
    signed_in(client, db, email="dana@example.edu")
    end_session(client)
    late = client.post("/researchers/profile/edit/add-publication",
                       data=profile_data(email="", statement=NEW_STATEMENT))
    assert late.status_code == 401 and drafts(db) == 1
