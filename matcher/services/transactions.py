"""The one unit of work every service write goes through: all or nothing, and operations compose.

The outermost `unit_of_work()` commits at the end or rolls everything back. A unit opened inside another is
a savepoint: when it fails, only its own writes are undone and the error goes on to the outer unit, which
decides (an uncaught error rolls the whole outer unit back). So a public operation such as `shortlist` or
`introduce` can be called alone, or as one step of a bigger operation, with the same rules and audit entries.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from matcher.extensions import db

_DEPTH = "unit_of_work_depth"
_AFTER_COMMIT = "unit_of_work_after_commit"


@contextmanager
def unit_of_work() -> Iterator[None]:
    """Commit what the block did, or roll it back and re-raise; inside another unit, a savepoint."""
    session = db.session
    depth = session.info.get(_DEPTH, 0)
    if depth:
        _begin_sqlite_transaction()
    session.info[_DEPTH] = depth + 1
    try:
        if depth:
            pending = len(session.info.get(_AFTER_COMMIT, []))
            try:
                with session.begin_nested():
                    yield
            except BaseException:
                del session.info.get(_AFTER_COMMIT, [])[pending:]  # what the undone writes asked for
                raise
            return
        try:
            yield
            session.commit()
        except BaseException:
            session.info.pop(_AFTER_COMMIT, None)
            session.rollback()
            raise
    finally:
        session.info[_DEPTH] = depth
    for callback, args in session.info.pop(_AFTER_COMMIT, []):
        callback(*args)


def in_unit_of_work() -> bool:
    """Whether a unit of work is open (so a write now will be committed by it, or rolled back)."""
    return db.session.info.get(_DEPTH, 0) > 0


def after_commit(callback: Callable[..., object], *args) -> None:
    """Run callback(*args) once the outermost unit has committed (now when none is open); never on rollback."""
    if not in_unit_of_work():
        callback(*args)
        return
    db.session.info.setdefault(_AFTER_COMMIT, []).append((callback, args))


def _begin_sqlite_transaction() -> None:
    """Make sure SQLite is really in a transaction before a savepoint.

    Python's sqlite3 module only begins a transaction before a write, so after reads alone a SAVEPOINT would
    start the transaction itself and its RELEASE would commit, out from under the outer unit. IMMEDIATE takes
    the write lock at once: a deferred BEGIN would hold a read lock, and its first write would then fail at
    once ("database is locked") whenever another connection is committing (a worker's outbox claim, say).
    """
    connection = db.session.connection()
    driver = connection.connection.driver_connection
    if isinstance(driver, sqlite3.Connection) and not driver.in_transaction:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
