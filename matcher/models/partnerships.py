"""Partnerships: introductions of researchers to agencies, and the history of each one's stages."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from matcher.extensions import db
from matcher.lifecycle import Stage, counts_against_capacity
from matcher.models.types import NEVER_REUSE_IDS, utcnow


class Partnership(db.Model):
    """An introduction of a researcher to an agency, followed to its outcome."""

    __tablename__ = "partnerships"
    __table_args__ = (UniqueConstraint("problem_id", "researcher_id"), NEVER_REUSE_IDS)

    id: Mapped[int] = mapped_column(primary_key=True)
    problem_id: Mapped[int] = mapped_column(
        ForeignKey("problems.id", ondelete="CASCADE"), index=True
    )
    researcher_id: Mapped[int] = mapped_column(
        ForeignKey("researchers.id", ondelete="CASCADE"), index=True
    )
    stage: Mapped[str] = mapped_column(String(30), default=Stage.INTRODUCED.value, index=True)
    outcome: Mapped[str | None] = mapped_column(String(40))
    # Bumped with every change of stage: a form carries the version it showed, and a stale save is refused.
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    introduced_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None]

    problem = relationship("Problem")
    researcher = relationship("Researcher")
    events: Mapped[list[PartnershipEvent]] = relationship(
        back_populates="partnership",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="PartnershipEvent.at",
    )
    notes: Mapped[list[PartnershipNote]] = relationship(
        back_populates="partnership",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="(PartnershipNote.created_at.desc(), PartnershipNote.id.desc())",
    )

    @property
    def is_active(self) -> bool:
        """Active partnerships count against the researcher's capacity."""
        return counts_against_capacity(self.stage)


class PartnershipEvent(db.Model):
    """One step in a partnership's stage history."""

    __tablename__ = "partnership_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        ForeignKey("partnerships.id", ondelete="CASCADE"), index=True
    )
    stage: Mapped[str] = mapped_column(String(30))
    note: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(default=utcnow)
    coordinator_id: Mapped[int | None] = mapped_column(
        ForeignKey("coordinators.id", ondelete="SET NULL")
    )

    partnership: Mapped[Partnership] = relationship(back_populates="events")
    coordinator = relationship("Coordinator")


class PartnershipNote(db.Model):
    """A dated, signed note on a partnership: appended, never overwritten."""

    __tablename__ = "partnership_notes"
    __table_args__ = NEVER_REUSE_IDS

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        ForeignKey("partnerships.id", ondelete="CASCADE"), index=True
    )
    # None for notes kept from before notes were signed, or when the account is gone.
    coordinator_id: Mapped[int | None] = mapped_column(
        ForeignKey("coordinators.id", ondelete="SET NULL")
    )
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    partnership: Mapped[Partnership] = relationship(back_populates="notes")
    coordinator = relationship("Coordinator")
