"""'Send me my status links again': the links go only to the address the statements came from."""

from __future__ import annotations

from sqlalchemy import select

from matcher.models import OutboxMessage
from tests.factories import make_problem


def links_mail(db, address: str) -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.to == address, OutboxMessage.kind == "agency_status_links")))


def test_every_statement_from_the_address_comes_back_by_email_newest_first(client, db):
    older = make_problem(email="Dana@Harborview.example.gov", title="Break-ins on the east side")
    newer = make_problem(email="dana@harborview.example.gov", title="Thefts from cars downtown")
    other = make_problem(email="someone@else.example.gov", title="Overdoses after release")
    db.session.add_all([older, newer, other])
    db.session.commit()
    response = client.post("/agencies/status-links", data={"email": "dana@harborview.example.gov"},
                           follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "we have e-mailed their status links to it" in page
    assert older.status_token not in page and newer.status_token not in page  # only the mailbox gets them
    [message] = links_mail(db, "dana@harborview.example.gov")  # as written in the newest statement
    assert message.body.index(newer.status_token) < message.body.index(older.status_token)
    assert f"Reference {older.id}" in message.body and other.status_token not in message.body


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client, db):
    db.session.add(make_problem(email="known@example.gov"))
    db.session.commit()
    known = client.post("/agencies/status-links", data={"email": "known@example.gov"}, follow_redirects=True)
    unknown = client.post("/agencies/status-links", data={"email": "nobody@example.gov"}, follow_redirects=True)
    assert known.get_data(as_text=True).replace("known@", "X@") == unknown.get_data(as_text=True).replace(
        "nobody@", "X@")
    assert links_mail(db, "nobody@example.gov") == []


def test_a_bad_address_is_explained_beside_the_field_and_kept(client):
    html = client.post("/agencies/status-links", data={"email": "not an address"}).get_data(as_text=True)
    assert 'id="email-error"' in html and 'value="not an address"' in html


def test_the_daily_cap_on_unasked_for_mail_applies(client, db, app):
    db.session.add(make_problem(email="dana@example.gov"))
    db.session.commit()
    for _ in range(app.config["MAIL_PER_RECIPIENT_PER_DAY"] + 2):
        client.post("/agencies/status-links", data={"email": "dana@example.gov"})
    assert len(links_mail(db, "dana@example.gov")) == app.config["MAIL_PER_RECIPIENT_PER_DAY"]


def test_the_agency_page_and_the_confirmation_lead_to_it(client):
    assert "/agencies/status-links" in client.get("/agencies/").get_data(as_text=True)
