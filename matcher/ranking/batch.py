"""Read profiles and queries from JSON Lines, reporting bad lines as FILE:LINE: message."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

from matcher.ranking.documents import ProblemQuery, Publication, ResearcherProfile


class BatchInputError(ValueError):
    """A line of a batch file that cannot be used; str() is 'FILE:LINE: message'."""

    def __init__(self, filename: str, line: int, message: str):
        super().__init__(f"{filename}:{line}: {message}")
        self.filename, self.line, self.message = filename, line, message


def _text(record: dict, key: str, required: bool = False) -> str:
    value = record.get(key)
    if value is None:
        if required:
            raise ValueError(f'missing "{key}"')
        return ""
    if not isinstance(value, str):
        raise ValueError(f'"{key}" must be a string')
    if required and key == "id" and not value.strip():
        raise ValueError('"id" must not be empty')
    return value


def _strings(record: dict, key: str) -> list[str]:
    value = record.get(key)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValueError(f'"{key}" must be a list of strings')
    return value


def _publication(item) -> Publication:
    if not isinstance(item, dict):
        raise ValueError('each of "publications" must be an object')
    year = item.get("year")
    if year is not None and (not isinstance(year, int) or isinstance(year, bool)):
        raise ValueError('publication "year" must be a whole number')
    return Publication(_text(item, "title"), _text(item, "abstract"), year)


def profile_from_record(record: dict) -> ResearcherProfile:
    """Build a profile from one decoded line; ValueError says what is wrong."""
    publications = record.get("publications") or []
    if not isinstance(publications, list):
        raise ValueError('"publications" must be a list')
    return ResearcherProfile(
        id=_text(record, "id", required=True), name=_text(record, "name", required=True),
        statement=_text(record, "statement"), keywords=_strings(record, "keywords"),
        topics=_strings(record, "topics"), publications=[_publication(p) for p in publications])


def query_from_record(record: dict) -> ProblemQuery:
    """Build a query from one decoded line; ValueError says what is wrong."""
    return ProblemQuery(id=_text(record, "id", required=True), title=_text(record, "title"),
                        text=_text(record, "text", required=True), topics=_strings(record, "topics"))


def _parse(lines: Iterable[str], filename: str, build, unique_ids: bool = False) -> Iterator:
    seen: set[str] = set()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            if not isinstance(record, dict):
                raise ValueError("each line must be a JSON object")
            item = build(record)
            if unique_ids and item.id in seen:
                raise ValueError(f'id "{item.id}" appears on an earlier line')
            seen.add(item.id)
            yield item
        except json.JSONDecodeError as error:
            yield BatchInputError(filename, number, f"not valid JSON ({error.msg})")
        except ValueError as error:
            yield BatchInputError(filename, number, str(error))


def read_profiles(lines: Iterable[str], filename: str) -> Iterator[ResearcherProfile | BatchInputError]:
    """Yield a profile, or a BatchInputError, for each non-blank line."""
    return _parse(lines, filename, profile_from_record, unique_ids=True)


def read_queries(lines: Iterable[str], filename: str) -> Iterator[ProblemQuery | BatchInputError]:
    """Yield a query, or a BatchInputError, for each non-blank line."""
    return _parse(lines, filename, query_from_record)


def result_line(query_id: str, hits) -> str:
    """One output line: the query id and its results, best first."""
    results = [{"researcher": h.researcher_id, "score": round(h.score, 6),
                "terms": [[term, share] for term, share in h.terms]} for h in hits]
    return json.dumps({"query": query_id, "results": results}, ensure_ascii=False)
