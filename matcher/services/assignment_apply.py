"""Applying a stored assignment proposal: check each chosen row again, list the e-mails, introduce in one unit."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from matcher import lifecycle, taxonomy
from matcher.extensions import db
from matcher.models import AssignmentProposal, AssignmentProposalRow, Coordinator, Partnership, Problem, Suggestion
from matcher.models.assignment import PROPOSAL_APPLIED
from matcher.models.types import utcnow
from matcher.ranking.exclusions import Exclusion
from matcher.services import audit, matching
from matcher.services.coordination import MAX_TEXT, CoordinationError, actor
from matcher.services.decisions import shortlist
from matcher.services.global_assignment import active_per_problem, chosen_rows, find_open
from matcher.services.introductions import INTRODUCIBLE_DECISIONS, introduce
from matcher.services.transactions import unit_of_work

# Statuses in which a kept row may still be introduced: "introduced" when someone introduced another
# researcher since (the problem's free slots are checked then).
APPLICABLE_STATUSES = (*lifecycle.ASSIGNABLE_STATUSES, lifecycle.Status.INTRODUCED)


@dataclass
class PlannedEmail:
    """One e-mail that applying will queue."""

    to: str
    recipient: str
    problem: Problem
    introduces: str  # whom the e-mail introduces: the researchers to an agency, the agency to a researcher


@dataclass
class Plan:
    """What applying the chosen rows would do today: the rows that pass, those refused and why, the e-mails."""

    accepted: list[AssignmentProposalRow] = field(default_factory=list)
    refused: list[tuple[AssignmentProposalRow, str]] = field(default_factory=list)
    suggestions: dict[int, Suggestion] = field(default_factory=dict)  # row id -> the suggestion to introduce

    def emails(self) -> list[PlannedEmail]:
        """One e-mail to each agency (naming its researchers), then one to each researcher."""
        by_problem: dict[int, list[AssignmentProposalRow]] = {}
        for row in self.accepted:
            by_problem.setdefault(row.problem_id, []).append(row)
        mails = []
        for rows in by_problem.values():
            problem = rows[0].problem
            names = ", ".join(row.researcher.name for row in rows)
            mails.append(PlannedEmail(problem.email, problem.contact_name, problem, names))
            mails.extend(PlannedEmail(row.researcher.email, row.researcher.name, problem, problem.agency_name)
                         for row in rows)
        return mails


def parse_row_ids(values: list[str]) -> list[int]:
    """Ticked row ids from a form, refused when they are not ids."""
    ids = []
    for value in values:
        if not (value.isascii() and value.isdigit() and 0 < int(value) < 2**31):
            raise CoordinationError("The proposal was not understood. Reload it and try again.")
        ids.append(int(value))
    return list(dict.fromkeys(ids))


def plan(proposal: AssignmentProposal, row_ids: list[int]) -> Plan:
    """Check each chosen row against today's data, as applying will (capacity and slots counted together)."""
    rows = chosen_rows(proposal, row_ids)
    result = Plan()
    per_problem = proposal.settings.get("per_problem", 1)
    researcher_active = matching.active_partnership_counts(sorted({r.researcher_id for r in rows}))
    problem_active = active_per_problem(sorted({r.problem_id for r in rows}))
    for row in rows:
        suggestion = db.session.scalar(select(Suggestion).where(
            Suggestion.problem_id == row.problem_id, Suggestion.researcher_id == row.researcher_id))
        reason = _refusal(row, suggestion, researcher_active.get(row.researcher_id, 0),
                          problem_active.get(row.problem_id, 0), per_problem)
        if reason:
            result.refused.append((row, reason))
            continue
        result.accepted.append(row)
        result.suggestions[row.id] = suggestion
        researcher_active[row.researcher_id] = researcher_active.get(row.researcher_id, 0) + 1
        problem_active[row.problem_id] = problem_active.get(row.problem_id, 0) + 1
    return result


def _refusal(row: AssignmentProposalRow, suggestion: Suggestion | None, active: int, problem_active: int,
             per_problem: int) -> str:
    """Why this row can no longer be introduced today, or ""."""
    problem, researcher = row.problem, row.researcher
    if problem.status not in APPLICABLE_STATUSES:
        then = taxonomy.label(taxonomy.PROBLEM_STATUSES, row.problem_status).lower()
        now = taxonomy.label(taxonomy.PROBLEM_STATUSES, problem.status).lower()
        return f"the problem is {now} now (it was {then} when proposed)"
    if suggestion is None:
        return f"{researcher.name} is no longer among the problem's suggestions (it was ranked again)"
    if suggestion.decision not in INTRODUCIBLE_DECISIONS:
        state = taxonomy.label(taxonomy.SUGGESTION_DECISIONS, suggestion.decision).lower()
        return f"the suggestion of {researcher.name} is {state} now"
    if db.session.scalar(select(Partnership.id).where(Partnership.problem_id == problem.id,
                                                      Partnership.researcher_id == researcher.id)):
        return f"{researcher.name} was already introduced to this agency"
    if problem_active >= per_problem:
        return f"the problem already has {problem_active} active introduction{'s' if problem_active != 1 else ''}"
    reasons = matching.researcher_exclusions(researcher, problem, active)
    if not reasons:
        return ""
    if reasons[0] is Exclusion.NO_CAPACITY:
        free = max(0, researcher.capacity - active)
        return (f"{researcher.name} has {free} free place{'s' if free != 1 else ''} left "
                f"(had {row.free_capacity} when proposed)")
    return f"{researcher.name}: {reasons[0].label.lower()}"


class StaleProposal(CoordinationError):
    """Some chosen rows can no longer be introduced; nothing was sent."""

    def __init__(self, checked: Plan) -> None:
        super().__init__("Some proposed introductions can no longer be made. Nothing was sent.")
        self.plan = checked


def apply(proposal_id: int, row_ids: list[int], coordinator: Coordinator, *, personal_note: str = "") -> Plan:
    """Introduce the chosen rows in one unit of work and close the proposal; refuse all if any row went stale."""
    note = (personal_note or "").strip()[:MAX_TEXT]
    with unit_of_work():
        proposal = find_open(proposal_id, lock=True)
        checked = plan(proposal, row_ids)
        if checked.refused:
            raise StaleProposal(checked)
        by_problem: dict[int, list[AssignmentProposalRow]] = {}
        for row in checked.accepted:
            by_problem.setdefault(row.problem_id, []).append(row)
        for rows in by_problem.values():
            introduce(rows[0].problem, [checked.suggestions[row.id].id for row in rows], coordinator, message=note)
            for row in rows:
                row.outcome = "introduced"
        proposal.status, proposal.closed_by_id, proposal.closed_at = PROPOSAL_APPLIED, coordinator.id, utcnow()
        proposal.personal_note = note
        audit.record(actor(coordinator), "assignment.applied", "assignment_proposal", proposal.id,
                     rows=[row.id for row in checked.accepted], with_note=bool(note))
    return checked


def shortlist_rows(proposal_id: int, row_ids: list[int], coordinator: Coordinator) -> int:
    """Shortlist the chosen rows' suggestions (no e-mails); the proposal stays open."""
    with unit_of_work():
        proposal = find_open(proposal_id, lock=True)
        checked = plan(proposal, row_ids)
        if checked.refused:
            raise StaleProposal(checked)
        for row in checked.accepted:
            suggestion = checked.suggestions[row.id]
            if suggestion.decision != "shortlisted":
                shortlist(row.problem, suggestion.id, coordinator)
            row.outcome = "shortlisted"
        audit.record(actor(coordinator), "assignment.shortlisted", "assignment_proposal", proposal.id,
                     rows=[row.id for row in checked.accepted])
    return len(checked.accepted)
