"""The public directory: which profiles are listed, keyword search with filters and distance, similar profiles.

The search runs on this process's `DirectoryIndex` (matcher/ranking/search.py, kept in `app.extensions`), built
from the listed researchers and caught up by the corpus version stamps on changed profiles (services/corpus.py),
as the matcher's index is: every process answers the same.
"""

from __future__ import annotations

import math
import threading
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import Select, func, select

from matcher.extensions import db
from matcher.models import Publication, ResearchCentre, Researcher
from matcher.ranking.search import DirectoryIndex, DirectoryQuery, Near, SearchHit
from matcher.ranking.search_documents import DirectoryEntry
from matcher.services import corpus
from matcher.services.geo import ZipPlace, lookup_zip

DISTANCE_CHOICES = (25, 50, 100, 250, 500)
DEFAULT_MILES = 100
SIMILAR_RESEARCHERS = 4


@dataclass(frozen=True)
class DirectoryFilters:
    """What a visitor searches for; empty strings mean 'any'."""

    text: str = ""
    state: str = ""
    topic: str = ""
    method: str = ""
    help: str = ""
    terms: str = ""
    zip: str = ""
    miles: int = DEFAULT_MILES

    @property
    def any(self) -> bool:
        """Whether any search or filter is set."""
        return any((self.text, self.state, self.topic, self.method, self.help, self.terms, self.zip))


def listed_researchers() -> Select:
    """Researchers visible to the public: confirmed and not hidden."""
    return select(Researcher).where(Researcher.is_listed)


def figures() -> dict[str, int]:
    """The home page's figures: listed researchers, centres, and the states and universities they cover."""
    def count(what) -> int:
        return db.session.scalar(select(what).select_from(Researcher).where(Researcher.is_listed))

    return {
        "researchers": count(func.count()),
        "centres": db.session.scalar(select(func.count(ResearchCentre.id))),
        "states": count(func.count(func.distinct(Researcher.state))),
        "universities": count(func.count(func.distinct(Researcher.institution))),
    }


def recently_updated(limit: int) -> list[Researcher]:
    """The listed researchers whose profiles changed last."""
    return list(db.session.scalars(
        listed_researchers().order_by(Researcher.updated_at.desc(), Researcher.id).limit(limit)))


# --- this process's search index ------------------------------------------------------------------


class _ProcessSearch:
    """This process's directory index and the corpus stamp it reflects."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.index: DirectoryIndex | None = None
        self.stamp: tuple[int, object] | None = None
        self.database: str | None = None


SEARCH_INDEX_KEY = "directory_index"


def process_search() -> _ProcessSearch:
    """This app's directory index in this process (in app.extensions)."""
    return current_app.extensions.setdefault(SEARCH_INDEX_KEY, _ProcessSearch())


def forget_search_index() -> None:
    """Drop this app's index; the next search rebuilds it (after the tables were emptied)."""
    current_app.extensions[SEARCH_INDEX_KEY] = _ProcessSearch()


ENTRY_COLUMNS = (Researcher.id, Researcher.name, Researcher.state, Researcher.city, Researcher.institution,
                 Researcher.department, Researcher.statement, Researcher.keywords, Researcher.topics,
                 Researcher.methods, Researcher.help_offered, Researcher.terms, Researcher.latitude,
                 Researcher.longitude, ResearchCentre.name.label("centre"))


def _entries(condition=None) -> list[DirectoryEntry]:
    """Listed researchers (meeting the condition) as the index's entries, read as plain rows (fast)."""
    researchers = (listed_researchers().with_only_columns(*ENTRY_COLUMNS).select_from(Researcher)
                   .outerjoin(ResearchCentre, ResearchCentre.id == Researcher.centre_id).order_by(Researcher.id))
    papers = (listed_researchers()
              .with_only_columns(Publication.researcher_id, Publication.title, Publication.abstract)
              .select_from(Researcher).join(Publication, Publication.researcher_id == Researcher.id)
              .order_by(Publication.researcher_id, Publication.position))
    if condition is not None:
        researchers, papers = researchers.where(condition), papers.where(condition)
    publications = defaultdict(list)
    for researcher_id, title, abstract in db.session.execute(papers):
        publications[researcher_id].append((title, abstract or ""))
    return [
        DirectoryEntry(
            id=row.id, name=row.name, state=row.state, city=row.city, institution=row.institution,
            department=row.department or "", centre=row.centre or "", statement=row.statement or "",
            keywords=tuple(row.keywords or ()), topics=tuple(row.topics), methods=tuple(row.methods),
            help=tuple(row.help_offered), terms=tuple(row.terms), publications=tuple(publications[row.id]),
            latitude=row.latitude, longitude=row.longitude,
        )
        for row in db.session.execute(researchers)
    ]


@contextmanager
def fresh_index() -> Iterator[DirectoryIndex]:
    """This process's index, rebuilt or patched when the corpus stamp in the database has moved, and held
    while it is used: the index is updated in place, so no thread may read it during an update."""
    state = process_search()
    database = str(db.engine.url)
    with state.lock:
        stamp = corpus.current_stamp()  # read under the lock: a later request never sees an older stamp
        if state.index is None or state.database != database or (stamp != state.stamp
                                                                  and stamp[0] <= state.stamp[0]):
            _rebuild(state, stamp, database)
        elif stamp != state.stamp:
            _sync(state, stamp)
        yield state.index


def _rebuild(state: _ProcessSearch, stamp, database: str) -> None:
    state.index = DirectoryIndex().fit(_entries())
    state.stamp, state.database = stamp, database
    current_app.logger.info("Directory index built on %d profiles (corpus version %s)", len(state.index), stamp[0])


def _sync(state: _ProcessSearch, stamp) -> None:
    """Re-read profiles stamped with a later corpus version than the index's, add newly listed ones, drop
    unlisted ones."""
    listed = set(db.session.scalars(listed_researchers().with_only_columns(Researcher.id)))
    indexed = set(state.index.row_of_)
    changed = set(db.session.scalars(
        listed_researchers().with_only_columns(Researcher.id).where(Researcher.indexed_version > state.stamp[0])
    )) | (listed - indexed)
    entries = _entries(Researcher.id.in_(changed)) if changed else []
    state.index.update(entries, indexed - listed)
    state.stamp = stamp


# --- searching ------------------------------------------------------------------------------------


@dataclass
class ResultsPage:
    """One page of search results (the attributes the pager template reads), with what the search did."""

    items: list[tuple[Researcher, SearchHit]]
    page: int
    per_page: int
    total: int
    ignored: tuple[str, ...] = ()
    suggestion: str | None = None
    near: ZipPlace | None = None
    miles: int | None = None

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


def directory_query(filters: DirectoryFilters, place: ZipPlace | None) -> DirectoryQuery:
    """The pure index's query for these filters."""
    near = Near(place.latitude, place.longitude, filters.miles) if place is not None else None
    return DirectoryQuery(text=filters.text, state=filters.state, topic=filters.topic, method=filters.method,
                          help=filters.help, terms=filters.terms, near=near)


def search(filters: DirectoryFilters, page: int = 1, per_page: int = 20) -> ResultsPage:
    """Listed researchers matching the search and filters, best first, one page of them."""
    place = lookup_zip(filters.zip) if filters.zip else None
    start = (page - 1) * per_page
    query = directory_query(filters, place)
    with fresh_index() as index:
        found = index.search(query, start, start + per_page)
        if found.total and start >= found.total:  # past the end (an old link): show the last page
            page = math.ceil(found.total / per_page)
            start = (page - 1) * per_page
            found = index.search(query, start, start + per_page)
    return ResultsPage(items=_with_researchers(found.hits), page=page, per_page=per_page, total=found.total,
                       ignored=found.ignored, suggestion=found.suggestion, near=place,
                       miles=filters.miles if place else None)


def _with_researchers(hits: list[SearchHit]) -> list[tuple[Researcher, SearchHit]]:
    """The hits with their profiles, in order (a profile unlisted since the last sync is left out)."""
    ids = [hit.id for hit in hits]
    found = {r.id: r for r in db.session.scalars(listed_researchers().where(Researcher.id.in_(ids)))} if ids else {}
    return [(found[hit.id], hit) for hit in hits if hit.id in found]


def similar_researchers(researcher_id: int, k: int = SIMILAR_RESEARCHERS) -> list[Researcher]:
    """Listed researchers whose work is closest to this researcher's, most similar first."""
    with fresh_index() as index:
        ids = [entry_id for entry_id, _ in index.similar(researcher_id, k)]
    if not ids:
        return []
    found = {r.id: r for r in db.session.scalars(listed_researchers().where(Researcher.id.in_(ids)))}
    return [found[i] for i in ids if i in found]


# --- centres --------------------------------------------------------------------------------------


def all_centres() -> Select:
    """Every research centre, by name."""
    return select(ResearchCentre).order_by(ResearchCentre.name, ResearchCentre.id)


def listed_members(centre: ResearchCentre) -> list[Researcher]:
    """A centre's members who are listed, by name."""
    return list(db.session.scalars(
        listed_researchers().where(Researcher.centre_id == centre.id).order_by(Researcher.name, Researcher.id)
    ))
