"""Plain profiles and problems, and the text documents the index is built from."""

from __future__ import annotations

from dataclasses import dataclass, field

from matcher import taxonomy
from matcher.ranking.expansions import expand_phrases, topic_terms


@dataclass(frozen=True)
class Publication:
    """One publication listed on a researcher profile."""

    title: str
    abstract: str = ""
    year: int | None = None


@dataclass(frozen=True)
class ResearcherProfile:
    """The text side of a researcher profile."""

    id: str
    name: str
    statement: str = ""
    keywords: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    publications: list[Publication] = field(default_factory=list)


@dataclass(frozen=True)
class ProblemQuery:
    """The text side of an agency's problem statement."""

    id: str
    title: str = ""
    text: str = ""
    topics: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class DocumentWeights:
    """How many times each part is repeated in a document (0 drops it)."""

    statement: int = 1
    keywords: int = 2
    topic_labels: int = 1
    topic_expansions: int = 1
    publication_titles: int = 1
    publication_abstracts: int = 1
    problem_title: int = 2
    problem_text: int = 1
    phrase_expansions: int = 1


def _repeat(text: str, times: int) -> list[str]:
    return [text] * times if text else []


def _topic_parts(topics: list[str], weights: DocumentWeights) -> list[str]:
    labels = " ".join(taxonomy.label(taxonomy.TOPICS, slug) for slug in topics)
    expansions = " ".join(topic_terms(slug) for slug in topics).strip()
    return _repeat(labels, weights.topic_labels) + _repeat(expansions, weights.topic_expansions)


def publication_text(publication: Publication) -> str:
    """Return the text of one publication: its title and abstract."""
    return f"{publication.title}. {publication.abstract}".strip()


def researcher_document(profile: ResearcherProfile, weights: DocumentWeights = DocumentWeights()) -> str:
    """Build the weighted text document of a researcher profile."""
    keywords = ", ".join(profile.keywords)
    parts = _repeat(profile.statement, weights.statement)
    parts += _repeat(keywords, weights.keywords)
    parts += _repeat(expand_phrases(f"{profile.statement} {keywords}"), weights.phrase_expansions)
    parts += _topic_parts(profile.topics, weights)
    for publication in profile.publications:
        parts += _repeat(publication.title, weights.publication_titles)
        parts += _repeat(publication.abstract, weights.publication_abstracts)
    return "\n".join(parts)


def problem_document(problem: ProblemQuery, weights: DocumentWeights = DocumentWeights()) -> str:
    """Build the weighted text document of an agency's problem."""
    parts = _repeat(problem.title, weights.problem_title)
    parts += _repeat(problem.text, weights.problem_text)
    parts += _topic_parts(problem.topics, weights)
    parts += _repeat(expand_phrases(f"{problem.title} {problem.text}"), weights.phrase_expansions)
    return "\n".join(parts)
