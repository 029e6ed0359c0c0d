"""Agencies' problem statements and the follow-ups appended to them."""

from __future__ import annotations

import secrets
from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from matcher.extensions import db
from matcher.models.types import NEVER_REUSE_IDS, SlugList, utcnow


def new_status_token() -> str:
    """A long random token: the agency's only way into its status page."""
    return secrets.token_urlsafe(32)


class Problem(db.Model):
    """A problem statement submitted by an agency."""

    __tablename__ = "problems"
    # The coordinators' topic filter (`has_slug`, JSONB `@>` on PostgreSQL) reads this GIN index; SQLite keeps
    # an ordinary index there, which its json_each filter does not use.
    __table_args__ = (
        Index("ix_problems_topics", "topics", postgresql_using="gin", postgresql_ops={"topics": "jsonb_path_ops"}),
        UniqueConstraint("submission_key", name="uq_problems_submission_key"),
        NEVER_REUSE_IDS,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    status_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_status_token)
    # One per form page shown: a statement sent twice (Back and Send again, a replayed post) is stored once.
    submission_key: Mapped[str | None] = mapped_column(String(64))
    agency_name: Mapped[str] = mapped_column(String(200))
    agency_type: Mapped[str] = mapped_column(String(40), index=True)
    contact_name: Mapped[str] = mapped_column(String(120))
    contact_role: Mapped[str] = mapped_column(String(120), default="")
    email: Mapped[str] = mapped_column(String(254))
    phone: Mapped[str] = mapped_column(String(40), default="")
    city: Mapped[str] = mapped_column(String(100))
    state: Mapped[str] = mapped_column(String(2), index=True)
    zip: Mapped[str] = mapped_column(String(5))
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    topics: Mapped[list[str]] = mapped_column(SlugList, default=list)
    help_wanted: Mapped[list[str]] = mapped_column(SlugList, default=list)
    data_available: Mapped[list[str]] = mapped_column(SlugList, default=list)
    data_other: Mapped[str] = mapped_column(String(300), default="")
    evaluation_design: Mapped[str] = mapped_column(String(40), default="not-sure")
    timeline: Mapped[str] = mapped_column(String(120), default="")
    funding: Mapped[str] = mapped_column(String(20), default="none")
    funding_deadline: Mapped[date | None]
    # Without in_person_only the distance only ranks nearer researchers higher; with it, researchers beyond
    # the distance who do not work remotely are excluded ("too-far").
    max_distance_miles: Mapped[int | None]
    in_person_only: Mapped[bool] = mapped_column(default=False)
    avoid: Mapped[str] = mapped_column(Text, default="")
    preferred_researcher_id: Mapped[int | None] = mapped_column(
        ForeignKey("researchers.id", ondelete="SET NULL")
    )
    status: Mapped[str] = mapped_column(String(20), default="new", index=True)
    # Bumped with every change of status: a form carries the version it showed, and a stale save is refused.
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    withdrawn_reason: Mapped[str] = mapped_column(Text, default="")
    is_sample: Mapped[bool] = mapped_column(default=False)
    sample_key: Mapped[str | None] = mapped_column(String(20), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    suggestions_computed_at: Mapped[datetime | None]
    # Researchers the last ranking left out, as [[researcher id, reason code], ...].
    exclusions: Mapped[list] = mapped_column(JSON, default=list)
    # The coordinator who looks after the problem (None: unassigned, the whole team is told of its news).
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("coordinators.id", ondelete="SET NULL"), index=True)
    # When a coordinator last looked at an agency reply; a later agency reply shows "Agency replied" again.
    agency_reply_seen_at: Mapped[datetime | None]

    updates: Mapped[list[ProblemUpdate]] = relationship(
        back_populates="problem",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="ProblemUpdate.created_at",
    )
    preferred_researcher = relationship("Researcher")
    owner = relationship("Coordinator")


class ProblemUpdate(db.Model):
    """Text appended to a statement: agency information, coordinator questions, notes."""

    __tablename__ = "problem_updates"

    id: Mapped[int] = mapped_column(primary_key=True)
    problem_id: Mapped[int] = mapped_column(
        ForeignKey("problems.id", ondelete="CASCADE"), index=True
    )
    author: Mapped[str] = mapped_column(String(20))  # "agency" or "coordinator"
    # Which coordinator wrote it (None for the agency's entries and for entries made before this was kept).
    coordinator_id: Mapped[int | None] = mapped_column(ForeignKey("coordinators.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(20))  # info, question, note, withdrawal, status
    body: Mapped[str] = mapped_column(Text)
    visible_to_agency: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    problem: Mapped[Problem] = relationship(back_populates="updates")
    coordinator = relationship("Coordinator")
