"""Agencies' problem statements: submission, follow-up, withdrawal, and their suggestions.

Each operation is one transaction. What follows the commit (sending the e-mails, computing
suggestions) is put on the task queue: it may fail without undoing the statement, and is retried
(mail with growing delays, suggestions by the worker's periodic catch-up).
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import timedelta
from difflib import SequenceMatcher

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from werkzeug.routing import BuildError

from matcher import lifecycle, taxonomy
from matcher.extensions import db
from matcher.lifecycle import Stage, Status
from matcher.mail import (
    external_url,
    queue_email,
    recipient_at_daily_cap,
)
from matcher.models import OutboxMessage, Partnership, Problem, ProblemUpdate, Researcher
from matcher.models.types import utcnow
from matcher.services import audit, ownership, problem_status
from matcher.services.geo import lookup_zip
from matcher.services.transactions import unit_of_work
from matcher.task_queue import enqueue_safely

TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
SUBMITTED_FIELDS = frozenset({
    "agency_name", "agency_type", "contact_name", "contact_role", "email", "phone", "city", "state",
    "zip", "title", "description", "topics", "help_wanted", "data_available", "data_other",
    "evaluation_design", "timeline", "funding", "funding_deadline", "max_distance_miles", "in_person_only",
    "avoid", "preferred_researcher_id",
})


class ProblemClosedError(Exception):
    """The statement is withdrawn or closed, so the agency can no longer change it."""


# --- Submission -------------------------------------------------------------------------------


SUBMISSION_KEY_PATTERN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def new_submission_key() -> str:
    """A key for one showing of the form: the statement it sends is stored once, however often it is sent."""
    return secrets.token_urlsafe(24)


def submitted_before(submission_key: str | None) -> Problem | None:
    """The statement already stored from this showing of the form, if any."""
    if not submission_key or not SUBMISSION_KEY_PATTERN.match(submission_key):
        return None
    return db.session.scalar(select(Problem).where(Problem.submission_key == submission_key))


def submit_problem(values: dict, submission_key: str | None = None) -> tuple[Problem, bool]:
    """Store a new statement with its confirmation and coordinator notices, then suggest researchers.

    Returns (problem, created): a statement sent again from the same form (same submission key) is not stored
    twice; the one stored first comes back with created=False."""
    existing = submitted_before(submission_key)
    if existing is not None:
        return existing, False
    key = submission_key if submission_key and SUBMISSION_KEY_PATTERN.match(submission_key) else None
    try:
        return _store_new_problem(values, key), True
    except IntegrityError:  # the same form sent twice at once: the other request stored it
        existing = submitted_before(key)
        if existing is None:
            raise
        return existing, False


def _store_new_problem(values: dict, submission_key: str | None) -> Problem:
    values = {key: value for key, value in values.items() if key in SUBMITTED_FIELDS}
    values["preferred_researcher_id"] = listed_researcher_id(values.get("preferred_researcher_id"))
    with unit_of_work():
        problem = Problem(**values, submission_key=submission_key)
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
        for address in ownership.notice_addresses(problem)
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


# --- Status links sent again -------------------------------------------------------------------

STATUS_LINKS_MAX = 20  # the newest statements listed in one e-mail


def send_status_links(email: str) -> bool:
    """E-mail the status links of every statement sent from this address (newest first), unless there are none
    or the address had its daily share of unasked-for mail; whether a message was queued."""
    address = (email or "").strip().lower()
    found = list(db.session.scalars(
        select(Problem).where(func.lower(Problem.email) == address)
        .order_by(Problem.created_at.desc(), Problem.id.desc()).limit(STATUS_LINKS_MAX)
    ))
    if not found or recipient_at_daily_cap(address):
        return False
    with unit_of_work():
        queue_email(found[0].email, "Your status links", "agency_status_links",
                    statements=[(problem, status_url(problem)) for problem in found])
        audit.record("agency", "problem.status_links_sent", "problem", found[0].id, count=len(found))
    return True


# --- Likely duplicates, for coordinators ------------------------------------------------------

DUPLICATE_WINDOW = timedelta(days=90)
DUPLICATE_SIMILARITY = 0.6  # difflib ratio of title and opening text above which two statements look alike


@dataclass
class LikelyDuplicate:
    """Another statement that looks like the same one sent again, and why."""

    problem: Problem
    reason: str


def likely_duplicates(problem: Problem) -> list[LikelyDuplicate]:
    """Other statements from the same address or agency within DUPLICATE_WINDOW whose text is much the same."""
    candidates = db.session.scalars(
        select(Problem).where(
            Problem.id != problem.id,
            or_(func.lower(Problem.email) == problem.email.lower(),
                func.lower(Problem.agency_name) == problem.agency_name.lower()),
            Problem.created_at.between(problem.created_at - DUPLICATE_WINDOW,
                                       problem.created_at + DUPLICATE_WINDOW),
        ).order_by(Problem.created_at)
    )
    found = []
    for other in candidates:
        similarity = _text_similarity(problem, other)
        if similarity >= DUPLICATE_SIMILARITY:
            sender = "the same e-mail address" if other.email.lower() == problem.email.lower() else "the same agency"
            found.append(LikelyDuplicate(other, f"from {sender}, text {round(similarity * 100)}% alike"))
    return found


def _text_similarity(one: Problem, other: Problem) -> float:
    def opening(p: Problem) -> str:
        return " ".join(f"{p.title} {p.description[:600]}".lower().split())

    return SequenceMatcher(None, opening(one), opening(other)).ratio()


# --- The private status page ------------------------------------------------------------------


def find_by_token(token: str) -> Problem | None:
    """The problem whose status token this is, or None (malformed tokens never reach the database)."""
    if not isinstance(token, str) or not TOKEN_PATTERN.match(token):
        return None
    return db.session.scalar(select(Problem).where(Problem.status_token == token))


def is_finished(problem: Problem) -> bool:
    """Withdrawn or closed: the agency can read the page but no longer change the statement."""
    return not lifecycle.is_open(problem.status)


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


def status_for_agency(problem: Problem) -> str:
    """The status as the agency's page names it: 'Waiting for your answer' while a question is open."""
    if open_question(problem) is not None and not is_finished(problem):
        return "Waiting for your answer"
    return taxonomy.label(taxonomy.PROBLEM_STATUSES, problem.status)


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
    """Received → under review (waiting for the agency's answer while a question is open) → researchers
    introduced → partnership under way."""
    status = problem.status
    introduced = bool(partnerships) or status in lifecycle.FOLLOWS_PARTNERSHIPS
    under_way = status == Status.PARTNERED or any(
        p.stage not in (Stage.INTRODUCED, Stage.FIRST_MEETING, Stage.DECLINED) for p in partnerships
    )
    asked = any(u.author == "coordinator" and u.kind == "question" for u in problem.updates)
    reviewed = introduced or asked or status in (Status.UNDER_REVIEW, Status.CLOSED)
    review = "Under review by a coordinator"
    if open_question(problem) is not None and not is_finished(problem):
        review += ": waiting for your answer"
    steps = [
        Step("Received", True),
        Step(review, reviewed),
        Step("Researchers introduced", introduced),
        Step("Partnership under way", under_way),
    ]
    if status != Status.WITHDRAWN:
        done = [step for step in steps if step.done]
        done[-1].current = True
    return steps


def add_information(problem: Problem, body: str) -> ProblemUpdate:
    """Append the agency's text (never overwriting the statement), tell coordinators, queue a new ranking."""
    if is_finished(problem):
        raise ProblemClosedError(problem.status)
    with unit_of_work():
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
    with unit_of_work():
        problem_status.move(problem, Status.WITHDRAWN, "agency", action="problem.withdrawn")
        problem.withdrawn_reason = reason
        db.session.add(ProblemUpdate(
            problem=problem, author="agency", kind="withdrawal", visible_to_agency=True,
            body=reason or "Withdrawn without a reason given.",
        ))
        _queue_coordinator_notices(problem, "Problem statement withdrawn", "agency_withdrew", reason=reason)
