"""Stored global-assignment proposals: kept until a coordinator applies or discards them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from matcher.extensions import db
from matcher.models.types import NEVER_REUSE_IDS, utcnow

PROPOSAL_OPEN, PROPOSAL_APPLIED, PROPOSAL_DISCARDED = "open", "applied", "discarded"


class AssignmentProposal(db.Model):
    """One solver run kept for review: who made it, when, with which settings, and what became of it."""

    __tablename__ = "assignment_proposals"
    # At most one open proposal: two coordinators review the same one instead of overwriting each other's.
    __table_args__ = (
        Index("uq_assignment_proposals_one_open", "status", unique=True,
              sqlite_where=text("status = 'open'"), postgresql_where=text("status = 'open'")),
        NEVER_REUSE_IDS,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    settings: Mapped[dict] = mapped_column(JSON, default=dict)
    total: Mapped[float] = mapped_column(default=0.0)
    status: Mapped[str] = mapped_column(String(20), default=PROPOSAL_OPEN)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("coordinators.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("coordinators.id", ondelete="SET NULL"))
    closed_at: Mapped[datetime | None]
    personal_note: Mapped[str] = mapped_column(Text, default="")

    created_by = relationship("Coordinator", foreign_keys=[created_by_id])
    closed_by = relationship("Coordinator", foreign_keys=[closed_by_id])
    rows: Mapped[list[AssignmentProposalRow]] = relationship(
        back_populates="proposal", cascade="all, delete-orphan", order_by="AssignmentProposalRow.id")

    @property
    def is_open(self) -> bool:
        """Whether the proposal still waits to be applied or discarded."""
        return self.status == PROPOSAL_OPEN


class AssignmentProposalRow(db.Model):
    """One proposed researcher for one problem, with what the solver saw when it proposed them."""

    __tablename__ = "assignment_proposal_rows"
    __table_args__ = (UniqueConstraint("proposal_id", "problem_id", "researcher_id"), NEVER_REUSE_IDS)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("assignment_proposals.id", ondelete="CASCADE"), index=True)
    problem_id: Mapped[int] = mapped_column(ForeignKey("problems.id", ondelete="CASCADE"), index=True)
    researcher_id: Mapped[int] = mapped_column(ForeignKey("researchers.id", ondelete="CASCADE"), index=True)
    score: Mapped[float]
    rank: Mapped[int]
    problem_status: Mapped[str] = mapped_column(String(20))  # the problem's status when proposed
    free_capacity: Mapped[int]  # the researcher's free places when proposed
    outcome: Mapped[str] = mapped_column(String(20), default="")  # "", "shortlisted" or "introduced"

    proposal: Mapped[AssignmentProposal] = relationship(back_populates="rows")
    problem = relationship("Problem")
    researcher = relationship("Researcher")
