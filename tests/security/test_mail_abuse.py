"""Public forms cannot flood a mailbox or carry a stranger's text to any address."""

from __future__ import annotations

import threading

from sqlalchemy import event, func, select

from matcher.extensions import db as _db
from matcher.models import OutboxMessage, Problem
from tests.agencies.conftest import install_matching, valid_form
from tests.factories import make_researcher
from tests.researchers.helpers import outbox_to, profile_data

SPAM = "Cheap pills at spam.example"


def test_sign_in_links_to_one_address_stop_at_a_days_worth(client, db):
    db.session.add(make_researcher(email="ada@example.edu"))
    db.session.commit()
    for _ in range(8):
        assert client.post("/researchers/manage", data={"email": "ada@example.edu"}).status_code == 302
        client.post("/researchers/register", data=profile_data(email="ada@example.edu"))
    assert len(outbox_to("ada@example.edu")) == 5


def test_agency_receipts_to_one_address_stop_at_a_days_worth_but_statements_are_kept(client, db, monkeypatch):
    install_matching(monkeypatch, lambda problem: [])
    for n in range(7):
        assert client.post("/agencies/submit", data=valid_form(title=f"Statement {n}")).status_code == 303
    assert db.session.scalar(select(func.count()).select_from(Problem)) == 7
    assert len(outbox_to(valid_form()["email"])) == 5
    assert len(outbox_to("coordinators@example.org")) == 7


def test_the_agency_receipt_repeats_nothing_the_sender_typed(client, db, monkeypatch):
    install_matching(monkeypatch, lambda problem: [])
    client.post("/agencies/submit", data=valid_form(
        email="victim@example.org", title=f"Title {SPAM}", contact_name=f"Name {SPAM}",
        agency_name=f"Agency {SPAM}", description=f"{SPAM}. " * 10))
    receipt = db.session.scalar(select(OutboxMessage).where(OutboxMessage.to == "victim@example.org"))
    assert "spam.example" not in receipt.body.lower() and "spam.example" not in receipt.subject.lower()
    assert "/agencies/status/" in receipt.body


def test_the_confirmation_repeats_nothing_the_registrant_typed(client, db):
    client.post("/researchers/register", data=profile_data(email="victim@example.edu", name=f"Dr {SPAM}"))
    (message,) = outbox_to("victim@example.edu")
    assert "spam.example" not in message.body.lower()


def statements_while_answering(app, client, email: str) -> list[str]:
    """The SQL the request itself runs for 'Manage my profile' (not the job it queues)."""
    request_thread = threading.get_ident()
    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if threading.get_ident() == request_thread:
            seen.append(statement.split()[0].upper())

    with app.app_context():
        engine = _db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        assert client.post("/researchers/manage", data={"email": email}).status_code == 302
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return seen


def test_known_and_unknown_addresses_do_the_same_work_before_the_answer(app, client, db, worker):
    db.session.add(make_researcher(email="ada@example.edu"))
    db.session.commit()
    known = statements_while_answering(app, client, "ada@example.edu")
    unknown = statements_while_answering(app, client, "nobody@example.edu")
    assert known == unknown == []  # the look-up, the queueing and any sending are a job for the worker
    worker.start()
    worker.wait_until(lambda: db.session.expire_all() or outbox_to("ada@example.edu"))
    assert len(outbox_to("ada@example.edu")) == 1 and outbox_to("nobody@example.edu") == []
