"""Introducing researchers to an agency: partnerships, decisions, status and both e-mails in one unit of work."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from matcher import taxonomy
from matcher.extensions import db
from matcher.mail import external_url, queue_email
from matcher.models import (
    Coordinator,
    OutboxMessage,
    Partnership,
    PartnershipEvent,
    Problem,
    Researcher,
    Suggestion,
)
from matcher.models.types import utcnow
from matcher.ranking.exclusions import Exclusion
from matcher.services import audit, matching, problem_status
from matcher.services.coordination import MAX_TEXT, CoordinationError, actor, find_suggestion, require_open
from matcher.services.decisions import decide
from matcher.services.problem_review import partnerships_for
from matcher.services.transactions import unit_of_work

INTRODUCIBLE_DECISIONS = ("pending", "shortlisted")


def _check_introducible(problem: Problem, suggestion: Suggestion) -> None:
    """Refuse an introduction the rules do not allow (decision, repeat, or the exclusion policy)."""
    researcher = suggestion.researcher
    if suggestion.decision not in INTRODUCIBLE_DECISIONS:
        state = taxonomy.label(taxonomy.SUGGESTION_DECISIONS, suggestion.decision).lower()
        raise CoordinationError(f"{researcher.name} cannot be introduced: the suggestion is {state}.")
    existing = db.session.scalar(select(Partnership).where(
        Partnership.problem_id == problem.id, Partnership.researcher_id == researcher.id))
    if existing is not None:
        raise CoordinationError(f"{researcher.name} was already introduced to this agency.")
    # Partnerships made earlier in the same unit of work are flushed, so they count against capacity here.
    active = matching.active_partnership_counts([researcher.id]).get(researcher.id, 0)
    reasons = matching.researcher_exclusions(researcher, problem, active)
    if not reasons:
        return
    if reasons[0].unlisted:
        raise CoordinationError(f"{researcher.name}'s profile is not listed, so they cannot be introduced.")
    if reasons[0] is Exclusion.NO_CAPACITY:
        raise CoordinationError(f"{researcher.name} has no free capacity for another partnership.")
    raise CoordinationError(f"{researcher.name} cannot be introduced: {reasons[0].label.lower()}.")


def _names(researchers: list[Researcher]) -> str:
    names = [r.name for r in researchers]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def introduce(problem: Problem, suggestion_ids: list[int], coordinator: Coordinator,
              message: str = "") -> list[Partnership]:
    """Introduce researchers to the agency: partnerships, decisions, status and e-mails in one unit of work."""
    message = (message or "").strip()[:MAX_TEXT]
    try:
        with unit_of_work():
            suggestions = [find_suggestion(problem, sid) for sid in dict.fromkeys(suggestion_ids)]
            _introduce(problem, suggestions, coordinator, message)
    except IntegrityError as error:  # another coordinator introduced the same researcher a moment ago
        raise CoordinationError("This researcher was just introduced to this agency. Reload the page.") from error
    return [p for p in partnerships_for(problem) if p.researcher_id in {s.researcher_id for s in suggestions}]


def _introduce(problem: Problem, suggestions: list[Suggestion], coordinator: Coordinator,
               message: str) -> list[OutboxMessage]:
    """Create the partnerships and queue the e-mails."""
    require_open(problem)
    if not suggestions:
        raise CoordinationError("Choose at least one researcher to introduce.")
    now = utcnow()
    # Lock the researchers' rows so two coordinators cannot both take a researcher's last free slot.
    db.session.execute(
        select(Researcher.id).where(Researcher.id.in_([s.researcher_id for s in suggestions])).with_for_update()
    )
    for suggestion in suggestions:
        _check_introducible(problem, suggestion)
    researchers = [s.researcher for s in suggestions]
    status_link = external_url("agencies.status", token=problem.status_token)
    queued = [queue_email(
        problem.email, f"Introduction to {_names(researchers)}"[:200], "introduction_agency",
        problem=problem, researchers=researchers, message=message, status_url=status_link,
    )]
    for suggestion in suggestions:
        researcher = suggestion.researcher
        partnership = Partnership(problem_id=problem.id, researcher_id=researcher.id,
                                  stage="introduced", introduced_at=now)
        partnership.events.append(PartnershipEvent(stage="introduced", note=message, at=now,
                                                    coordinator_id=coordinator.id))
        db.session.add(partnership)
        decide(suggestion, "introduced", coordinator)
        queued.append(queue_email(
            researcher.email, f"Introduction: {problem.agency_name}: {problem.title}"[:200],
            "introduction_researcher", problem=problem, researcher=researcher, message=message,
        ))
        db.session.flush()
        audit.record(actor(coordinator), "problem.introduced", "partnership", partnership.id,
                     problem_id=problem.id, researcher_id=researcher.id, suggestion_id=suggestion.id)
    problem_status.follow_partnerships(problem, actor(coordinator))
    return queued


def introduce_many(selections: dict[int, list[int]], coordinator: Coordinator) -> int:
    """Introduce for several problems at once ({problem_id: [suggestion ids]}), all or nothing."""
    with unit_of_work():
        for problem_id, suggestion_ids in selections.items():
            problem = db.session.get(Problem, problem_id)
            if problem is None:
                raise CoordinationError("A problem in the proposal no longer exists. Reload the proposal.")
            introduce(problem, suggestion_ids, coordinator)
    return sum(len(ids) for ids in selections.values())
