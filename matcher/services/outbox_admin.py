"""The outbox as coordinators see it: messages by state, and resending a failed one."""

from __future__ import annotations

from sqlalchemy import func, select

from matcher.extensions import db
from matcher.mail import deliver_pending
from matcher.models import Coordinator, OutboxMessage
from matcher.services import audit
from matcher.services.coordination import CoordinationError, actor
from matcher.services.transactions import unit_of_work

OUTBOX_STATES = ("pending", "sending", "sent", "logged", "failed")


def outbox_messages(status: str = "", limit: int = 200) -> list[OutboxMessage]:
    """The newest messages, optionally in one state."""
    query = select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit)
    if status:
        query = query.where(OutboxMessage.status == status)
    return list(db.session.scalars(query))


def outbox_counts() -> dict[str, int]:
    """How many messages are in each state."""
    counts = dict(db.session.execute(
        select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).all())
    return {state: counts.get(state, 0) for state in OUTBOX_STATES}


def resend(message_id: int, coordinator: Coordinator) -> str:
    """Try a failed message again; returns its new state."""
    message = db.session.get(OutboxMessage, message_id)
    if message is None:
        raise CoordinationError("That message no longer exists.")
    if message.status != "failed":
        raise CoordinationError("Only failed messages can be resent.")
    with unit_of_work():
        audit.record(actor(coordinator), "outbox.resent", "outbox_message", message.id, to=message.to)
    deliver_pending(ids=[message.id], include_failed=True)
    db.session.refresh(message)
    return message.status
