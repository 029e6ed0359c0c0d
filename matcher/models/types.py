"""Column types and helpers shared by the models.

Slug lists (topics, methods, help, terms, data sources) are JSON arrays, JSONB on PostgreSQL, rather than join
tables: the rest of the code keeps reading and assigning `researcher.topics` as a plain list, the lists are
short, drawn from fixed vocabularies and always read whole with their record, and each database still filters
them with its own operators behind `has_slug`: JSONB containment (`@>`, served by a GIN index) on PostgreSQL,
an EXISTS over `json_each` on SQLite. `slug_items` unnests a list for GROUP BY.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from sqlalchemy import JSON, Boolean, String, event, exists, func, literal, type_coerce
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Engine
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.sql.selectable import TableValuedAlias
from sqlalchemy.sql.visitors import InternalTraversal
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
    """A list of vocabulary slugs: a JSON array, JSONB on PostgreSQL; None is stored and read as []."""

    impl = JSON
    cache_ok = True

    def load_dialect_impl(self, dialect):
        """JSONB on PostgreSQL (containment and GIN indexes), JSON elsewhere."""
        return dialect.type_descriptor(JSONB() if dialect.name == "postgresql" else JSON())

    def process_bind_param(self, value, dialect):
        """Store any sequence of slugs as a list (None as [], as the '|a|b|' text stored it before)."""
        return list(value or ())

    def process_result_value(self, value, dialect):
        """Read the array back as a list ([] for a missing one)."""
        return list(value or ())


class _HasSlug(ColumnElement[bool]):
    """SQL condition: a SlugList column holds this slug, compiled with the database's own JSON operators."""

    type = Boolean()
    inherit_cache = True
    _is_implicitly_boolean = True  # a condition as it stands: no "= 1" after it on SQLite
    _traverse_internals = [("column", InternalTraversal.dp_clauseelement),
                           ("slug", InternalTraversal.dp_clauseelement)]

    def __init__(self, column, slug: str) -> None:
        self.column = column
        self.slug = literal(slug, String())


def has_slug(column, slug: str) -> ColumnElement[bool]:
    """SQL condition: the SlugList column contains this slug (exactly, not as part of another slug)."""
    return _HasSlug(column, slug)


@compiles(_HasSlug)
def _has_slug_in_json_each(element: _HasSlug, compiler, **kw) -> str:
    items = slug_items(element.column)
    return compiler.process(exists().where(items.c.value == element.slug), **kw)


@compiles(_HasSlug, "postgresql")
def _has_slug_by_containment(element: _HasSlug, compiler, **kw) -> str:
    one_slug = func.jsonb_build_array(element.slug)  # the element's own bind: cached statements refill it
    return compiler.process(type_coerce(element.column, JSONB()).contains(one_slug), **kw)


class _SlugElements(FunctionElement):
    """The elements of a SlugList column as a table-valued function (one row per slug)."""

    inherit_cache = True


@compiles(_SlugElements)
def _json_each(element: _SlugElements, compiler, **kw) -> str:
    return f"json_each({compiler.process(element.clauses, **kw)})"


@compiles(_SlugElements, "postgresql")
def _jsonb_array_elements_text(element: _SlugElements, compiler, **kw) -> str:
    return f"jsonb_array_elements_text({compiler.process(element.clauses, **kw)})"


def slug_items(column) -> TableValuedAlias:
    """A FROM item with one row per slug in the column, its `value` column the slug (for GROUP BY)."""
    return _SlugElements(column).table_valued("value")


@event.listens_for(Engine, "connect")
def _enforce_sqlite_foreign_keys(dbapi_connection, connection_record) -> None:
    """SQLite ignores ON DELETE CASCADE unless foreign keys are switched on per connection."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()
