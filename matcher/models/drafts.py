"""What a researcher typed into the profile form when their session had ended, kept until they sign in again."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from matcher.extensions import db
from matcher.models.types import utcnow


class ProfileDraft(db.Model):
    """The profile form's fields as posted ([name, value] pairs), one draft per researcher."""

    __tablename__ = "profile_drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    researcher_id: Mapped[int] = mapped_column(ForeignKey("researchers.id", ondelete="CASCADE"), unique=True)
    form_data: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
