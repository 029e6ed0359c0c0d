"""Who looks after each problem: assigning it, the team's names on what they did, and who is told of its news."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select, update

from matcher.extensions import db
from matcher.mail import coordinator_addresses
from matcher.models import Coordinator, Problem
from matcher.models.types import utcnow
from matcher.services import audit, problem_updates
from matcher.services.coordination import CoordinationError, actor
from matcher.services.transactions import unit_of_work

ANY_OWNER = object()  # assign() without a check of who owned the problem when the form was shown


def display_name(coordinator: Coordinator | None) -> str:
    """A coordinator as the team sees them: the name, else the e-mail address; "Coordinator" when unknown."""
    if coordinator is None:
        return "Coordinator"
    return coordinator.display_name


def coordinator_name(coordinator_id: int | None) -> str:
    """The name of the coordinator with this id (for decisions, follow-ups and partnership events)."""
    return display_name(db.session.get(Coordinator, coordinator_id) if coordinator_id else None)


def active_coordinators() -> list[Coordinator]:
    """Coordinators a problem can be assigned to, by name."""
    return list(db.session.scalars(select(Coordinator).where(Coordinator.active)
                                   .order_by(Coordinator.name, Coordinator.email)))


def find_active_coordinator(coordinator_id) -> Coordinator:
    """The active coordinator with this id, refused with a message otherwise."""
    found = db.session.get(Coordinator, coordinator_id) if isinstance(coordinator_id, int) else None
    if found is None or not found.active:
        raise CoordinationError("Please choose an active coordinator from the list.")
    return found


def notice_addresses(problem: Problem) -> list[str]:
    """Where the team's notices about this problem go: its owner, or everyone while nobody (active) owns it."""
    owner = problem.owner
    if owner is not None and owner.active:
        return [owner.email]
    return coordinator_addresses()


def signing_coordinator(problem: Problem, introducer: Coordinator) -> Coordinator:
    """Who signs an introduction and receives the replies: the problem's owner, else whoever introduces."""
    owner = problem.owner
    return owner if owner is not None and owner.active else introducer


def assign(problem: Problem, owner: Coordinator | None, coordinator: Coordinator,
           seen_owner_id=ANY_OWNER) -> bool:
    """Give the problem to `owner` (None: unassigned); whether it changed. With `seen_owner_id` (the owner
    when the form was shown), a change made meanwhile by someone else is refused, saying who has it now."""
    if owner is not None and not owner.active:
        raise CoordinationError(f"{display_name(owner)}'s account is deactivated: choose an active coordinator.")
    new_id = owner.id if owner is not None else None
    with unit_of_work():
        # A bare UPDATE guarded by the owner just read: two coordinators taking the problem at once cannot both
        # win, and the statement does not look edited (updated_at, which dates the suggestions, stays).
        previous = db.session.scalar(select(Problem.owner_id).where(Problem.id == problem.id).with_for_update())
        if previous == new_id:
            return False
        guard = Problem.owner_id.is_(previous) if previous is None else Problem.owner_id == previous
        stale = seen_owner_id is not ANY_OWNER and seen_owner_id != previous
        if stale or db.session.execute(update(Problem).where(Problem.id == problem.id, guard)
                                       .values(owner_id=new_id, updated_at=Problem.updated_at)).rowcount != 1:
            db.session.expire(problem, ["owner_id", "owner"])
            raise CoordinationError(f"Problem #{problem.id} was just {_owner_text(problem)} by someone else. "
                                    "Reload the page to see who has it now.")
        db.session.expire(problem, ["owner_id", "owner"])
        audit.record(actor(coordinator), "problem.assigned", "problem", problem.id,
                     previous_owner_id=previous, owner_id=new_id)
    return True


def _owner_text(problem: Problem) -> str:
    return f"given to {display_name(problem.owner)}" if problem.owner is not None else "unassigned"


def note_look(problem: Problem, coordinator: Coordinator) -> None:
    """The owner (anyone, while unassigned) opened the problem: an agency reply waiting there is now seen."""
    from matcher.services.problem_queue import activity_for  # the queue reads the owners this module sets

    if problem.owner_id not in (None, coordinator.id) or not activity_for([problem])[problem.id].agency_replied:
        return
    with unit_of_work():
        db.session.execute(update(Problem).where(Problem.id == problem.id)
                           .values(agency_reply_seen_at=utcnow(), updated_at=Problem.updated_at))
    db.session.expire(problem, ["agency_reply_seen_at"])


# --- Several problems at once ------------------------------------------------------------------------------


@dataclass
class BulkOutcome:
    """What a bulk action did: the problems it changed and those already as asked."""

    changed: list[Problem] = field(default_factory=list)
    unchanged: list[Problem] = field(default_factory=list)


class BulkRefused(CoordinationError):
    """Some problems refused the action, so none was changed: each refusal as (problem number, message)."""

    def __init__(self, refusals: list[tuple[int, str]]) -> None:
        self.refusals = refusals
        super().__init__(f"Nothing was changed: {len(refusals)} of the selected problems could not be.")


def assign_many(problem_ids: list[int], owner: Coordinator | None, coordinator: Coordinator,
                seen_owners: dict[int, int | None] | None = None) -> BulkOutcome:
    """Assign every selected problem to `owner`, all or nothing."""
    seen_owners = seen_owners or {}
    return _for_each(problem_ids, lambda problem: assign(
        problem, owner, coordinator, seen_owners.get(problem.id, ANY_OWNER)))


def change_status_many(problem_ids: list[int], status: str, coordinator: Coordinator,
                       note: str = "") -> BulkOutcome:
    """Move every selected problem to `status` by the usual rules, all or nothing."""
    def change(problem: Problem) -> bool:
        if problem.status == status:  # already there: nothing to refuse, nothing to do
            return False
        problem_updates.change_status(problem, status, coordinator, note=note)
        return True

    return _for_each(problem_ids, change)


def _for_each(problem_ids: list[int], action) -> BulkOutcome:
    """Run action(problem) -> changed? on each problem in one unit; any refusal undoes them all and every
    refusal is reported together, so the coordinator can fix the selection in one go."""
    problem_ids = sorted(set(problem_ids))  # one order for everyone: two bulk actions cannot lock each other out
    if not problem_ids:
        raise CoordinationError("Please tick at least one problem.")
    outcome, refusals = BulkOutcome(), []
    with unit_of_work():
        found = {p.id: p for p in db.session.scalars(select(Problem).where(Problem.id.in_(problem_ids)))}
        for problem_id in problem_ids:
            problem = found.get(problem_id)
            if problem is None:
                refusals.append((problem_id, "This problem no longer exists."))
                continue
            try:
                with unit_of_work():
                    changed = action(problem)
            except CoordinationError as error:
                refusals.append((problem_id, str(error)))
                continue
            (outcome.changed if changed else outcome.unchanged).append(problem)
        if refusals:
            raise BulkRefused(refusals)
    return outcome
