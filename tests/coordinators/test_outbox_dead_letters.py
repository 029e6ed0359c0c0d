"""Messages the worker gave up on ("dead") wait on the outbox page for a coordinator to resend them."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from matcher.extensions import db
from matcher.models import OutboxMessage


def test_a_dead_message_is_shown_and_resent_with_a_fresh_set_of_attempts(coord_client, smtp_inbox, config_override):
    config_override(MAIL_MAX_ATTEMPTS=3)
    db.session.add(OutboxMessage(to="lost@example.org", subject="Introduction", body="Hello", status="dead",
                                 attempts=3, last_error="Connection refused"))
    db.session.commit()
    page = coord_client.get("/coordinators/outbox?state=dead").get_data(as_text=True)
    assert "Connection refused" in page and "Dead" in page and page.count("Resend</button>") == 1
    assert "Undeliverable e-mails" in coord_client.get("/coordinators/").get_data(as_text=True)

    message = db.session.scalar(select(OutboxMessage))
    response = coord_client.post(f"/coordinators/outbox/{message.id}/resend", follow_redirects=True)
    assert "The message was sent." in response.get_data(as_text=True)
    assert smtp_inbox.last_to("lost@example.org")["Subject"] == "Introduction"
    db.session.expire_all()
    assert (message.status, message.attempts) == ("sent", 1)


def test_a_resend_that_fails_again_says_so(coord_client, config_override):
    from tests.fixtures.smtp import free_port

    config_override(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port())
    db.session.add(OutboxMessage(to="lost@example.org", subject="Hi", body="Hello", status="failed", attempts=1))
    db.session.commit()
    message = db.session.scalar(select(OutboxMessage))
    response = coord_client.post(f"/coordinators/outbox/{message.id}/resend", follow_redirects=True)
    assert "The message failed again" in response.get_data(as_text=True)
    db.session.expire_all()
    assert (message.status, message.attempts) == ("failed", 2)


def test_resend_never_undoes_a_claim_made_meanwhile(db, coordinator):
    """A retry job claimed the failed message between the page and the Resend click: it is not sent twice."""
    from sqlalchemy import update
    from sqlalchemy.orm import Session

    from matcher.models.types import utcnow
    from matcher.services import outbox_admin
    from matcher.services.coordination import CoordinationError

    message = OutboxMessage(to="lost@example.org", subject="Introduction", body="Hello", status="failed", attempts=1)
    db.session.add(message)
    db.session.commit()
    with Session(db.engine) as worker:
        worker.execute(update(OutboxMessage).where(OutboxMessage.id == message.id)
                       .values(status="sending", claimed_at=utcnow()))
        worker.commit()
    with pytest.raises(CoordinationError, match="being sent right now"):
        outbox_admin.resend(message.id, coordinator)
    db.session.expire_all()
    assert db.session.get(OutboxMessage, message.id).status == "sending"
