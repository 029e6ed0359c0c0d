"""Researchers, their publications, and university research centres."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import JSON, ColumnElement, ForeignKey, String, Text, and_
from sqlalchemy import false as sql_false
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from matcher.extensions import db
from matcher.models.types import NEVER_REUSE_IDS, SlugList, new_nonce, utcnow
from matcher.publications import link_href, link_text


class ResearchCentre(db.Model):
    """A university research centre that researchers can join."""

    __tablename__ = "research_centres"
    __table_args__ = NEVER_REUSE_IDS

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    university: Mapped[str] = mapped_column(String(200))
    website: Mapped[str] = mapped_column(String(300), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    city: Mapped[str] = mapped_column(String(100), default="")
    state: Mapped[str] = mapped_column(String(2))
    topics: Mapped[list[str]] = mapped_column(SlugList, default=list)
    # Who created the centre (a record only: its administrators are in `memberships`).
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("researchers.id", ondelete="SET NULL", use_alter=True, name="fk_research_centres_created_by")
    )
    is_sample: Mapped[bool] = mapped_column(default=False)
    sample_key: Mapped[str | None] = mapped_column(String(20), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Set when no researcher administers the centre: the coordinators approve requests and appoint one.
    administered_by_coordinators: Mapped[bool] = mapped_column(default=False, server_default=sql_false())

    members: Mapped[list[Researcher]] = relationship(
        back_populates="centre", order_by="Researcher.name", foreign_keys="Researcher.centre_id"
    )
    memberships: Mapped[list[CentreMembership]] = relationship(
        back_populates="centre", cascade="all, delete-orphan", passive_deletes=True,
        order_by="(CentreMembership.decided_at, CentreMembership.requested_at, CentreMembership.id)",
    )

    @property
    def approved_memberships(self) -> list[CentreMembership]:
        """Approved memberships, longest-standing first."""
        return [m for m in self.memberships if m.is_approved]

    @property
    def pending_requests(self) -> list[CentreMembership]:
        """Requests to join that wait for a decision, oldest first."""
        return sorted((m for m in self.memberships if not m.is_approved), key=lambda m: (m.requested_at, m.id))

    @property
    def administrators(self) -> list[Researcher]:
        """The researchers who administer the centre, longest-standing first."""
        return [m.researcher for m in self.approved_memberships if m.is_administrator]

    def is_administered_by(self, researcher) -> bool:
        """Whether this researcher administers the centre (edits it, approves requests, appoints administrators)."""
        return researcher is not None and any(r.id == researcher.id for r in self.administrators)

    def editable_by(self, researcher) -> bool:
        """Whether this researcher may edit the centre's profile: its administrators only."""
        return self.is_administered_by(researcher)


class MembershipStatus(StrEnum):
    """A request to join a centre waits for an administrator; once approved, the researcher is a member."""

    PENDING = "pending"
    APPROVED = "approved"


class CentreRole(StrEnum):
    """What an approved member may do in the centre."""

    MEMBER = "member"
    ADMINISTRATOR = "administrator"


class CentreMembership(db.Model):
    """A researcher's standing in one research centre: a pending request, or an approved membership and its role.

    One per researcher. An approved one mirrors `Researcher.centre_id`, which is what the directory and the
    search index read; services.centres writes both, and is the only code that does."""

    __tablename__ = "centre_memberships"
    __table_args__ = NEVER_REUSE_IDS

    id: Mapped[int] = mapped_column(primary_key=True)
    researcher_id: Mapped[int] = mapped_column(ForeignKey("researchers.id", ondelete="CASCADE"), unique=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("research_centres.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(10), default=MembershipStatus.PENDING.value)
    role: Mapped[str] = mapped_column(String(15), default=CentreRole.MEMBER.value)
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    # When the request was approved (membership counts from then) and by whom, as an audit-log actor.
    decided_at: Mapped[datetime | None]
    decided_by: Mapped[str] = mapped_column(String(40), default="")

    researcher: Mapped[Researcher] = relationship(back_populates="membership")
    centre: Mapped[ResearchCentre] = relationship(back_populates="memberships")

    @property
    def is_approved(self) -> bool:
        """Whether the researcher is a member (not only asking to be)."""
        return self.status == MembershipStatus.APPROVED

    @property
    def is_administrator(self) -> bool:
        """Whether this approved member administers the centre."""
        return self.is_approved and self.role == CentreRole.ADMINISTRATOR


class Researcher(UserMixin, db.Model):
    """A researcher's public profile, with contact details only coordinators see."""

    __tablename__ = "researchers"
    __table_args__ = NEVER_REUSE_IDS

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str] = mapped_column(String(254), unique=True)
    position: Mapped[str] = mapped_column(String(120))
    institution: Mapped[str] = mapped_column(String(200))
    department: Mapped[str] = mapped_column(String(200), default="")
    orcid: Mapped[str] = mapped_column(String(19), default="")  # 0000-0000-0000-000X, checked, or ""
    website: Mapped[str] = mapped_column(String(300), default="")
    # The centre the researcher is an approved member of (see CentreMembership, which holds requests and roles).
    centre_id: Mapped[int | None] = mapped_column(
        ForeignKey("research_centres.id", ondelete="SET NULL"), index=True
    )
    city: Mapped[str] = mapped_column(String(100))
    state: Mapped[str] = mapped_column(String(2), index=True)
    zip: Mapped[str] = mapped_column(String(5))
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    remote: Mapped[bool] = mapped_column(default=True)
    statement: Mapped[str] = mapped_column(Text)
    keywords: Mapped[list[str]] = mapped_column(JSON, default=list)
    topics: Mapped[list[str]] = mapped_column(SlugList, default=list)
    methods: Mapped[list[str]] = mapped_column(SlugList, default=list)
    help_offered: Mapped[list[str]] = mapped_column(SlugList, default=list)
    terms: Mapped[list[str]] = mapped_column(SlugList, default=list)
    grad_students: Mapped[bool] = mapped_column(default=False)
    capacity: Mapped[int] = mapped_column(default=1)
    conflicts: Mapped[list[str]] = mapped_column(JSON, default=list)
    confirmed_at: Mapped[datetime | None]
    hidden: Mapped[bool] = mapped_column(default=False)
    # Whether the public may write to the researcher through the site (the contact relay).
    accepts_messages: Mapped[bool] = mapped_column(default=True)
    reminder_sent_at: Mapped[datetime | None]
    is_sample: Mapped[bool] = mapped_column(default=False)
    sample_key: Mapped[str | None] = mapped_column(String(20), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # The corpus version of the last change to what the text index or the directory shows of this profile,
    # set by services.corpus at flush: a process's index reloads the profiles stamped above its version.
    indexed_version: Mapped[int] = mapped_column(default=0, server_default="0", index=True)
    # In every session's identity; changed at sign-out to end them all.
    session_nonce: Mapped[str] = mapped_column(String(32), default=new_nonce)
    # In every e-mailed link; changed when a link is used, at sign-out and when a newer link is sent.
    link_nonce: Mapped[str] = mapped_column(String(32), default=new_nonce)

    centre: Mapped[ResearchCentre | None] = relationship(back_populates="members", foreign_keys=[centre_id])
    membership: Mapped[CentreMembership | None] = relationship(
        back_populates="researcher", cascade="all, delete-orphan", passive_deletes=True
    )
    publications: Mapped[list[Publication]] = relationship(
        back_populates="researcher",
        cascade="all, delete-orphan",
        passive_deletes=True,
        # Newest first (rows without a year last), then as the researcher listed them.
        order_by=lambda: (Publication.year.is_(None), Publication.year.desc(), Publication.position),
    )

    def get_id(self) -> str:
        """Session identity for Flask-Login, distinct from coordinators', ending when the nonce changes."""
        return f"researcher:{self.id}:{self.session_nonce}"

    @hybrid_property
    def is_listed(self) -> bool:
        """Whether the profile shows in the directory and can be matched: confirmed and not hidden."""
        return self.confirmed_at is not None and not self.hidden

    @is_listed.inplace.expression
    @classmethod
    def _is_listed_expression(cls) -> ColumnElement[bool]:
        return and_(cls.confirmed_at.is_not(None), cls.hidden.is_(False))


class Publication(db.Model):
    """One publication on a researcher's profile."""

    __tablename__ = "publications"

    id: Mapped[int] = mapped_column(primary_key=True)
    researcher_id: Mapped[int] = mapped_column(
        ForeignKey("researchers.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(String(300))
    year: Mapped[int | None]
    abstract: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str] = mapped_column(String(300), default="")

    researcher: Mapped[Researcher] = relationship(back_populates="publications")

    @property
    def href(self) -> str | None:
        """Where the link points (https://doi.org/… for a DOI in any spelling), or None when it is no address."""
        return link_href(self.link)

    @property
    def link_text(self) -> str:
        """The link as shown: a DOI as its https://doi.org/ address."""
        return link_text(self.link)
