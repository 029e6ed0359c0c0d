"""Messages from the public to a researcher, relayed by e-mail once the sender confirms their address."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from matcher.extensions import db
from matcher.models.researchers import Researcher
from matcher.models.types import NEVER_REUSE_IDS, new_nonce, utcnow


class ContactStatus(StrEnum):
    """Where a contact request stands: awaiting the sender's confirmation, then relayed, refused or expired."""

    AWAITING = "awaiting"
    RELAYED = "relayed"
    REFUSED = "refused"
    EXPIRED = "expired"


class ContactRequest(db.Model):
    """A short message someone asked us to relay to a researcher; the researcher's address is never shown."""

    __tablename__ = "contact_requests"
    __table_args__ = NEVER_REUSE_IDS

    id: Mapped[int] = mapped_column(primary_key=True)
    researcher_id: Mapped[int | None] = mapped_column(
        ForeignKey("researchers.id", ondelete="SET NULL"), index=True
    )
    sender_name: Mapped[str] = mapped_column(String(120))
    organisation: Mapped[str] = mapped_column(String(200))
    sender_email: Mapped[str] = mapped_column(String(254), index=True)
    subject: Mapped[str] = mapped_column(String(150))
    message: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default=ContactStatus.AWAITING.value, index=True)
    # Why a request was refused, in words coordinators read.
    outcome_note: Mapped[str] = mapped_column(String(200), default="")
    # In the confirmation link; the link works only while it matches.
    token_nonce: Mapped[str] = mapped_column(String(32), default=new_nonce)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    confirmed_at: Mapped[datetime | None]

    researcher: Mapped[Researcher | None] = relationship()
