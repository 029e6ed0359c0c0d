"""The audit log: who did what, when, to which record."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from matcher.extensions import db
from matcher.models.types import utcnow


class AuditEvent(db.Model):
    """One recorded action."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(80))  # "coordinator:3", "researcher:5", "agency", "system"
    action: Mapped[str] = mapped_column(String(80))
    record_type: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[int | None]
    details: Mapped[dict] = mapped_column(JSON, default=dict)
