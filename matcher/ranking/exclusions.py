"""The one exclusion policy: which researchers may not be suggested, introduced or proposed for a problem, and why.

Suggestions (blend), introductions and global assignment all ask `exclusions()`; a researcher it names for a
problem is left out of all three alike.
"""

from __future__ import annotations

from enum import StrEnum

from matcher.ranking.structured import MatchCandidate, ProblemFacts, is_too_far, names_match


class Exclusion(StrEnum):
    """Why a researcher is left out, in the order the reasons are checked (the stored code is the value)."""

    HIDDEN = "hidden"
    UNCONFIRMED = "unconfirmed"
    STALE = "stale"
    DECLARED_CONFLICT = "declared-conflict"
    AVOIDED_BY_AGENCY = "avoided-by-agency"
    NO_CAPACITY = "no-capacity"
    TOO_FAR = "too-far"

    @property
    def label(self) -> str:
        """The reason in words, for coordinators."""
        return _LABELS[self]

    @property
    def group(self) -> str:
        """The heading the problem page lists this reason under."""
        return _GROUPS[self]

    @property
    def unlisted(self) -> bool:
        """Whether the reason is that the profile is not listed (hidden or never confirmed)."""
        return self in (Exclusion.HIDDEN, Exclusion.UNCONFIRMED)

    @property
    def overridable(self) -> bool:
        """Whether a coordinator may introduce the researcher anyway, with a recorded reason.

        Distance, capacity, an old profile and a declared conflict are judgements a coordinator can make
        after talking to both sides (remote work is fine after all, the researcher takes one more, the
        conflict has ended). An unlisted profile (hidden, or an e-mail never confirmed) is the researcher's
        own choice or an address nobody proved, and an avoided name is the agency's explicit wish: those
        stay absolute, so nobody is introduced against the wish of either side.
        """
        return not self.unlisted and self is not Exclusion.AVOIDED_BY_AGENCY


_LABELS = {
    Exclusion.HIDDEN: "Profile hidden",
    Exclusion.UNCONFIRMED: "E-mail not confirmed",
    Exclusion.STALE: "Profile not reconfirmed for a year",
    Exclusion.DECLARED_CONFLICT: "Researcher declared a conflict with this agency",
    Exclusion.AVOIDED_BY_AGENCY: "The agency asked to avoid this researcher or university",
    Exclusion.NO_CAPACITY: "No free capacity",
    Exclusion.TOO_FAR: "Beyond the distance the agency needs for in-person work",
}
_GROUPS = {
    Exclusion.HIDDEN: "Hidden", Exclusion.UNCONFIRMED: "Hidden", Exclusion.STALE: "Hidden",
    Exclusion.DECLARED_CONFLICT: "Conflict", Exclusion.AVOIDED_BY_AGENCY: "Conflict",
    Exclusion.NO_CAPACITY: "Capacity", Exclusion.TOO_FAR: "Distance",
}


def exclusions(candidate: MatchCandidate, problem: ProblemFacts) -> list[Exclusion]:
    """Every reason this researcher must be left out for this problem, in check order (empty: eligible)."""
    applies = {
        Exclusion.HIDDEN: candidate.hidden,
        Exclusion.UNCONFIRMED: not candidate.confirmed,
        Exclusion.STALE: candidate.stale,
        Exclusion.DECLARED_CONFLICT: any(names_match(agency, problem.agency_name) for agency in candidate.conflicts),
        Exclusion.AVOIDED_BY_AGENCY: any(names_match(avoided, who) for avoided in problem.avoid
                                         for who in (candidate.name, candidate.institution)),
        Exclusion.NO_CAPACITY: candidate.free_capacity <= 0,
        Exclusion.TOO_FAR: is_too_far(candidate, problem),
    }
    return [reason for reason in Exclusion if applies[reason]]


def exclusion_reason(candidate: MatchCandidate, problem: ProblemFacts) -> Exclusion | None:
    """The first reason this researcher must be left out for this problem, or None."""
    found = exclusions(candidate, problem)
    return found[0] if found else None


def from_code(code: str) -> Exclusion | None:
    """The exclusion a stored code names, or None for a code this version does not know."""
    try:
        return Exclusion(code)
    except ValueError:
        return None
