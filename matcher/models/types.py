"""Column types and helpers shared by the models."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from sqlalchemy import Text, event, type_coerce
from sqlalchemy.engine import Engine
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    """Return the current UTC time without tzinfo (stored the same on SQLite and PostgreSQL)."""
    return datetime.now(UTC).replace(tzinfo=None)


# Table options for records whose ids appear in URLs or the audit log: SQLite must never hand a deleted
# record's id to a new one (PostgreSQL sequences never do).
NEVER_REUSE_IDS = {"sqlite_autoincrement": True}


def new_nonce() -> str:
    """A fresh random value; changing an account's nonce ends whatever was bound to the old one."""
    return secrets.token_urlsafe(16)


class SlugList(TypeDecorator):
    """A list of vocabulary slugs stored as '|a|b|' so both databases can filter with LIKE."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value, dialect):
        """Store a list as '|a|b|' (an empty list as '')."""
        if not value:
            return ""
        return "|" + "|".join(value) + "|"

    def process_result_value(self, value, dialect):
        """Read '|a|b|' back as ['a', 'b']."""
        if not value:
            return []
        return [part for part in value.split("|") if part]


def has_slug(column, slug: str) -> ColumnElement[bool]:
    """SQL condition: the SlugList column contains this slug."""
    return type_coerce(column, Text).like(f"%|{slug}|%")


@event.listens_for(Engine, "connect")
def _enforce_sqlite_foreign_keys(dbapi_connection, connection_record) -> None:
    """SQLite ignores ON DELETE CASCADE unless foreign keys are switched on per connection."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()
