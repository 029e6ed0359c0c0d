"""One way to make a service operation all or nothing."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from matcher.extensions import db


@contextmanager
def transaction() -> Iterator[None]:
    """Commit what the block did, or roll all of it back and re-raise."""
    try:
        yield
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
