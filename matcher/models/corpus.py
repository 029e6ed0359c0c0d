"""The corpus version: one row counting changes to the researcher profiles the text index is built from."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Mapped, mapped_column

from matcher.extensions import db
from matcher.models.types import utcnow


class CorpusVersion(db.Model):
    """One row counting changes to the researcher corpus; web processes refit when it moves."""

    __tablename__ = "corpus_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(default=0)
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)
