"""The coordinator's entries on a problem: questions to the agency, internal notes and status changes."""

from __future__ import annotations

from matcher import lifecycle, taxonomy
from matcher.extensions import db
from matcher.lifecycle import Status
from matcher.mail import external_url, queue_email
from matcher.models import Coordinator, Problem, ProblemUpdate
from matcher.services import audit, partnerships, problem_status, versions
from matcher.services.coordination import MAX_TEXT, CoordinationError, actor, require_open
from matcher.services.transactions import unit_of_work

# What to do with a problem's active partnerships when it is closed or withdrawn.
CLOSE_PARTNERSHIPS, KEEP_PARTNERSHIPS = "close", "keep"


class ChoiceNeeded(CoordinationError):
    """Closing a problem with active partnerships needs the coordinator's choice; `field` names the answer."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


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
        problem_status.start_review(problem, actor(coordinator))
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


def change_status(problem: Problem, status: str, coordinator: Coordinator, note: str = "", *,
                  seen: int | None = None, partnerships_choice: str = "", outcome: str = "") -> None:
    """Move a problem to another status, with an optional internal note.

    `seen` is the problem's version the coordinator's page showed: a change over someone else's is refused.
    Closing or withdrawing a problem with active partnerships needs a choice: close them too with an outcome
    (`partnerships_choice="close"`), or keep them running ("keep"), so none is left counting against a
    researcher's capacity without the coordinator saying so.
    """
    if status not in taxonomy.slugs(taxonomy.PROBLEM_STATUSES):
        raise CoordinationError("Please choose a status from the list.")
    note = (note or "").strip()[:MAX_TEXT]
    with unit_of_work():
        versions.lock(problem)
        versions.check(problem, seen, "this problem's status")
        if status == problem.status:
            raise CoordinationError("The problem already has that status.")
        if status in lifecycle.FOLLOWS_PARTNERSHIPS:
            raise CoordinationError(f"“{Status(status).label}” follows the partnerships: introduce a researcher "
                                    "or record a partnership's stage instead.")
        if not lifecycle.can_change(problem.status, status):
            raise CoordinationError(lifecycle.refusal("problem", Status(problem.status).label, Status(status).label))
        active = problem_status.active_partnerships(problem)
        ending_with_partnerships = bool(active) and not lifecycle.is_open(status)
        if ending_with_partnerships:
            _settle_partnerships(active, coordinator, partnerships_choice, outcome)
        elif lifecycle.is_open(problem.status):
            _refuse_out_of_step(problem, status, active)
        problem_status.move(problem, status, actor(coordinator),
                            **({"partnerships": partnerships_choice} if ending_with_partnerships else {}))
        if lifecycle.is_open(status):  # reopened: partnerships kept running make it introduced or partnered
            problem_status.follow_partnerships(problem, actor(coordinator))
        body = f"Status changed to {Status(status).label}." + (f"\n{note}" if note else "")
        db.session.add(ProblemUpdate(problem_id=problem.id, author="coordinator", kind="note",
                                     body=body, visible_to_agency=False, coordinator_id=coordinator.id))


def _refuse_out_of_step(problem: Problem, status: str, active: list) -> None:
    """An open problem's status cannot contradict its active partnerships (they decide introduced/partnered)."""
    if lifecycle.status_for_partnerships(status, [p.stage for p in active]) != status:
        raise CoordinationError(f"This problem has active partnerships, so it stays “{Status(problem.status).label}”."
                                " Record on each partnership that it closed or the researcher declined first.")


def _settle_partnerships(active: list, coordinator: Coordinator, choice: str, outcome: str) -> None:
    """Close the active partnerships with an outcome, or keep them running, as the coordinator chose."""
    if choice == KEEP_PARTNERSHIPS:
        return
    names = ", ".join(p.researcher.name for p in active)
    if choice != CLOSE_PARTNERSHIPS:
        raise ChoiceNeeded(f"This problem has active partnerships ({names}). Choose whether to close them too "
                           "or keep them running.", "partnerships")
    if outcome not in taxonomy.slugs(taxonomy.PARTNERSHIP_OUTCOMES):
        raise ChoiceNeeded("Please choose the outcome for the partnerships you are closing.", "outcome")
    for partnership in active:
        partnerships.record_stage(partnership, lifecycle.Stage.CLOSED, coordinator, outcome=outcome,
                                  note="Closed with the problem.", follow_problem=False)
