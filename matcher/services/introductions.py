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
    ProblemUpdate,
    Researcher,
    Suggestion,
)
from matcher.models.types import utcnow
from matcher.ranking.exclusions import Exclusion
from matcher.services import audit, matching, ownership, problem_status, suggestion_search
from matcher.services.coordination import MAX_TEXT, CoordinationError, actor, find_suggestion, require_open
from matcher.services.decisions import decide
from matcher.services.problem_review import partnerships_for
from matcher.services.transactions import unit_of_work

INTRODUCIBLE_DECISIONS = ("pending", "shortlisted")


def _check_introducible(problem: Problem, suggestion: Suggestion, override: bool = False) -> list[Exclusion]:
    """Refuse an introduction the rules do not allow (decision, repeat, or the exclusion policy).

    With `override` (a coordinator gave a reason) the exclusions a coordinator may override are allowed and
    returned, to be recorded; the absolute ones (see Exclusion.overridable) are refused all the same."""
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
    absolute = [reason for reason in reasons if not reason.overridable]
    if not reasons or (override and not absolute):
        return reasons
    first = absolute[0] if override else reasons[0]
    if first.unlisted:
        raise CoordinationError(f"{researcher.name}'s profile is not listed, so they cannot be introduced.")
    hint = "" if absolute else " To introduce them all the same, use “Introduce anyway” and give a reason."
    if first is Exclusion.NO_CAPACITY:
        raise CoordinationError(f"{researcher.name} has no free capacity for another partnership.{hint}")
    raise CoordinationError(f"{researcher.name} cannot be introduced: {first.label.lower()}.{hint}")


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


def introduce_anyway(problem: Problem, researcher_id: int, coordinator: Coordinator, reason: str,
                     message: str = "") -> Partnership:
    """Introduce one researcher the exclusion policy leaves out, overriding it with a reason that is recorded
    on the suggestion and in the audit log (absolute exclusions are still refused)."""
    reason = (reason or "").strip()[:MAX_TEXT]
    if not reason:
        raise CoordinationError("Please say why this researcher should be introduced despite the exclusion.")
    researcher = db.session.get(Researcher, researcher_id)
    if researcher is None:
        raise CoordinationError("That researcher no longer exists. Reload the page.")
    existing = suggestion_search.suggestion_of(problem, researcher.id)
    found = None if existing else matching.score_researchers(problem, [researcher])[0]
    try:
        with unit_of_work():
            suggestion = existing or suggestion_search.store_added(problem, found, coordinator)
            _introduce(problem, [suggestion], coordinator, (message or "").strip()[:MAX_TEXT], override_reason=reason)
    except IntegrityError as error:
        raise CoordinationError("This researcher was just introduced to this agency. Reload the page.") from error
    return next(p for p in partnerships_for(problem) if p.researcher_id == researcher.id)


def _introduce(problem: Problem, suggestions: list[Suggestion], coordinator: Coordinator,
               message: str, override_reason: str = "") -> list[OutboxMessage]:
    """Create the partnerships and queue the e-mails (overriding exclusions only with a reason)."""
    require_open(problem)
    if not suggestions:
        raise CoordinationError("Choose at least one researcher to introduce.")
    now = utcnow()
    # Lock the researchers' rows so two coordinators cannot both take a researcher's last free slot.
    db.session.execute(
        select(Researcher.id).where(Researcher.id.in_([s.researcher_id for s in suggestions])).with_for_update()
    )
    overridden = {s.id: _check_introducible(problem, s, override=bool(override_reason)) for s in suggestions}
    researchers = [s.researcher for s in suggestions]
    status_link = external_url("agencies.status", token=problem.status_token)
    signer = ownership.signing_coordinator(problem, coordinator)
    signed = {"reply_to": signer.email, "coordinator_name": ownership.display_name(signer)}
    queued = [queue_email(
        problem.email, f"Introduction to {_names(researchers)}"[:200], "introduction_agency",
        problem=problem, researchers=researchers, message=message, status_url=status_link, **signed,
    )]
    later_updates = agency_additions(problem)
    for suggestion in suggestions:
        researcher = suggestion.researcher
        partnership = Partnership(problem_id=problem.id, researcher_id=researcher.id,
                                  stage="introduced", introduced_at=now)
        partnership.events.append(PartnershipEvent(stage="introduced", note=message, at=now,
                                                    coordinator_id=coordinator.id))
        db.session.add(partnership)
        reasons = [reason.value for reason in overridden[suggestion.id]]
        decide(suggestion, "introduced", coordinator, override_reason if reasons else "")
        suggestion.overridden = reasons or None
        queued.append(queue_email(
            researcher.email, f"Introduction: {problem.agency_name}: {problem.title}"[:200],
            "introduction_researcher", problem=problem, researcher=researcher, message=message,
            agency_updates=later_updates, **signed,
        ))
        db.session.flush()
        audit.record(actor(coordinator), "problem.introduced", "partnership", partnership.id,
                     problem_id=problem.id, researcher_id=researcher.id, suggestion_id=suggestion.id,
                     **({"overridden": reasons, "override_reason": override_reason[:500]} if reasons else {}))
    problem_status.follow_partnerships(problem, actor(coordinator))
    return queued


def agency_additions(problem: Problem) -> list[ProblemUpdate]:
    """What the agency added to its statement later (information and answers it can see), oldest first."""
    return [u for u in problem.updates
            if u.author == "agency" and u.kind in ("info", "answer") and u.visible_to_agency]


def introduce_many(selections: dict[int, list[int]], coordinator: Coordinator) -> int:
    """Introduce for several problems at once ({problem_id: [suggestion ids]}), all or nothing."""
    with unit_of_work():
        for problem_id, suggestion_ids in selections.items():
            problem = db.session.get(Problem, problem_id)
            if problem is None:
                raise CoordinationError("A problem in the proposal no longer exists. Reload the proposal.")
            introduce(problem, suggestion_ids, coordinator)
    return sum(len(ids) for ids in selections.values())
