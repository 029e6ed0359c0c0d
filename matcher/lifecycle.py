"""Problem statuses and partnership stages: their values and labels, the moves allowed between them, and what
each one means. Pure: imports neither Flask nor the database; every service asks here.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum


class _Labelled(StrEnum):
    """A stored slug with the label people read."""

    label: str

    def __new__(cls, value: str, label: str):
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member


class ProblemStatus(_Labelled):
    """Where a problem statement stands."""

    NEW = "new", "New"
    UNDER_REVIEW = "under-review", "Under review"
    INTRODUCED = "introduced", "Researchers introduced"
    PARTNERED = "partnered", "Partnership under way"
    CLOSED = "closed", "Closed"
    WITHDRAWN = "withdrawn", "Withdrawn"


class PartnershipStage(_Labelled):
    """How far an introduction has gone, in the order partnerships usually go."""

    INTRODUCED = "introduced", "Introduced"
    FIRST_MEETING = "first-meeting", "First meeting"
    AGREEMENT = "agreement", "Agreement or MOU"
    DATA_ACCESS = "data-access", "Data access / IRB"
    UNDER_WAY = "under-way", "Under way"
    REPORT_DELIVERED = "report-delivered", "Report delivered"
    CLOSED = "closed", "Closed"
    DECLINED = "declined", "Researcher declined"


Status, Stage = ProblemStatus, PartnershipStage

OPEN_STATUSES = (Status.NEW, Status.UNDER_REVIEW, Status.INTRODUCED, Status.PARTNERED)
# Problems a coordinator (or global assignment) may still introduce researchers to in a first round.
ASSIGNABLE_STATUSES = (Status.NEW, Status.UNDER_REVIEW)
# Statuses that follow the problem's partnerships: set by introducing or recording stages, never chosen by hand.
FOLLOWS_PARTNERSHIPS = (Status.INTRODUCED, Status.PARTNERED)
# Statuses a coordinator chooses ("new" is only ever the first one).
CHOSEN_BY_HAND = (Status.UNDER_REVIEW, Status.CLOSED, Status.WITHDRAWN)

ACTIVE_STAGES = (Stage.INTRODUCED, Stage.FIRST_MEETING, Stage.AGREEMENT, Stage.DATA_ACCESS, Stage.UNDER_WAY,
                 Stage.REPORT_DELIVERED)
# Partnerships in these stages no longer count against a researcher's capacity.
INACTIVE_STAGES = (Stage.CLOSED, Stage.DECLINED)
# Stages at which the work itself is under way (the problem is then "partnered").
PARTNERED_STAGES = (Stage.UNDER_WAY, Stage.REPORT_DELIVERED)

# The one table of allowed problem moves. Open → closed or withdrawn at any time; a finished problem reopens
# to review; "introduced" and "partnered" come and go with the partnerships.
PROBLEM_TRANSITIONS: dict[ProblemStatus, frozenset[ProblemStatus]] = {
    Status.NEW: frozenset({Status.UNDER_REVIEW, Status.INTRODUCED, Status.CLOSED, Status.WITHDRAWN}),
    Status.UNDER_REVIEW: frozenset({Status.INTRODUCED, Status.CLOSED, Status.WITHDRAWN}),
    Status.INTRODUCED: frozenset({Status.UNDER_REVIEW, Status.PARTNERED, Status.CLOSED, Status.WITHDRAWN}),
    Status.PARTNERED: frozenset({Status.UNDER_REVIEW, Status.INTRODUCED, Status.CLOSED, Status.WITHDRAWN}),
    Status.CLOSED: frozenset({Status.UNDER_REVIEW}),
    Status.WITHDRAWN: frozenset({Status.UNDER_REVIEW}),
}


def _stage_moves(stage: PartnershipStage) -> frozenset[PartnershipStage]:
    """Forward to any later stage, back one step (a correction), closed or declined; an ended one reopens."""
    if stage in INACTIVE_STAGES:
        return frozenset(ACTIVE_STAGES)
    position = ACTIVE_STAGES.index(stage)
    back = ACTIVE_STAGES[position - 1:position] if position else ()
    return frozenset((*ACTIVE_STAGES[position + 1:], *back, *INACTIVE_STAGES))


# The one table of allowed partnership moves.
STAGE_TRANSITIONS: dict[PartnershipStage, frozenset[PartnershipStage]] = {
    stage: _stage_moves(stage) for stage in PartnershipStage
}


def can_change(current: str, wanted: str) -> bool:
    """Whether a problem may move from one status to another."""
    return _member(ProblemStatus, wanted) in PROBLEM_TRANSITIONS.get(_member(ProblemStatus, current), ())


def can_change_stage(current: str, wanted: str) -> bool:
    """Whether a partnership may move from one stage to another."""
    return _member(PartnershipStage, wanted) in STAGE_TRANSITIONS.get(_member(PartnershipStage, current), ())


def is_open(status: str) -> bool:
    """An open problem is still being worked on (not closed, not withdrawn)."""
    return status in OPEN_STATUSES


def counts_against_capacity(stage: str) -> bool:
    """Whether a partnership at this stage takes one of the researcher's slots."""
    return stage in ACTIVE_STAGES


def is_assignable(status: str) -> bool:
    """Whether a problem still waits for its first introductions."""
    return status in ASSIGNABLE_STATUSES


def is_partnered_stage(stage: str) -> bool:
    """Whether the work of a partnership at this stage is under way."""
    return stage in PARTNERED_STAGES


def chosen_by_hand(status: str) -> bool:
    """Whether a coordinator may choose this status (the others follow the partnerships)."""
    return status in CHOSEN_BY_HAND


def likely_choice(status: str) -> ProblemStatus:
    """The status a coordinator most likely chooses next: closing an open problem in work, else (re)viewing it."""
    return Status.CLOSED if status in (Status.UNDER_REVIEW, *FOLLOWS_PARTNERSHIPS) else Status.UNDER_REVIEW


def status_for_partnerships(status: str, stages: Iterable[str]) -> ProblemStatus:
    """The status an open problem should have, given its partnerships' stages; a finished one keeps its own.

    Work under way means partnered; any other active partnership means introduced; when every partnership has
    ended, the problem goes back to review (nobody is working on it, and it is not finished either).
    """
    current = ProblemStatus(status)
    if not is_open(current):
        return current
    active = [stage for stage in stages if counts_against_capacity(stage)]
    if any(is_partnered_stage(stage) for stage in active):
        return Status.PARTNERED
    if active:
        return Status.INTRODUCED
    if current in FOLLOWS_PARTNERSHIPS:
        return Status.UNDER_REVIEW
    return current


def next_stage(stage: str) -> PartnershipStage:
    """The stage a partnership usually reaches next (closed after the last active one)."""
    current = _member(PartnershipStage, stage)
    if current not in ACTIVE_STAGES:
        return Stage.INTRODUCED
    position = ACTIVE_STAGES.index(current)
    return ACTIVE_STAGES[position + 1] if position + 1 < len(ACTIVE_STAGES) else Stage.CLOSED


def refusal(kind: str, current_label: str, wanted_label: str) -> str:
    """The coordinator's message for a move the table does not allow."""
    return f"A {kind} cannot go from “{current_label}” to “{wanted_label}”."


def vocabulary(enum: type[_Labelled]) -> tuple[tuple[str, str], ...]:
    """(slug, label) pairs in order, as the shared vocabulary holds them."""
    return tuple((member.value, member.label) for member in enum)


def _member(enum: type[_Labelled], value: str):
    try:
        return enum(value)
    except ValueError:
        return None
