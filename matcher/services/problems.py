"""Agencies' problem statements: submission, follow-up, withdrawal, and their suggestions.

Each operation is one transaction. What follows the commit (sending the e-mails, computing
suggestions) is put on the task queue: it may fail without undoing the statement, and is retried
(mail with growing delays, suggestions by the worker's periodic catch-up).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select
from werkzeug.routing import BuildError

from matcher.extensions import db
from matcher.mail import (
    coordinator_addresses,
    external_url,
    queue_email,
    recipient_at_daily_cap,
)
from matcher.models import OutboxMessage, Partnership, Problem, ProblemUpdate, Researcher
from matcher.models.types import utcnow
from matcher.services import audit
from matcher.services.geo import lookup_zip
from matcher.services.transactions import transaction
from matcher.task_queue import enqueue_safely

FINISHED_STATUSES = ("closed", "withdrawn")
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
SUBMITTED_FIELDS = frozenset({
    "agency_name", "agency_type", "contact_name", "contact_role", "email", "phone", "city", "state",
    "zip", "title", "description", "topics", "help_wanted", "data_available", "data_other",
    "evaluation_design", "timeline", "funding", "funding_deadline", "max_distance_miles", "in_person_only",
    "show_agency_name", "avoid", "preferred_researcher_id",
})


class ProblemClosedError(Exception):
    """The statement is withdrawn or closed, so the agency can no longer change it."""


# --- Submission -------------------------------------------------------------------------------


def submit_problem(values: dict) -> Problem:
    """Store a new statement with its confirmation and coordinator notices, then queue its ranking."""
    values = {key: value for key, value in values.items() if key in SUBMITTED_FIELDS}
    values["preferred_researcher_id"] = listed_researcher_id(values.get("preferred_researcher_id"))
    with transaction():
        problem = Problem(**values)
        place = lookup_zip(problem.zip)
        if place is not None:
            problem.latitude, problem.longitude = place.latitude, place.longitude
        db.session.add(problem)
        db.session.flush()
        audit.record("agency", "problem.submitted", "problem", problem.id, agency=problem.agency_name)
        if not recipient_at_daily_cap(problem.email):
            _queue_confirmation(problem)
        _queue_coordinator_notices(problem, "New problem statement", "coordinator_new_problem")
    enqueue_suggestions(problem)
    return problem


def listed_researcher_id(researcher_id: int | None) -> int | None:
    """The id when it names a listed (confirmed, visible) researcher; None otherwise."""
    researcher = preferred_researcher(researcher_id)
    return researcher.id if researcher is not None else None


def preferred_researcher(researcher_id) -> Researcher | None:
    """The listed researcher with this id, or None for unknown, hidden or malformed ids."""
    try:
        researcher_id = int(researcher_id)
    except (TypeError, ValueError):
        return None
    if not 0 < researcher_id < 2**31:
        return None
    researcher = db.session.get(Researcher, researcher_id)
    return researcher if researcher is not None and researcher.is_listed else None


def _queue_confirmation(problem: Problem) -> OutboxMessage:
    return queue_email(
        problem.email, "Your problem statement was received", "agency_problem_received",
        problem=problem, status_url=status_url(problem),
    )


def _queue_coordinator_notices(problem: Problem, subject: str, template: str, **context) -> list[OutboxMessage]:
    subject = f"{subject}: {problem.title}"[:200]
    workspace_url = coordinator_problem_url(problem)
    return [
        queue_email(address, subject, template, problem=problem, workspace_url=workspace_url, **context)
        for address in coordinator_addresses()
    ]


def coordinator_problem_url(problem: Problem) -> str:
    """The problem's page in the coordinator workspace (the workspace itself if that page is missing)."""
    try:
        return external_url("coordinators.problem", problem_id=problem.id)
    except BuildError:
        return external_url("coordinators.index")


def status_url(problem: Problem) -> str:
    """The agency's private status link (absolute, for e-mails)."""
    return external_url("agencies.status", token=problem.status_token)


# --- After the commit -------------------------------------------------------------------------


def enqueue_suggestions(problem: Problem, only_if_missing: bool = False) -> None:
    """Put the ranking of a just-committed problem on the task queue (the page shows "Computing…" meanwhile)."""
    from matcher.tasks import compute_suggestions  # the jobs import the services

    enqueue_safely(compute_suggestions, problem.id, only_if_missing)
    db.session.expire(problem)  # in immediate mode (tests) the job already stored them, in a session of its own


# --- The private status page ------------------------------------------------------------------


def find_by_token(token: str) -> Problem | None:
    """The problem whose status token this is, or None (malformed tokens never reach the database)."""
    if not isinstance(token, str) or not TOKEN_PATTERN.match(token):
        return None
    return db.session.scalar(select(Problem).where(Problem.status_token == token))


def is_finished(problem: Problem) -> bool:
    """Withdrawn or closed: the agency can read the page but no longer change the statement."""
    return problem.status in FINISHED_STATUSES


def agency_updates(problem: Problem) -> list[ProblemUpdate]:
    """What the agency may see of the follow-up, oldest first."""
    return [update for update in problem.updates if update.visible_to_agency]


def open_question(problem: Problem) -> ProblemUpdate | None:
    """The coordinator's latest question when the agency has not written since it was asked."""
    for update in reversed(agency_updates(problem)):
        if update.author == "agency":
            return None
        if update.author == "coordinator" and update.kind == "question":
            return update
    return None


def introductions(problem: Problem) -> list[Partnership]:
    """Researchers introduced to the agency, oldest first."""
    return list(db.session.scalars(
        select(Partnership).where(Partnership.problem_id == problem.id).order_by(Partnership.introduced_at)
    ))


@dataclass
class Step:
    """One step of the progress shown to the agency."""

    label: str
    done: bool
    current: bool = False


def progress(problem: Problem, partnerships: list[Partnership]) -> list[Step]:
    """Received → under review → researchers introduced → partnership under way."""
    status = problem.status
    introduced = bool(partnerships) or status in ("introduced", "partnered")
    under_way = status == "partnered" or any(
        p.stage not in ("introduced", "first-meeting", "declined") for p in partnerships
    )
    reviewed = introduced or status in ("under-review", "closed")
    steps = [
        Step("Received", True),
        Step("Under review by a coordinator", reviewed),
        Step("Researchers introduced", introduced),
        Step("Partnership under way", under_way),
    ]
    if status != "withdrawn":
        done = [step for step in steps if step.done]
        done[-1].current = True
    return steps


def add_information(problem: Problem, body: str) -> ProblemUpdate:
    """Append the agency's text (never overwriting the statement), tell coordinators, queue a new ranking."""
    if is_finished(problem):
        raise ProblemClosedError(problem.status)
    with transaction():
        kind = "answer" if open_question(problem) is not None else "info"
        update = ProblemUpdate(problem=problem, author="agency", kind=kind, body=body, visible_to_agency=True)
        db.session.add(update)
        problem.updated_at = utcnow()
        db.session.flush()
        audit.record("agency", f"problem.{kind}_added", "problem", problem.id, update_id=update.id)
        _queue_coordinator_notices(
            problem, "The agency added information", "agency_added_information", update=update)
    enqueue_suggestions(problem)
    return update


def withdraw(problem: Problem, reason: str = "") -> None:
    """Withdraw the statement with an optional reason; coordinators are told."""
    if is_finished(problem):
        raise ProblemClosedError(problem.status)
    with transaction():
        previous = problem.status
        problem.status = "withdrawn"
        problem.withdrawn_reason = reason
        db.session.add(ProblemUpdate(
            problem=problem, author="agency", kind="withdrawal", visible_to_agency=True,
            body=reason or "Withdrawn without a reason given.",
        ))
        audit.record("agency", "problem.withdrawn", "problem", problem.id, previous_status=previous)
        _queue_coordinator_notices(problem, "Problem statement withdrawn", "agency_withdrew", reason=reason)
