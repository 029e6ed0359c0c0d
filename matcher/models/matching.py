"""Suggestions (problem x researcher), partnerships and the corpus version."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from matcher.extensions import db
from matcher.models.types import NEVER_REUSE_IDS, utcnow
from matcher.taxonomy import INACTIVE_PARTNERSHIP_STAGES


class Suggestion(db.Model):
    """A ranked researcher for a problem, with each part of its score and the decision on it."""

    __tablename__ = "suggestions"
    __table_args__ = (UniqueConstraint("problem_id", "researcher_id"), NEVER_REUSE_IDS)

    id: Mapped[int] = mapped_column(primary_key=True)
    problem_id: Mapped[int] = mapped_column(
        ForeignKey("problems.id", ondelete="CASCADE"), index=True
    )
    researcher_id: Mapped[int] = mapped_column(
        ForeignKey("researchers.id", ondelete="CASCADE"), index=True
    )
    rank: Mapped[int]
    score: Mapped[float]
    text_score: Mapped[float] = mapped_column(default=0.0)
    topic_score: Mapped[float] = mapped_column(default=0.0)
    help_score: Mapped[float] = mapped_column(default=0.0)
    distance_score: Mapped[float] = mapped_column(default=0.0)
    terms_score: Mapped[float] = mapped_column(default=0.0)
    capacity_score: Mapped[float] = mapped_column(default=0.0)
    explanation: Mapped[dict] = mapped_column(JSON, default=dict)
    model_version: Mapped[str] = mapped_column(String(120))
    decision: Mapped[str] = mapped_column(String(20), default="pending")
    decision_reason: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("coordinators.id", ondelete="SET NULL")
    )
    decided_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    problem = relationship("Problem")
    researcher = relationship("Researcher")


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
    stage: Mapped[str] = mapped_column(String(30), default="introduced", index=True)
    outcome: Mapped[str | None] = mapped_column(String(40))
    notes: Mapped[str] = mapped_column(Text, default="")
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

    @property
    def is_active(self) -> bool:
        """Active partnerships count against the researcher's capacity."""
        return self.stage not in INACTIVE_PARTNERSHIP_STAGES


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


class CorpusVersion(db.Model):
    """One row counting changes to the researcher corpus; web processes refit when it moves."""

    __tablename__ = "corpus_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(default=0)
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)
