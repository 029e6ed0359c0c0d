"""Structured facts about a researcher and a problem, and the fit of each part (the hard filters are in exclusions)."""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field

NEAR_MILES = 25.0
DEFAULT_HORIZON_MILES = 500.0
SAME_STATE_BONUS = 0.25
REMOTE_FLOOR = 0.5
CAPACITY_SATURATION = 3
# The one rule for terms: working free of charge, or on negotiable terms, suits every agency, whatever its
# funding; a fee suits an agency that can pay, a joint grant one applying for a grant.
SUITS_ANY_FUNDING = frozenset({"free", "negotiable"})
FITTING_TERMS = {"none": SUITS_ANY_FUNDING, "fee": SUITS_ANY_FUNDING | {"fee"},
                 "grant": SUITS_ANY_FUNDING | {"joint-grant"}}


@dataclass(frozen=True)
class MatchCandidate:
    """What the blender knows about one researcher besides the text."""

    researcher_id: str
    name: str = ""
    institution: str = ""
    topics: list[str] = field(default_factory=list)
    help_offered: list[str] = field(default_factory=list)
    methods: list[str] = field(default_factory=list)
    terms: list[str] = field(default_factory=list)
    lat: float | None = None
    lon: float | None = None
    state: str = ""
    remote: bool = False
    free_capacity: int = 1
    conflicts: list[str] = field(default_factory=list)
    confirmed: bool = True
    hidden: bool = False
    stale: bool = False


@dataclass(frozen=True)
class ProblemFacts:
    """What the blender knows about one problem besides the text."""

    topics: list[str] = field(default_factory=list)
    help_wanted: list[str] = field(default_factory=list)
    lat: float | None = None
    lon: float | None = None
    state: str = ""
    max_distance_miles: float | None = None
    in_person_only: bool = False
    funding: str = ""
    agency_name: str = ""
    avoid: list[str] = field(default_factory=list)


def normalise_name(text: str) -> str:
    """Lower-case, fold accents and punctuation, collapse spaces: for comparing names."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().casefold()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", folded).split())


def names_match(a: str, b: str) -> bool:
    """Whether two names are the same, or one is a whole-word part of the other (after normalising)."""
    a, b = normalise_name(a), normalise_name(b)
    return bool(a and b) and (a == b or f" {a} " in f" {b} " or f" {b} " in f" {a} ")


def haversine_miles(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in miles."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 3958.8 * math.asin(math.sqrt(min(1.0, h)))


def distance_miles(candidate: MatchCandidate, problem: ProblemFacts) -> float | None:
    """Miles between researcher and agency, or None when either location is unknown."""
    if None in (candidate.lat, candidate.lon, problem.lat, problem.lon):
        return None
    return haversine_miles(candidate.lat, candidate.lon, problem.lat, problem.lon)


def is_too_far(candidate: MatchCandidate, problem: ProblemFacts) -> bool:
    """Whether distance rules a researcher out: only when the agency needs someone in person, and the
    researcher is beyond its distance and does not work remotely. Otherwise distance only shapes the score."""
    if not problem.in_person_only or problem.max_distance_miles is None or candidate.remote:
        return False
    miles = distance_miles(candidate, problem)
    return miles is not None and miles > problem.max_distance_miles


def share_covered(wanted: list[str], offered: list[str]) -> float:
    """Share of the wanted slugs that are offered (0 when nothing is wanted)."""
    wanted_set = set(wanted)
    return len(wanted_set & set(offered)) / len(wanted_set) if wanted_set else 0.0


def distance_fit(candidate: MatchCandidate, problem: ProblemFacts) -> float:
    """1 within ~25 miles, decaying to 0 at the agency's distance (or 500 miles without one); same-state bonus;
    floor for remote work. A soft score: nobody is left out for distance here (see is_too_far)."""
    miles = distance_miles(candidate, problem)
    horizon = max(problem.max_distance_miles or DEFAULT_HORIZON_MILES, NEAR_MILES + 1)
    closeness = 0.0 if miles is None else min(1.0, max(0.0, (horizon - miles) / (horizon - NEAR_MILES)))
    same_state = bool(candidate.state) and candidate.state == problem.state
    fit = min(1.0, closeness + (SAME_STATE_BONUS if same_state else 0.0))
    return max(fit, REMOTE_FLOOR) if candidate.remote else fit


def terms_fit(candidate: MatchCandidate, problem: ProblemFacts) -> float:
    """1 when the researcher's terms suit the agency's funding, else 0 (1 when funding unknown)."""
    fitting = FITTING_TERMS.get(problem.funding)
    if fitting is None:
        return 1.0
    return 1.0 if fitting & set(candidate.terms) else 0.0


def capacity_fit(candidate: MatchCandidate) -> float:
    """Free slots, saturating at three."""
    return min(max(candidate.free_capacity, 0), CAPACITY_SATURATION) / CAPACITY_SATURATION
