"""Plain profiles and problems, and the text documents the index is built from."""

from __future__ import annotations

from dataclasses import dataclass, field


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
    """How many times each part is repeated in a document (0 drops it).

    Topics are not in the text: the blend scores them as their own part, so they are not counted twice.
    """

    statement: int = 1
    keywords: int = 2
    publication_titles: int = 1
    publication_abstracts: int = 1
    problem_title: int = 2
    problem_text: int = 1
    bridges: int = 1


def _repeat(text: str, times: int) -> list[str]:
    return [text] * times if text else []


def publication_text(publication: Publication) -> str:
    """Return the text of one publication: its title and abstract."""
    return f"{publication.title}. {publication.abstract}".strip()


def researcher_document(profile: ResearcherProfile, weights: DocumentWeights = DocumentWeights()) -> str:
    """Build the weighted text document of a researcher profile."""
    keywords = ", ".join(profile.keywords)
    parts = _repeat(profile.statement, weights.statement)
    parts += _repeat(keywords, weights.keywords)
    for publication in profile.publications:
        parts += _repeat(publication.title, weights.publication_titles)
        parts += _repeat(publication.abstract, weights.publication_abstracts)
    return "\n".join(parts)


def problem_document(problem: ProblemQuery, weights: DocumentWeights = DocumentWeights(),
                     bridged: str = "") -> str:
    """Build the weighted text document of an agency's problem, with the researcher words bridged to it."""
    parts = _repeat(problem.title, weights.problem_title)
    parts += _repeat(problem.text, weights.problem_text)
    parts += _repeat(bridged, weights.bridges)
    return "\n".join(parts)


def own_words(problem: ProblemQuery | str) -> str:
    """What the agency itself wrote (title and text), without anything added."""
    return problem if isinstance(problem, str) else f"{problem.title}\n{problem.text}"
