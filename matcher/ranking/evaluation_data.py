"""Turn the sample JSON records in seed/ into the ranking's plain data (no database)."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass

from matcher.ranking.documents import ProblemQuery, Publication, ResearcherProfile
from matcher.ranking.structured import MatchCandidate, ProblemFacts

Geocode = Callable[[str], "tuple[float, float] | None"]


@dataclass(frozen=True)
class SeedData:
    """Everything the evaluation needs from the seed folder."""

    profiles: list[ResearcherProfile]
    candidates: list[MatchCandidate]
    queries: list[ProblemQuery]
    facts: dict[str, ProblemFacts]
    labels: dict[str, dict[str, float]]


def _no_geocode(_zip: str) -> None:
    return None


def split_names(value) -> list[str]:
    """A list of names from a list, or from text separated by commas, semicolons or new lines."""
    if isinstance(value, list):
        return [str(v).strip().lower() for v in value if str(v).strip()]
    return [part.strip().lower() for part in re.split(r"[,;\n]", value or "") if part.strip()]


def profile_from_seed(row: dict) -> ResearcherProfile:
    """The text side of one seed researcher."""
    publications = [Publication(p.get("title", ""), p.get("abstract", ""), p.get("year"))
                    for p in row.get("publications", [])]
    return ResearcherProfile(row["key"], row.get("name", ""), row.get("statement", ""),
                             list(row.get("keywords", [])), list(row.get("topics", [])), publications)


def candidate_from_seed(row: dict, geocode: Geocode = _no_geocode) -> MatchCandidate:
    """The structured side of one seed researcher (seed profiles are confirmed and visible)."""
    place = geocode(row.get("zip", "")) if row.get("zip") else None
    return MatchCandidate(
        researcher_id=row["key"], name=row.get("name", ""), institution=row.get("institution", ""),
        topics=list(row.get("topics", [])), help_offered=list(row.get("help", [])),
        methods=list(row.get("methods", [])), terms=list(row.get("terms", [])),
        lat=place[0] if place else None, lon=place[1] if place else None, state=row.get("state", ""),
        remote=bool(row.get("remote", True)), free_capacity=int(row.get("capacity", 2)),
        conflicts=list(row.get("conflicts", [])))


def query_from_seed(row: dict) -> ProblemQuery:
    """The text side of one seed problem."""
    return ProblemQuery(row["key"], row.get("title", ""), row.get("description", ""),
                        list(row.get("topics", [])))


def facts_from_seed(row: dict, geocode: Geocode = _no_geocode) -> ProblemFacts:
    """The structured side of one seed problem."""
    place = geocode(row.get("zip", "")) if row.get("zip") else None
    return ProblemFacts(
        topics=list(row.get("topics", [])), help_wanted=list(row.get("help_wanted", [])),
        lat=place[0] if place else None, lon=place[1] if place else None, state=row.get("state", ""),
        max_distance_miles=row.get("max_distance_miles"), in_person_only=bool(row.get("in_person_only", False)),
        funding=row.get("funding", ""), agency_name=row.get("agency_name", ""), avoid=split_names(row.get("avoid")))


def _read(folder: str, name: str):
    with open(os.path.join(folder, name), encoding="utf-8") as handle:
        return json.load(handle)


def _seed_data(researchers: list[dict], problems: list[dict], relevance: dict, geocode: Geocode) -> SeedData:
    return SeedData(
        profiles=[profile_from_seed(r) for r in researchers],
        candidates=[candidate_from_seed(r, geocode) for r in researchers],
        queries=[query_from_seed(p) for p in problems],
        facts={p["key"]: facts_from_seed(p, geocode) for p in problems},
        labels={q: {r: float(g["grade"] if isinstance(g, dict) else g) for r, g in grades.items()}
                for q, grades in relevance.items()})


def load_seed(folder: str, geocode: Geocode = _no_geocode) -> SeedData:
    """Read researchers.json, problems.json and relevance.json from folder."""
    return _seed_data(_read(folder, "researchers.json"), _read(folder, "problems.json"),
                      _read(folder, "relevance.json"), geocode)


HELD_OUT_FOLDER = "evaluation"
SPLITS = ("dev", "test")


def load_held_out(folder: str, split: str, geocode: Geocode = _no_geocode) -> SeedData:
    """The harder labelled set in folder/evaluation: the seed researchers plus its own, one split's problems.

    Each problem carries "split" ("dev" for tuning, "test" for judging); labels carry a grade and a reason.
    """
    if split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}")
    held_out = os.path.join(folder, HELD_OUT_FOLDER)
    researchers = _read(folder, "researchers.json") + _read(held_out, "researchers.json")
    problems = [p for p in _read(held_out, "problems.json") if p.get("split") == split]
    labels = _read(held_out, "labels.json")
    return _seed_data(researchers, problems, {p["key"]: labels.get(p["key"], {}) for p in problems}, geocode)
