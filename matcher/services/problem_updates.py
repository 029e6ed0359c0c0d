"""The coordinator's entries on a problem: questions to the agency, internal notes and status changes."""

from __future__ import annotations

from matcher import taxonomy
from matcher.extensions import db
from matcher.mail import external_url, queue_email
from matcher.models import Coordinator, Problem, ProblemUpdate
from matcher.services import audit
from matcher.services.coordination import MAX_TEXT, CoordinationError, actor, require_open
from matcher.services.transactions import unit_of_work


def _clean_text(body: str, what: str) -> str:
    body = (body or "").strip()
    if not body:
        raise CoordinationError(f"Please write the {what}.")
    if len(body) > MAX_TEXT:
        raise CoordinationError(f"Please keep the {what} under {MAX_TEXT} characters.")
    return body


def ask_question(problem: Problem, body: str, coordinator: Coordinator) -> ProblemUpdate:
    """Ask the agency a question: shown on its status page, and the link e-mailed to the contact."""
    body = _clean_text(body, "question")
    with unit_of_work():
        require_open(problem)
        update = ProblemUpdate(problem_id=problem.id, author="coordinator", kind="question",
                               body=body, visible_to_agency=True, coordinator_id=coordinator.id)
        db.session.add(update)
        db.session.flush()
        queue_email(
            problem.email, f"A question about your request: {problem.title}"[:200], "coordinator_question",
            problem=problem, question=body, status_url=external_url("agencies.status", token=problem.status_token),
        )
        audit.record(actor(coordinator), "problem.question_asked", "problem", problem.id, update_id=update.id)
    return update


def add_note(problem: Problem, body: str, coordinator: Coordinator) -> ProblemUpdate:
    """An internal note, never shown to the agency."""
    body = _clean_text(body, "note")
    with unit_of_work():
        update = ProblemUpdate(problem_id=problem.id, author="coordinator", kind="note",
                               body=body, visible_to_agency=False, coordinator_id=coordinator.id)
        db.session.add(update)
        db.session.flush()
        audit.record(actor(coordinator), "problem.note_added", "problem", problem.id, update_id=update.id)
    return update


def change_status(problem: Problem, status: str, coordinator: Coordinator, note: str = "") -> None:
    """Move a problem to another status, with an optional internal note."""
    if status not in taxonomy.slugs(taxonomy.PROBLEM_STATUSES):
        raise CoordinationError("Please choose a status from the list.")
    if status == problem.status:
        raise CoordinationError("The problem already has that status.")
    note = (note or "").strip()[:MAX_TEXT]
    with unit_of_work():
        previous = problem.status
        problem.status = status
        label = taxonomy.label(taxonomy.PROBLEM_STATUSES, status)
        body = f"Status changed to {label}." + (f"\n{note}" if note else "")
        db.session.add(ProblemUpdate(problem_id=problem.id, author="coordinator", kind="note",
                                     body=body, visible_to_agency=False, coordinator_id=coordinator.id))
        audit.record(actor(coordinator), "problem.status_changed", "problem", problem.id,
                     previous=previous, status=status)
