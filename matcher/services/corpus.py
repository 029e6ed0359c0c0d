"""The researcher corpus version, moved by a session hook whenever a flush changes what the text index or the
directory shows of a profile; each changed profile is stamped with the new version in the same transaction.

Nobody calls anything by hand: `watch_changes()` (from the app factory) registers the hook once. The version
row's UPDATE … RETURNING holds its row lock until commit on PostgreSQL (SQLite serialises writers anyway), so
versions commit in order and a process that has seen version V has seen every profile stamped V or lower.
"""

from __future__ import annotations

from sqlalchemy import event, inspect, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from matcher.extensions import db
from matcher.models import CorpusVersion, Publication, ResearchCentre, Researcher
from matcher.models.types import utcnow

# Columns that change no one's index entry, directory entry or suggestions.
BOOKKEEPING = {"session_nonce", "link_nonce", "reminder_sent_at", "updated_at", "created_at", "confirmed_at",
               "indexed_version"}
PENDING, BUMPED = "corpus_pending", "corpus_bumped"


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


def changed_at():
    """When the corpus last changed (None before any change)."""
    return db.session.scalar(select(CorpusVersion.changed_at).where(CorpusVersion.id == 1))


def bump_version() -> int:
    """The version of the caller's transaction, moved if it has not moved yet; only for bulk SQL that bypasses
    the ORM hook, which must also write the number into the rows' indexed_version."""
    return _next_version(db.session())


def watch_changes() -> None:
    """Register the flush hooks on every ORM session (idempotent)."""
    for name, hook in (("before_flush", _collect_changes), ("after_flush", _stamp_changes),
                       ("after_transaction_end", _forget_bump)):
        if not event.contains(Session, name, hook):
            event.listen(Session, name, hook)


# --- the hook ---------------------------------------------------------------------------------------------


def _collect_changes(session, flush_context, instances) -> None:
    """Before the flush: which profiles it changes (ids, or objects still without one), and deletions."""
    changed: set[int] = set()
    new: list[Researcher] = []
    removed = False
    with session.no_autoflush:
        for obj in session.new:
            if isinstance(obj, Researcher) and obj.confirmed_at is not None:
                new.append(obj)
            elif isinstance(obj, Publication):
                _add_owner(session, obj, changed, new)
        for obj in session.dirty:
            if isinstance(obj, Researcher) and _profile_changed(obj):
                changed.add(obj.id)
            elif isinstance(obj, Publication) and session.is_modified(obj):
                _add_owner(session, obj, changed, new)
            elif isinstance(obj, ResearchCentre) and session.is_modified(obj, include_collections=False):
                changed.update(_indexed_members(session, obj.id))
        for obj in session.deleted:
            if isinstance(obj, Researcher):
                removed = removed or _committed(obj, "confirmed_at") is not None
            elif isinstance(obj, Publication):
                _add_owner(session, obj, changed, new)
            elif isinstance(obj, ResearchCentre):
                changed.update(_indexed_members(session, obj.id))
    deleted_ids = {obj.id for obj in session.deleted if isinstance(obj, Researcher)}
    changed -= deleted_ids
    if changed or new or removed:
        session.info[PENDING] = (changed, new, removed)


def _stamp_changes(session, flush_context) -> None:
    """After the flush wrote the rows: move the version (once per transaction) and stamp the profiles."""
    pending = session.info.pop(PENDING, None)
    if pending is None:
        return
    changed, new, _ = pending
    version = _next_version(session)
    ids = changed | {obj.id for obj in new if obj.id is not None}
    if not ids:
        return
    session.connection().execute(
        update(Researcher.__table__).where(Researcher.__table__.c.id.in_(ids)).values(indexed_version=version)
    )
    for obj in session.identity_map.values():
        if isinstance(obj, Researcher) and obj.id in ids:
            set_committed_value(obj, "indexed_version", version)


def _next_version(session) -> int:
    """The version of this transaction's change: bumped at its first change, the same number afterwards."""
    transaction = session.get_nested_transaction() or session.get_transaction()
    bumped = session.info.get(BUMPED)
    if bumped is not None and bumped[0] is transaction:
        return bumped[1]
    version = session.connection().execute(
        update(CorpusVersion.__table__).where(CorpusVersion.__table__.c.id == 1)
        .values(version=CorpusVersion.__table__.c.version + 1, changed_at=utcnow())
        .returning(CorpusVersion.__table__.c.version)
    ).scalar()
    if version is None:  # a database created without migrations has no version row yet
        version = 1
        session.connection().execute(CorpusVersion.__table__.insert().values(id=1, version=1, changed_at=utcnow()))
    session.info[BUMPED] = (transaction, version)
    return version


def _forget_bump(session, transaction) -> None:
    bumped = session.info.get(BUMPED)
    if bumped is not None and bumped[0] is transaction:
        del session.info[BUMPED]
    if transaction.parent is None:
        session.info.pop(PENDING, None)


def _profile_changed(researcher: Researcher) -> bool:
    """Whether a flush changes what the index, the directory or matching read of this profile."""
    state = inspect(researcher)
    was_confirmed = _committed(researcher, "confirmed_at") is not None
    is_confirmed = researcher.confirmed_at is not None
    if was_confirmed != is_confirmed:
        return True
    if not is_confirmed:
        return False  # never indexed nor listed
    keys = [attr.key for attr in state.mapper.column_attrs if attr.key not in BOOKKEEPING]
    keys += ["publications", "centre"]
    return any(state.attrs[key].history.has_changes() for key in keys)


def _add_owner(session, publication: Publication, changed: set[int], new: list[Researcher]) -> None:
    owner = publication.researcher
    if owner is None:
        owner_id = publication.researcher_id or _committed(publication, "researcher_id")
        owner = session.get(Researcher, owner_id) if owner_id is not None else None
    if owner is None or owner.confirmed_at is None:
        return
    if owner.id is None:
        if owner not in new:
            new.append(owner)
    else:
        changed.add(owner.id)


def _indexed_members(session, centre_id: int | None) -> list[int]:
    if centre_id is None:
        return []
    return list(session.scalars(
        select(Researcher.id).where(Researcher.centre_id == centre_id, Researcher.confirmed_at.is_not(None))
    ))


def _committed(obj, key: str):
    """The attribute's value as the database has it (before this flush)."""
    history = inspect(obj).attrs[key].history
    if history.deleted:
        return history.deleted[0]
    return history.unchanged[0] if history.unchanged else getattr(obj, key)

