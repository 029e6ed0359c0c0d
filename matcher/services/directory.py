"""The public directory: which profiles are listed, free-text search and filters."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, String, cast, func, or_, select

from matcher.models import Publication, ResearchCentre, Researcher
from matcher.models.types import has_slug

MAX_SEARCH_WORDS = 10


@dataclass(frozen=True)
class DirectoryFilters:
    """What a visitor searches for; empty strings mean 'any'."""

    text: str = ""
    state: str = ""
    topic: str = ""
    method: str = ""
    help: str = ""
    terms: str = ""

    @property
    def any(self) -> bool:
        """Whether any search or filter is set."""
        return any((self.text, self.state, self.topic, self.method, self.help, self.terms))


def listed_researchers() -> Select:
    """Researchers visible to the public: confirmed and not hidden."""
    return select(Researcher).where(Researcher.confirmed_at.is_not(None), Researcher.hidden.is_(False))


def search_words(text: str) -> list[str]:
    """The words of a search, lower-cased (at most MAX_SEARCH_WORDS)."""
    return [word.lower() for word in (text or "").split()][:MAX_SEARCH_WORDS]


def _contains(column, word: str):
    return func.lower(column).contains(word, autoescape=True)


def _word_matches(word: str):
    """SQL condition: the word appears anywhere in the profile or its publications."""
    in_publications = (
        select(Publication.id)
        .where(Publication.researcher_id == Researcher.id,
               or_(_contains(Publication.title, word), _contains(Publication.abstract, word)))
        .exists()
    )
    in_centre = (
        select(ResearchCentre.id)
        .where(ResearchCentre.id == Researcher.centre_id, _contains(ResearchCentre.name, word))
        .exists()
    )
    return or_(
        _contains(Researcher.name, word), _contains(Researcher.institution, word),
        _contains(Researcher.department, word), _contains(Researcher.position, word),
        _contains(Researcher.city, word), _contains(Researcher.statement, word),
        _contains(cast(Researcher.keywords, String), word), in_publications, in_centre,
    )


def search_researchers(filters: DirectoryFilters) -> Select:
    """Listed researchers matching every word and every filter, by name."""
    query = listed_researchers()
    for word in search_words(filters.text):
        query = query.where(_word_matches(word))
    if filters.state:
        query = query.where(Researcher.state == filters.state)
    for column, slug in ((Researcher.topics, filters.topic), (Researcher.methods, filters.method),
                         (Researcher.help_offered, filters.help), (Researcher.terms, filters.terms)):
        if slug:
            query = query.where(has_slug(column, slug))
    return query.order_by(Researcher.name, Researcher.id)


def all_centres() -> Select:
    """Every research centre, by name."""
    return select(ResearchCentre).order_by(ResearchCentre.name, ResearchCentre.id)


def listed_members(centre: ResearchCentre) -> list[Researcher]:
    """A centre's members who are listed."""
    return [member for member in centre.members if member.is_listed]
