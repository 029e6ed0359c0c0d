"""Each app's text index of researcher profiles, kept in `app.extensions["matcher_index"]`.

A request catches the index up by corpus version: it reloads the profiles stamped above the index's version
and drops ids no longer indexed (see services.corpus for the stamps). A full refit — when the index advises
one or the corpus was replaced (its version went back) — runs in one background thread at a time while the
old index keeps answering, and is swapped in whole when ready. Only the very first load fits in the request:
there is nothing to serve before it. The index is read from its own database session, so it only ever holds
committed profiles, whatever transaction the caller is in.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from flask import Flask, current_app
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from matcher import ranking
from matcher.extensions import db
from matcher.models import CorpusVersion, Researcher
from matcher.services import corpus

EXTENSION = "matcher_index"


class ProcessIndex:
    """One app's index, the corpus version it reflects, and its refit thread."""

    def __init__(self, make_index: Callable[[], ranking.TextIndex] = ranking.TextIndex) -> None:
        self.lock = threading.Lock()  # held while the index is read or patched in place, and for the swap
        self.make_index = make_index
        self.index: ranking.TextIndex | None = None
        self.version = 0
        self.refit_thread: threading.Thread | None = None
        self.generation = 0  # a refit started before forget() must not install its index


def init_app(app: Flask) -> None:
    """Give the app its own (still empty) index and make every flush keep the corpus version."""
    corpus.watch_changes()
    app.extensions[EXTENSION] = ProcessIndex()


def process_index(app: Flask | None = None) -> ProcessIndex:
    """The app's index holder."""
    return (app or current_app).extensions[EXTENSION]


@contextmanager
def current_index() -> Iterator[ranking.TextIndex]:
    """The app's index, caught up with the corpus, held for the block (syncs patch it in place)."""
    app = current_app._get_current_object()
    state = process_index(app)
    with state.lock:
        _catch_up(app, state)
        yield state.index


def refresh_index(full: bool = False) -> None:
    """For the task queue (inside an app context): catch this process's index up with the corpus now and,
    when the index advises a refit, the corpus was replaced or `full` is set, refit it and wait for that.
    Queries keep using the old index until the new one is swapped in."""
    app = current_app._get_current_object()
    state = process_index(app)
    with state.lock:
        _catch_up(app, state)
        if full:
            _start_refit(app, state)
        thread = state.refit_thread
    if thread is not None:
        thread.join()
    with state.lock:
        _catch_up(app, state)


def wait_for_refit(app: Flask | None = None) -> None:
    """Block until a running background refit has been swapped in (tests, shutdown)."""
    thread = process_index(app).refit_thread
    if thread is not None:
        thread.join()


def forget(app: Flask | None = None) -> None:
    """Drop the index, as in a newly started process (tests empty the tables between them)."""
    state = process_index(app)
    wait_for_refit(app)
    with state.lock:
        state.index, state.version, state.generation = None, 0, state.generation + 1


# --- keeping it in step ---------------------------------------------------------------------------------


def _catch_up(app: Flask, state: ProcessIndex) -> None:
    """With the lock held: first load, sync, or a background refit, as the corpus version says."""
    with Session(db.engine) as session:
        version = _version(session)
        if state.index is None:
            state.index, state.version = _fit(state.make_index(), session), version
            app.logger.info("Text index fitted on %d profiles (corpus version %s)", len(state.index), version)
            return
        if version < state.version:  # the tables were emptied or restored: stamps start over
            _start_refit(app, state)
        elif version > state.version:
            _sync(state, session, version)
    if state.index.refit_advised:
        _start_refit(app, state)


def _sync(state: ProcessIndex, session: Session, version: int) -> None:
    """Reload profiles stamped above the index's version; drop ids no longer indexed."""
    changed = _profiles(session, _indexed().where(Researcher.indexed_version > state.version))
    indexed = {str(i) for i in session.scalars(_indexed().with_only_columns(Researcher.id))}
    gone = [rid for rid in state.index.ids_ if rid in state.index and rid not in indexed]
    state.index.add_or_update(changed).remove(gone)
    state.version = version


def _start_refit(app: Flask, state: ProcessIndex) -> None:
    """With the lock held: start a refit in the background unless one is running."""
    if state.refit_thread is not None and state.refit_thread.is_alive():
        return
    state.refit_thread = threading.Thread(
        target=_refit, args=(app, state, state.generation), name="matcher-index-refit", daemon=True
    )
    state.refit_thread.start()


def _refit(app: Flask, state: ProcessIndex, generation: int) -> None:
    """Fit a new index on the committed corpus, then swap it in (unless the index was forgotten meanwhile)."""
    try:
        with app.app_context(), Session(db.engine) as session:
            version = _version(session)
            index = _fit(state.make_index(), session)
    except Exception:
        app.logger.exception("Text index refit failed; the old index keeps answering")
        return
    with state.lock:
        if state.generation == generation:
            state.index, state.version = index, version
            app.logger.info("Text index refitted on %d profiles (corpus version %s)", len(index), version)


def _version(session: Session) -> int:
    return session.scalar(select(CorpusVersion.version).where(CorpusVersion.id == 1)) or 0


def _fit(index: ranking.TextIndex, session: Session) -> ranking.TextIndex:
    return index.fit(_profiles(session, _indexed()))


def _indexed():
    """Confirmed profiles (hidden ones too, so coordinators see why they are left out)."""
    return select(Researcher).where(Researcher.confirmed_at.is_not(None)).order_by(Researcher.id)


def _profiles(session: Session, query) -> list[ranking.ResearcherProfile]:
    researchers = session.scalars(query.options(selectinload(Researcher.publications)))
    return [researcher_profile(r) for r in researchers]


def researcher_profile(researcher: Researcher) -> ranking.ResearcherProfile:
    """The text side of a researcher, for the index."""
    return ranking.ResearcherProfile(
        id=str(researcher.id), name=researcher.name, statement=researcher.statement,
        keywords=list(researcher.keywords or []), topics=list(researcher.topics),
        publications=[
            ranking.Publication(title=p.title, abstract=p.abstract or "", year=p.year)
            for p in researcher.publications
        ],
    )
