"""The e-mail outbox: every message is stored before it is sent."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from matcher.extensions import db
from matcher.models.types import NEVER_REUSE_IDS, utcnow


class OutboxMessage(db.Model):
    """An e-mail waiting to be sent, sent, or failed."""

    __tablename__ = "outbox_messages"
    __table_args__ = NEVER_REUSE_IDS

    id: Mapped[int] = mapped_column(primary_key=True)
    to: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    # The sender's confirmed address on relayed messages, so a reply reaches them directly.
    reply_to: Mapped[str] = mapped_column(String(254), default="")
    kind: Mapped[str] = mapped_column(String(40), default="")
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
