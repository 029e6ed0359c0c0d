"""The outbox as coordinators see it: messages by state, and resending a failed one."""

from __future__ import annotations

from sqlalchemy import func, select, update

from matcher.extensions import db
from matcher.mail import deliver_after_this_commit
from matcher.models import Coordinator, OutboxMessage
from matcher.services import audit
from matcher.services.coordination import CoordinationError, actor
from matcher.services.transactions import unit_of_work

OUTBOX_STATES = ("pending", "sending", "sent", "logged", "failed", "dead")


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
    """Queue a failed or dead message for delivery again (a dead one gets a fresh set of attempts); returns
    its state now ('pending' until the worker has sent it)."""
    message = db.session.get(OutboxMessage, message_id)
    if message is None:
        raise CoordinationError("That message no longer exists.")
    if message.status not in ("failed", "dead"):
        raise CoordinationError("Only failed messages can be resent.")
    with unit_of_work():
        # Conditional, so a retry job that claimed the message meanwhile is not undone (it would go out twice).
        reset = {"status": "pending", **({"attempts": 0} if message.status == "dead" else {})}
        claimed = db.session.execute(update(OutboxMessage).where(
            OutboxMessage.id == message.id, OutboxMessage.status.in_(("failed", "dead"))).values(**reset))
        if claimed.rowcount != 1:
            raise CoordinationError("This message is being sent right now. Reload the outbox in a moment.")
        db.session.refresh(message)
        deliver_after_this_commit(message)
        audit.record(actor(coordinator), "outbox.resent", "outbox_message", message.id, to=message.to)
    db.session.refresh(message)
    return message.status
