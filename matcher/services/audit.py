"""Recording actions in the audit log (inside the caller's transaction)."""

from __future__ import annotations

from matcher.extensions import db
from matcher.models import AuditEvent


def record(actor: str, action: str, record_type: str, record_id: int | None, **details) -> AuditEvent:
    """Add an audit event to the current transaction."""
    event = AuditEvent(
        actor=actor, action=action, record_type=record_type, record_id=record_id, details=details
    )
    db.session.add(event)
    return event
