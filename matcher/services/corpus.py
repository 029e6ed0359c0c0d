"""The researcher corpus version: bumped on every profile change so every process refits."""

from __future__ import annotations

from sqlalchemy import select, update

from matcher.extensions import db
from matcher.models import CorpusVersion
from matcher.models.types import utcnow


def current_version() -> int:
    """The corpus version stored in the database (0 before any change)."""
    version = db.session.scalar(select(CorpusVersion.version).where(CorpusVersion.id == 1))
    return version or 0


def current_stamp() -> tuple[int, object]:
    """(version, when it last changed): a version that went back to an earlier number after the tables
    were emptied still differs from the stamp a process saw before."""
    row = db.session.execute(
        select(CorpusVersion.version, CorpusVersion.changed_at).where(CorpusVersion.id == 1)
    ).first()
    return (row.version or 0, row.changed_at) if row is not None else (0, None)


def bump_version() -> None:
    """Record, inside the caller's transaction, that profiles changed."""
    result = db.session.execute(
        update(CorpusVersion)
        .where(CorpusVersion.id == 1)
        .values(version=CorpusVersion.version + 1, changed_at=utcnow())
    )
    if result.rowcount == 0:
        db.session.add(CorpusVersion(id=1, version=1, changed_at=utcnow()))


def changed_at():
    """When the corpus last changed (None before any change)."""
    return db.session.scalar(select(CorpusVersion.changed_at).where(CorpusVersion.id == 1))
