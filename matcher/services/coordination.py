"""What every coordinator action shares: its error, its audit actor, and the rules on problems and suggestions.

Each public operation in the coordinator's services is one unit of work (services.transactions): it commits
at the end, or rolls back on any error so nothing is half-saved, and records an audit event; called inside
another unit it becomes part of it.
"""

from __future__ import annotations

from matcher import lifecycle, taxonomy
from matcher.extensions import db
from matcher.models import Coordinator, Problem, Suggestion

MAX_TEXT = 5000


class CoordinationError(ValueError):
    """An action that cannot be done, with a message for the coordinator."""


class StaleEdit(CoordinationError):
    """A save made from a page showing an older version of the record; `changes` says what changed since."""

    def __init__(self, message: str, changes: list) -> None:
        super().__init__(message)
        self.changes = changes


def actor(coordinator: Coordinator) -> str:
    """How a coordinator appears in the audit log."""
    return f"coordinator:{coordinator.id}"


def find_suggestion(problem: Problem, suggestion_id: int) -> Suggestion:
    """The problem's suggestion with this id, refused when it belongs to another problem or is gone."""
    suggestion = db.session.get(Suggestion, suggestion_id)
    if suggestion is None or suggestion.problem_id != problem.id:
        raise CoordinationError("That suggestion does not belong to this problem. Reload the page and try again.")
    return suggestion


def require_open(problem: Problem) -> None:
    """Refuse to act on a problem that is no longer open."""
    if not lifecycle.is_open(problem.status):
        label = taxonomy.label(taxonomy.PROBLEM_STATUSES, problem.status).lower()
        raise CoordinationError(f"This problem is {label}. Reopen it before acting on it.")

