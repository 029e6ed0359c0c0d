"""The coordinator's decision on each suggestion: shortlist, reject, or reconsider.

Each takes `seen`, the suggestion's version the coordinator's page showed: a decision made from an older page
(someone else decided meanwhile) is refused with what changed.
"""

from __future__ import annotations

from matcher.models import Coordinator, Problem, Suggestion
from matcher.models.types import utcnow
from matcher.services import problem_status, versions
from matcher.services.coordination import MAX_TEXT, CoordinationError, actor, find_suggestion, require_open
from matcher.services.transactions import unit_of_work

ACTIONS = {"shortlisted": "suggestion.shortlisted", "rejected": "suggestion.rejected",
           "pending": "suggestion.reconsidered", "introduced": "suggestion.introduced"}


def decide(suggestion: Suggestion, decision: str, coordinator: Coordinator, reason: str = "") -> None:
    """Record a decision on a suggestion, with who made it and when (a new version, audited)."""
    suggestion.decision, suggestion.decision_reason = decision, reason
    suggestion.decided_by_id, suggestion.decided_at = coordinator.id, utcnow()
    versions.record_change(suggestion, actor(coordinator), ACTIONS[decision], decision=decision,
                           problem_id=suggestion.problem_id, researcher_id=suggestion.researcher_id,
                           **({"reason": reason[:500]} if reason else {}))


def _held(problem: Problem, suggestion_id: int, seen: int | None) -> Suggestion:
    """The suggestion, locked and checked against the version the coordinator saw."""
    suggestion = find_suggestion(problem, suggestion_id)
    versions.lock(suggestion)
    versions.check(suggestion, seen, f"the decision on {suggestion.researcher.name}")
    return suggestion


def shortlist(problem: Problem, suggestion_id: int, coordinator: Coordinator, seen: int | None = None,
              ) -> Suggestion:
    """Put a suggested researcher on the problem's shortlist."""
    with unit_of_work():
        suggestion = _held(problem, suggestion_id, seen)
        require_open(problem)
        if suggestion.decision == "introduced":
            raise CoordinationError(f"{suggestion.researcher.name} has already been introduced.")
        decide(suggestion, "shortlisted", coordinator)
        problem_status.start_review(problem, actor(coordinator))
    return suggestion


def reject(problem: Problem, suggestion_id: int, coordinator: Coordinator, reason: str,
           seen: int | None = None) -> Suggestion:
    """Reject a suggestion; the reason is kept and shown."""
    reason = (reason or "").strip()
    if not reason:
        raise CoordinationError("Please say why this researcher is not a fit.")
    with unit_of_work():
        require_open(problem)
        suggestion = _held(problem, suggestion_id, seen)
        if suggestion.decision == "introduced":
            raise CoordinationError(
                f"{suggestion.researcher.name} has already been introduced; record a decline on the partnership."
            )
        decide(suggestion, "rejected", coordinator, reason[:MAX_TEXT])
        problem_status.start_review(problem, actor(coordinator))
    return suggestion


def reconsider(problem: Problem, suggestion_id: int, coordinator: Coordinator, seen: int | None = None,
               ) -> Suggestion:
    """Put a shortlisted or rejected suggestion back to pending."""
    with unit_of_work():
        suggestion = _held(problem, suggestion_id, seen)
        if suggestion.decision == "introduced":
            raise CoordinationError(f"{suggestion.researcher.name} has already been introduced.")
        decide(suggestion, "pending", coordinator)
    return suggestion
