"""The coordinators' Contacts page and the count of relayed messages on the reports page."""

from __future__ import annotations

from datetime import timedelta

from matcher.models import ContactRequest
from matcher.models.types import utcnow
from tests.factories import make_researcher


def contact(researcher, **fields) -> ContactRequest:
    values = dict(researcher=researcher, sender_name="Pat Analyst", organisation="Riverton PD",
                  sender_email="pat@riverton.example.gov", subject="Garage break-ins",
                  message="Could you advise on an evaluation design for the garages?")
    values.update(fields)
    return ContactRequest(**values)


def test_the_contacts_page_needs_a_coordinator(client):
    response = client.get("/coordinators/contacts")
    assert response.status_code == 302 and "/coordinators/sign-in" in response.headers["Location"]


def test_coordinators_see_who_wrote_to_whom_when_with_the_message_and_its_status(coord_client, db):
    ada = make_researcher(name="Ada Burgess")
    db.session.add(ada)
    db.session.add_all([
        contact(ada, status="relayed", confirmed_at=utcnow()),
        contact(ada, sender_name="Sam Sheriff", organisation="Lake County SO", subject="Warrants",
                message="A question about warrant backlogs and failure to appear."),
        contact(ada, sender_name="Old Owen", subject="Long ago", created_at=utcnow() - timedelta(days=5)),
        contact(ada, sender_name="Ray Refused", status="refused",
                outcome_note="The researcher no longer accepts messages."),
    ])
    db.session.commit()
    page = coord_client.get("/coordinators/contacts").get_data(as_text=True)
    assert 'aria-current="page">Contacts' in page
    for text in ("Pat Analyst", "Riverton PD", "pat@riverton.example.gov", "Ada Burgess", "Garage break-ins",
                 "Could you advise on an evaluation design", "Sam Sheriff", "Lake County SO",
                 "A question about warrant backlogs", "The researcher no longer accepts messages."):
        assert text in page
    assert page.index("Ray Refused") < page.index("Pat Analyst") < page.index("Old Owen")  # newest first
    assert page.count(">Relayed</span>") == 1 and page.count("Awaiting confirmation") == 1
    assert page.count(">Expired</span>") == 1 and page.count(">Refused</span>") == 1


def test_reports_count_the_messages_relayed(coord_client, db):
    ada = make_researcher()
    db.session.add(ada)
    db.session.add_all([contact(ada, status="relayed", confirmed_at=utcnow()) for _ in range(3)]
                       + [contact(ada)])
    db.session.commit()
    page = coord_client.get("/coordinators/reports").get_data(as_text=True)
    assert "<dt>Messages relayed to researchers</dt><dd>3</dd>" in page
    assert "Messages: 3 of 4 written through researchers' profiles" in page.replace("&#39;", "'")
