"""Edits that can collide carry a version: hold the record, refuse a save made from an older page, say what changed.

Each versioned record (a problem's status, a partnership's stage, a decision on a suggestion) is changed through
`record_change`, which bumps its version and writes the audit event tagged with the new version; a form carries
the version it showed, and `check` refuses a save from an older one with the changes made since.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, text

from matcher import taxonomy
from matcher.extensions import db
from matcher.models import AuditEvent, Partnership, Problem, Suggestion
from matcher.services import audit, audit_log
from matcher.services.coordination import StaleEdit

RECORD_TYPES = {Problem: "problem", Partnership: "partnership", Suggestion: "suggestion"}
RECENT_EVENTS = 50


@dataclass(frozen=True)
class Change:
    """One change made since a page was opened: who, what, when."""

    who: str
    what: str
    when: datetime


def lock(record) -> None:
    """Hold the record's row until the unit of work ends, then read it afresh (so check and write are one step).

    A no-op UPDATE takes the row lock on PostgreSQL and the write lock on SQLite alike; written as plain SQL
    so no `onupdate` stamp (a problem's updated_at) fires.
    """
    table = type(record).__tablename__
    db.session.flush()  # the refresh below must not drop changes this unit of work made earlier
    db.session.execute(text(f"UPDATE {table} SET version = version WHERE id = :id"), {"id": record.id})
    db.session.refresh(record)


def check(record, seen: int | None, what: str) -> None:
    """Refuse a save made from a page that showed an older version (None: the caller showed no page)."""
    if seen is None or seen == record.version:
        return
    changes = changes_since(record, seen)
    raise StaleEdit(f"Someone changed {what} while you had this page open. Nothing was saved; what you chose "
                    "is kept below: check it and save again.", changes)


def record_change(record, actor: str, action: str, **details) -> AuditEvent:
    """Bump the record's version and write the audit event tagged with it."""
    record.version = (record.version or 1) + 1
    return audit.record(actor, action, RECORD_TYPES[type(record)], record.id, version=record.version, **details)


def changes_since(record, seen: int) -> list[Change]:
    """The changes to this record after the version a page showed, oldest first."""
    events = list(db.session.scalars(
        select(AuditEvent).where(AuditEvent.record_type == RECORD_TYPES[type(record)],
                                 AuditEvent.record_id == record.id)
        .order_by(AuditEvent.id.desc()).limit(RECENT_EVENTS)))
    newer = [e for e in reversed(events) if isinstance((e.details or {}).get("version"), int)
             and e.details["version"] > seen]
    names = audit_log.actor_names(newer)
    return [Change(names.get(e.actor, e.actor), describe(e), e.at) for e in newer]


def describe(event: AuditEvent) -> str:
    """What a versioned change did, in words."""
    details = event.details or {}
    action = event.action
    if action == "problem.withdrawn":
        return "withdrew the statement"
    if action == "problem.status_changed":
        return (f"changed the status from {_label(taxonomy.PROBLEM_STATUSES, details.get('previous'))} "
                f"to {_label(taxonomy.PROBLEM_STATUSES, details.get('status'))}")
    if action == "partnership.stage_changed":
        what = (f"moved the stage from {_label(taxonomy.PARTNERSHIP_STAGES, details.get('previous'))} "
                f"to {_label(taxonomy.PARTNERSHIP_STAGES, details.get('stage'))}")
        return what + (f" (outcome: {_label(taxonomy.PARTNERSHIP_OUTCOMES, details['outcome'])})"
                       if details.get("outcome") else "")
    decision = details.get("decision")
    if action.startswith("suggestion.") and decision:
        words = {"shortlisted": "shortlisted the researcher", "pending": "put the researcher back to pending",
                 "rejected": "rejected the researcher", "introduced": "introduced the researcher"}
        reason = details.get("reason")
        return words.get(decision, decision) + (f" (reason: {reason})" if reason else "")
    return action.replace(".", " ").replace("_", " ")


def _label(vocabulary, slug) -> str:
    return f"“{taxonomy.label(vocabulary, slug)}”" if slug else "none"
