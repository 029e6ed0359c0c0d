"""The coordinator's decision on each suggestion: shortlist, reject, or reconsider."""

from __future__ import annotations

from matcher.models import Coordinator, Problem, Suggestion
from matcher.services import audit
from matcher.services.coordination import (
    MAX_TEXT,
    CoordinationError,
    actor,
    decide,
    find_suggestion,
    require_open,
    start_review,
)
from matcher.services.transactions import unit_of_work


def shortlist(problem: Problem, suggestion_id: int, coordinator: Coordinator) -> Suggestion:
    """Put a suggested researcher on the problem's shortlist."""
    with unit_of_work():
        suggestion = find_suggestion(problem, suggestion_id)
        require_open(problem)
        if suggestion.decision == "introduced":
            raise CoordinationError(f"{suggestion.researcher.name} has already been introduced.")
        decide(suggestion, "shortlisted", coordinator)
        start_review(problem)
        audit.record(actor(coordinator), "suggestion.shortlisted", "suggestion", suggestion.id,
                     problem_id=problem.id, researcher_id=suggestion.researcher_id)
    return suggestion


def reject(problem: Problem, suggestion_id: int, coordinator: Coordinator, reason: str) -> Suggestion:
    """Reject a suggestion; the reason is kept and shown."""
    reason = (reason or "").strip()
    if not reason:
        raise CoordinationError("Please say why this researcher is not a fit.")
    with unit_of_work():
        require_open(problem)
        suggestion = find_suggestion(problem, suggestion_id)
        if suggestion.decision == "introduced":
            raise CoordinationError(
                f"{suggestion.researcher.name} has already been introduced; record a decline on the partnership."
            )
        decide(suggestion, "rejected", coordinator, reason[:MAX_TEXT])
        start_review(problem)
        audit.record(actor(coordinator), "suggestion.rejected", "suggestion", suggestion.id,
                     problem_id=problem.id, researcher_id=suggestion.researcher_id, reason=reason[:500])
    return suggestion


def reconsider(problem: Problem, suggestion_id: int, coordinator: Coordinator) -> Suggestion:
    """Put a shortlisted or rejected suggestion back to pending."""
    with unit_of_work():
        suggestion = find_suggestion(problem, suggestion_id)
        if suggestion.decision == "introduced":
            raise CoordinationError(f"{suggestion.researcher.name} has already been introduced.")
        decide(suggestion, "pending", coordinator)
        audit.record(actor(coordinator), "suggestion.reconsidered", "suggestion", suggestion.id,
                     problem_id=problem.id, researcher_id=suggestion.researcher_id)
    return suggestion
