"""Suggestions: a ranked researcher for a problem (problem x researcher), with its score and the decision on it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from matcher.extensions import db
from matcher.models.types import NEVER_REUSE_IDS, utcnow


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
    # Set when a coordinator added the researcher by hand (found by search): kept by every recompute.
    added_at: Mapped[datetime | None]
    added_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("coordinators.id", ondelete="SET NULL")
    )
    # Exclusion codes a coordinator overrode, with a reason (decision_reason), to introduce this researcher.
    overridden: Mapped[list | None] = mapped_column(JSON)
    # Bumped with every decision: a form carries the version it showed, and a stale decision is refused.
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    problem = relationship("Problem")
    researcher = relationship("Researcher")
    added_by = relationship("Coordinator", foreign_keys=[added_by_id])

    @property
    def added_by_coordinator(self) -> bool:
        """Whether a coordinator added this researcher by hand rather than the ranking suggesting them."""
        return self.added_at is not None
