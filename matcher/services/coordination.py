"""The coordinator's work on problem statements: queue, decisions, introductions, questions, notes.

Every public operation is one transaction: it commits at the end, or rolls back on any error so
nothing is half-saved, and records an audit event. E-mails are stored in the outbox inside the
transaction and put on the task queue once it commits (matcher.mail).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from matcher import ranking, taxonomy
from matcher.extensions import db
from matcher.mail import deliver_after_this_commit, external_url, queue_email
from matcher.models import (
    Coordinator,
    OutboxMessage,
    Partnership,
    PartnershipEvent,
    Problem,
    ProblemUpdate,
    Researcher,
    Suggestion,
)
from matcher.models.types import has_slug, utcnow
from matcher.services import audit, matching
from matcher.services.problems import enqueue_suggestions
from matcher.services.transactions import transaction

INTRODUCIBLE_DECISIONS = ("pending", "shortlisted")
EXCLUSION_GROUPS = {
    "declared-conflict": "Conflict", "avoided-by-agency": "Conflict", "no-capacity": "Capacity",
    "hidden": "Hidden", "unconfirmed": "Hidden", "stale": "Hidden", "too-far": "Distance",
}
MAX_TEXT = 5000
PAGE_SIZE = 50


class CoordinationError(ValueError):
    """An action that cannot be done, with a message for the coordinator."""


def actor(coordinator: Coordinator) -> str:
    """How a coordinator appears in the audit log."""
    return f"coordinator:{coordinator.id}"


# --- The queue ---------------------------------------------------------------------------------


@dataclass
class QueueFilters:
    """What the coordinator narrowed the queue to."""

    status: str = ""
    topic: str = ""
    state: str = ""
    agency_type: str = ""
    q: str = ""
    page: int = 1


def queue_query(filters: QueueFilters):
    """Problems matching the filters, the oldest new ones first, then the rest oldest first."""
    query = select(Problem)
    if filters.status:
        query = query.where(Problem.status == filters.status)
    if filters.topic:
        query = query.where(has_slug(Problem.topics, filters.topic))
    if filters.state:
        query = query.where(Problem.state == filters.state)
    if filters.agency_type:
        query = query.where(Problem.agency_type == filters.agency_type)
    text = filters.q.strip()
    if text:
        query = query.where(or_(*(
            column.icontains(text, autoescape=True)
            for column in (Problem.title, Problem.description, Problem.agency_name, Problem.city)
        )))
    is_new = case((Problem.status == "new", 0), else_=1)
    return query.order_by(is_new, Problem.created_at, Problem.id)


def queue_page(filters: QueueFilters) -> tuple[list[Problem], int]:
    """One page of the queue and the number of matching problems."""
    query = queue_query(filters)
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    page = max(1, filters.page)
    rows = db.session.scalars(query.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    return list(rows), total or 0


def status_counts() -> dict[str, int]:
    """How many problems are in each status (every status listed, zeros included)."""
    counts = dict(db.session.execute(select(Problem.status, func.count()).group_by(Problem.status)).all())
    return {slug: counts.get(slug, 0) for slug in taxonomy.slugs(taxonomy.PROBLEM_STATUSES)}


# --- One problem -------------------------------------------------------------------------------


@dataclass
class Exclusion:
    """A researcher the matcher left out, and why."""

    researcher: Researcher
    code: str
    group: str
    reason: str


def get_problem(problem_id: int) -> Problem | None:
    """A problem with its follow-ups."""
    return db.session.get(Problem, problem_id)


def ensure_suggestions(problem: Problem) -> None:
    """Queue the ranking of a problem never ranked (the page shows "Computing suggestions…" meanwhile)."""
    if problem.suggestions_computed_at is None:
        enqueue_suggestions(problem, only_if_missing=True)


def suggestions_pending(problem: Problem) -> bool:
    """Whether an open problem was never ranked yet: its ranking job is queued (or the catch-up will run it)."""
    return problem.suggestions_computed_at is None and problem.status in taxonomy.OPEN_PROBLEM_STATUSES


def recompute_suggestions(problem: Problem, coordinator: Coordinator) -> None:
    """Record who asked, then queue a new ranking (decisions are kept)."""
    with transaction():
        audit.record(actor(coordinator), "problem.suggestions_recomputed", "problem", problem.id)
    enqueue_suggestions(problem)


def suggestions_for(problem: Problem) -> list[Suggestion]:
    """The stored suggestions, best first, with their researchers and publications loaded."""
    query = (
        select(Suggestion).where(Suggestion.problem_id == problem.id)
        .options(selectinload(Suggestion.researcher).selectinload(Researcher.publications))
        .order_by(Suggestion.rank, Suggestion.id)
    )
    return list(db.session.scalars(query))


def exclusions_for(problem: Problem) -> list[Exclusion]:
    """Researchers the last ranking considered but left out, with the reason (stored with the suggestions)."""
    stored = [(int(rid), code) for rid, code in (problem.exclusions or [])]
    ids = [rid for rid, _ in stored]
    people = {r.id: r for r in db.session.scalars(select(Researcher).where(Researcher.id.in_(ids)))}
    return [
        Exclusion(people[rid], code, EXCLUSION_GROUPS.get(code, "Other"), matching.EXCLUSION_LABELS.get(code, code))
        for rid, code in stored if rid in people
    ]


def partnerships_for(problem: Problem) -> list[Partnership]:
    """Every introduction made for this problem."""
    query = select(Partnership).where(Partnership.problem_id == problem.id).order_by(Partnership.introduced_at)
    return list(db.session.scalars(query))


def free_capacity(researcher_ids: list[int]) -> dict[int, int]:
    """Free slots of each researcher: capacity minus active partnerships."""
    active = matching.active_partnership_counts(researcher_ids)
    rows = db.session.execute(select(Researcher.id, Researcher.capacity).where(Researcher.id.in_(researcher_ids)))
    return {rid: capacity - active.get(rid, 0) for rid, capacity in rows}


def _suggestion(problem: Problem, suggestion_id: int) -> Suggestion:
    suggestion = db.session.get(Suggestion, suggestion_id)
    if suggestion is None or suggestion.problem_id != problem.id:
        raise CoordinationError("That suggestion does not belong to this problem. Reload the page and try again.")
    return suggestion


def _require_open(problem: Problem) -> None:
    if problem.status not in taxonomy.OPEN_PROBLEM_STATUSES:
        label = taxonomy.label(taxonomy.PROBLEM_STATUSES, problem.status).lower()
        raise CoordinationError(f"This problem is {label}. Reopen it before acting on it.")


def _start_review(problem: Problem) -> None:
    if problem.status == "new":
        problem.status = "under-review"


def _decide(suggestion: Suggestion, decision: str, coordinator: Coordinator, reason: str = "") -> None:
    suggestion.decision, suggestion.decision_reason = decision, reason
    suggestion.decided_by_id, suggestion.decided_at = coordinator.id, utcnow()


def shortlist(problem: Problem, suggestion_id: int, coordinator: Coordinator) -> Suggestion:
    """Put a suggested researcher on the problem's shortlist."""
    with transaction():
        suggestion = _suggestion(problem, suggestion_id)
        shortlist_in_session(problem, suggestion, coordinator)
    return suggestion


def shortlist_in_session(problem: Problem, suggestion: Suggestion, coordinator: Coordinator) -> None:
    """Shortlist within the caller's transaction, with the same rules and audit entry everywhere."""
    _require_open(problem)
    if suggestion.decision == "introduced":
        raise CoordinationError(f"{suggestion.researcher.name} has already been introduced.")
    _decide(suggestion, "shortlisted", coordinator)
    _start_review(problem)
    audit.record(actor(coordinator), "suggestion.shortlisted", "suggestion", suggestion.id,
                 problem_id=problem.id, researcher_id=suggestion.researcher_id)


def reject(problem: Problem, suggestion_id: int, coordinator: Coordinator, reason: str) -> Suggestion:
    """Reject a suggestion; the reason is kept and shown."""
    reason = (reason or "").strip()
    if not reason:
        raise CoordinationError("Please say why this researcher is not a fit.")
    with transaction():
        _require_open(problem)
        suggestion = _suggestion(problem, suggestion_id)
        if suggestion.decision == "introduced":
            raise CoordinationError(
                f"{suggestion.researcher.name} has already been introduced; record a decline on the partnership."
            )
        _decide(suggestion, "rejected", coordinator, reason[:MAX_TEXT])
        _start_review(problem)
        audit.record(actor(coordinator), "suggestion.rejected", "suggestion", suggestion.id,
                     problem_id=problem.id, researcher_id=suggestion.researcher_id, reason=reason[:500])
    return suggestion


def reconsider(problem: Problem, suggestion_id: int, coordinator: Coordinator) -> Suggestion:
    """Put a shortlisted or rejected suggestion back to pending."""
    with transaction():
        suggestion = _suggestion(problem, suggestion_id)
        if suggestion.decision == "introduced":
            raise CoordinationError(f"{suggestion.researcher.name} has already been introduced.")
        _decide(suggestion, "pending", coordinator)
        audit.record(actor(coordinator), "suggestion.reconsidered", "suggestion", suggestion.id,
                     problem_id=problem.id, researcher_id=suggestion.researcher_id)
    return suggestion


# --- Introductions ------------------------------------------------------------------------------


def _check_introducible(problem: Problem, suggestion: Suggestion, taken: dict[int, int]) -> None:
    """Refuse an introduction the rules do not allow (decision, profile, conflict, capacity, repeat)."""
    researcher = suggestion.researcher
    if suggestion.decision not in INTRODUCIBLE_DECISIONS:
        state = taxonomy.label(taxonomy.SUGGESTION_DECISIONS, suggestion.decision).lower()
        raise CoordinationError(f"{researcher.name} cannot be introduced: the suggestion is {state}.")
    existing = db.session.scalar(select(Partnership).where(
        Partnership.problem_id == problem.id, Partnership.researcher_id == researcher.id))
    if existing is not None:
        raise CoordinationError(f"{researcher.name} was already introduced to this agency.")
    active = matching.active_partnership_counts([researcher.id]).get(researcher.id, 0) + taken.get(researcher.id, 0)
    reason = ranking.exclusion_reason(matching.match_candidate(researcher, active), matching.problem_facts(problem))
    if reason in ("hidden", "unconfirmed"):
        raise CoordinationError(f"{researcher.name}'s profile is not listed, so they cannot be introduced.")
    if reason in ("declared-conflict", "avoided-by-agency"):
        raise CoordinationError(f"{researcher.name} cannot be introduced: {matching.EXCLUSION_LABELS[reason].lower()}.")
    if reason == "no-capacity":
        raise CoordinationError(f"{researcher.name} has no free capacity for another partnership.")


def _introduce_in_session(problem: Problem, suggestions: list[Suggestion], coordinator: Coordinator,
                          message: str, taken: dict[int, int]) -> list[OutboxMessage]:
    """Create the partnerships and queue the e-mails (no commit)."""
    _require_open(problem)
    if not suggestions:
        raise CoordinationError("Choose at least one researcher to introduce.")
    now = utcnow()
    # Lock the researchers' rows so two coordinators cannot both take a researcher's last free slot.
    db.session.execute(
        select(Researcher.id).where(Researcher.id.in_([s.researcher_id for s in suggestions])).with_for_update()
    )
    for suggestion in suggestions:
        _check_introducible(problem, suggestion, taken)
        taken[suggestion.researcher_id] = taken.get(suggestion.researcher_id, 0) + 1
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
        _decide(suggestion, "introduced", coordinator)
        queued.append(queue_email(
            researcher.email, f"Introduction: {problem.agency_name}: {problem.title}"[:200],
            "introduction_researcher", problem=problem, researcher=researcher, message=message,
        ))
        db.session.flush()
        audit.record(actor(coordinator), "problem.introduced", "partnership", partnership.id,
                     problem_id=problem.id, researcher_id=researcher.id, suggestion_id=suggestion.id)
    if problem.status in ("new", "under-review"):
        problem.status = "introduced"
    return queued


def _names(researchers: list[Researcher]) -> str:
    names = [r.name for r in researchers]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def introduce(problem: Problem, suggestion_ids: list[int], coordinator: Coordinator,
              message: str = "") -> list[Partnership]:
    """Introduce researchers to the agency: partnerships, decisions, status and e-mails in one transaction."""
    message = (message or "").strip()[:MAX_TEXT]
    try:
        with transaction():
            suggestions = [_suggestion(problem, sid) for sid in dict.fromkeys(suggestion_ids)]
            _introduce_in_session(problem, suggestions, coordinator, message, {})
    except IntegrityError as error:  # another coordinator introduced the same researcher a moment ago
        raise CoordinationError("This researcher was just introduced to this agency. Reload the page.") from error
    return [p for p in partnerships_for(problem) if p.researcher_id in {s.researcher_id for s in suggestions}]


def introduce_many(selections: dict[int, list[int]], coordinator: Coordinator) -> int:
    """Introduce for several problems at once ({problem_id: [suggestion ids]}), all or nothing."""
    taken: dict[int, int] = {}
    with transaction():
        for problem_id, suggestion_ids in selections.items():
            problem = db.session.get(Problem, problem_id)
            if problem is None:
                raise CoordinationError("A problem in the proposal no longer exists. Reload the proposal.")
            suggestions = [_suggestion(problem, sid) for sid in suggestion_ids]
            _introduce_in_session(problem, suggestions, coordinator, "", taken)
    return sum(len(ids) for ids in selections.values())


# --- Questions, notes, status -------------------------------------------------------------------


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
    with transaction():
        _require_open(problem)
        update = ProblemUpdate(problem_id=problem.id, author="coordinator", kind="question",
                               body=body, visible_to_agency=True)
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
    with transaction():
        update = ProblemUpdate(problem_id=problem.id, author="coordinator", kind="note",
                               body=body, visible_to_agency=False)
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
    with transaction():
        previous = problem.status
        problem.status = status
        label = taxonomy.label(taxonomy.PROBLEM_STATUSES, status)
        body = f"Status changed to {label}." + (f"\n{note}" if note else "")
        db.session.add(ProblemUpdate(problem_id=problem.id, author="coordinator", kind="note",
                                     body=body, visible_to_agency=False))
        audit.record(actor(coordinator), "problem.status_changed", "problem", problem.id,
                     previous=previous, status=status)


# --- The agency's funding and distance answers ---------------------------------------------------

ANSWER_LABELS = {
    "funding": "Funding", "funding_deadline": "Grant deadline", "max_distance_miles": "Distance",
    "in_person_only": "Needs someone in person",
}
MAX_DISTANCE_MILES = 3000


@dataclass
class AnswersChange:
    """What a change of answers did: each changed answer as (before, after), and whether ranking ran."""

    changed: dict[str, tuple]
    recomputed: bool


def answers_version(problem: Problem) -> str:
    """The stored answers as one text, sent with the form: a save over answers changed since is refused."""
    return "|".join(_answer_text(name, getattr(problem, name)) for name in ANSWER_LABELS)


def change_answers(problem: Problem, answers: dict, coordinator: Coordinator, seen: str | None = None,
                   ) -> AnswersChange:
    """Correct the agency's funding and distance answers after talking to it, then rank again.

    The change, an internal note saying what changed and the audit event are one transaction; the
    suggestions are then recomputed by the same refresh as "Recompute suggestions" (decisions kept). If
    ranking fails, the answers stay saved and the page shows the suggestions as outdated. With `seen`
    (answers_version when the form was shown), a save over someone else's change is refused, saying what changed.
    """
    answers = _checked_answers(answers)
    with transaction():
        db.session.execute(select(Problem.id).where(Problem.id == problem.id).with_for_update())
        db.session.refresh(problem)
        _require_open(problem)
        if seen is not None and seen != answers_version(problem):
            raise CoordinationError(_changed_since(seen, problem))
        changed = {name: (getattr(problem, name), value) for name, value in answers.items()
                   if getattr(problem, name) != value}
        if not changed:
            return AnswersChange({}, recomputed=False)
        for name, (_, value) in changed.items():
            setattr(problem, name, value)
        summary = "; ".join(f"{ANSWER_LABELS[name]}: {_answer_text(name, before)} → {_answer_text(name, after)}"
                            for name, (before, after) in changed.items())
        db.session.add(ProblemUpdate(problem_id=problem.id, author="coordinator", kind="note",
                                     body=f"Answers changed after talking to the agency. {summary}.",
                                     visible_to_agency=False))
        audit.record(actor(coordinator), "problem.answers_changed", "problem", problem.id, changes={
            name: [_json_value(before), _json_value(after)] for name, (before, after) in changed.items()})
    enqueue_suggestions(problem)
    return AnswersChange(changed, recomputed=True)


def _changed_since(seen: str, problem: Problem) -> str:
    before, now = seen.split("|"), answers_version(problem).split("|")
    changes = [f"{label}: {was} → {is_now}" for label, was, is_now in zip(ANSWER_LABELS.values(), before, now,
                                                                          strict=False) if was != is_now]
    return ("Someone changed these answers while you were editing them (" + "; ".join(changes or now) + "). "
            "What you chose is kept below: check it and save again.")


def _checked_answers(answers: dict) -> dict:
    """The four answers, refused with a message when they do not make sense together."""
    funding = answers.get("funding")
    if funding not in taxonomy.slugs(taxonomy.FUNDING):
        raise CoordinationError("Please choose one of the funding options.")
    deadline = answers.get("funding_deadline") if funding == "grant" else None
    if funding == "grant" and not isinstance(deadline, date):
        raise CoordinationError("Please give the grant's deadline.")
    miles = answers.get("max_distance_miles")
    if miles is not None and not (isinstance(miles, int) and 0 < miles <= MAX_DISTANCE_MILES):
        raise CoordinationError(f"Please give a distance from 1 to {MAX_DISTANCE_MILES:,} miles.")
    in_person = bool(answers.get("in_person_only"))
    if in_person and miles is None:
        raise CoordinationError("Please choose the distance within which the agency needs to meet in person.")
    return {"funding": funding, "funding_deadline": deadline, "max_distance_miles": miles,
            "in_person_only": in_person}


def _answer_text(name: str, value) -> str:
    if name == "funding":
        return taxonomy.label(taxonomy.FUNDING, value)
    if name == "in_person_only":
        return "yes" if value else "no"
    if value is None:
        return "no preference" if name == "max_distance_miles" else "none"
    return f"{value} miles" if name == "max_distance_miles" else value.isoformat()


def _json_value(value):
    return value.isoformat() if isinstance(value, date) else value


# --- The outbox ---------------------------------------------------------------------------------

OUTBOX_STATES = ("pending", "sending", "sent", "logged", "failed", "dead")


def outbox_messages(status: str = "", limit: int = 200) -> list[OutboxMessage]:
    """The newest messages, optionally in one state."""
    query = select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit)
    if status:
        query = query.where(OutboxMessage.status == status)
    return list(db.session.scalars(query))


def outbox_counts() -> dict[str, int]:
    """How many messages are in each state."""
    counts = dict(db.session.execute(
        select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).all())
    return {state: counts.get(state, 0) for state in OUTBOX_STATES}


def resend(message_id: int, coordinator: Coordinator) -> str:
    """Queue a failed or dead message for delivery again (a dead one gets a fresh set of attempts); returns
    its state now ('pending' until the worker has sent it)."""
    message = db.session.get(OutboxMessage, message_id)
    if message is None:
        raise CoordinationError("That message no longer exists.")
    if message.status not in ("failed", "dead"):
        raise CoordinationError("Only failed messages can be resent.")
    with transaction():
        if message.status == "dead":
            message.attempts = 0
        message.status = "pending"
        deliver_after_this_commit(message)
        audit.record(actor(coordinator), "outbox.resent", "outbox_message", message.id, to=message.to)
    db.session.refresh(message)
    return message.status
