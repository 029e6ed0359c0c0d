"""Following each introduction through its stages to an outcome (one transaction per change)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from matcher import lifecycle, taxonomy
from matcher.extensions import db
from matcher.lifecycle import Stage
from matcher.local_time import local_noon_utc, local_today, to_local
from matcher.models import Coordinator, Partnership, PartnershipEvent, PartnershipNote, Suggestion
from matcher.models.types import utcnow
from matcher.services import audit, matching, problem_status, versions
from matcher.services.coordination import MAX_TEXT, CoordinationError, actor, require_open
from matcher.services.decisions import decide
from matcher.services.transactions import unit_of_work

INACTIVE_STAGES = lifecycle.INACTIVE_STAGES


def get_partnership(partnership_id: int) -> Partnership | None:
    """One partnership with its history."""
    return db.session.get(Partnership, partnership_id)


def list_partnerships(stage: str = "", active_only: bool = False) -> list[Partnership]:
    """Partnerships, newest introduction first, optionally in one stage or only the active ones."""
    query = select(Partnership).options(
        selectinload(Partnership.problem), selectinload(Partnership.researcher)
    ).order_by(Partnership.introduced_at.desc(), Partnership.id.desc())
    if stage:
        query = query.where(Partnership.stage == stage)
    if active_only:
        query = query.where(Partnership.stage.in_(lifecycle.ACTIVE_STAGES))
    return list(db.session.scalars(query))


def _moment(on: date | None) -> datetime:
    """The time to record for a stage reached on a given day of the programme's zone (now when today or unset)."""
    now = utcnow()
    today = local_today(now)
    if on is None or on == today:
        return now
    if on > today:
        raise CoordinationError("The date cannot be in the future.")
    return local_noon_utc(on)


def record_stage(partnership: Partnership, stage: str, coordinator: Coordinator, *, note: str = "",
                 on: date | None = None, outcome: str | None = None, seen: int | None = None,
                 follow_problem: bool = True) -> Partnership:
    """Move a partnership to a stage on a date; closing needs an outcome; a decline frees the slot.

    `seen` is the partnership's version the coordinator's page showed: a change over someone else's is refused.
    The problem's status follows (see lifecycle.status_for_partnerships) unless `follow_problem` is off.
    """
    if stage not in taxonomy.slugs(taxonomy.PARTNERSHIP_STAGES):
        raise CoordinationError("Please choose a stage from the list.")
    outcome = outcome or None
    if stage == Stage.CLOSED and outcome not in taxonomy.slugs(taxonomy.PARTNERSHIP_OUTCOMES):
        raise CoordinationError("Please choose the outcome before closing the partnership.")
    note = (note or "").strip()[:MAX_TEXT]
    with unit_of_work():
        versions.lock(partnership)
        versions.check(partnership, seen, "this partnership's stage")
        _check_move(partnership, stage)
        at = _moment(on)
        if on is not None and on < to_local(partnership.introduced_at).date():  # days of the programme's zone
            raise CoordinationError("The date cannot be before the introduction.")
        previous = partnership.stage
        partnership.stage = Stage(stage).value
        partnership.events.append(PartnershipEvent(stage=stage, note=note, at=at, coordinator_id=coordinator.id))
        if lifecycle.counts_against_capacity(stage):
            partnership.closed_at, partnership.outcome = None, None
        else:
            partnership.closed_at = at
            partnership.outcome = outcome if stage == Stage.CLOSED else None
        if stage == Stage.DECLINED:
            _reject_declined(partnership, coordinator)
        versions.record_change(partnership, actor(coordinator), "partnership.stage_changed", previous=previous,
                               stage=partnership.stage, outcome=partnership.outcome, on=at.date().isoformat())
        if follow_problem:
            problem_status.follow_partnerships(partnership.problem, actor(coordinator))
    return partnership


def _check_move(partnership: Partnership, stage: str) -> None:
    """Refuse a move the lifecycle does not allow, or a reopening without a free slot or an open problem."""
    if stage == partnership.stage:
        raise CoordinationError("The partnership is already at that stage.")
    if not lifecycle.can_change_stage(partnership.stage, stage):
        raise CoordinationError(lifecycle.refusal(
            "partnership", Stage(partnership.stage).label, Stage(stage).label))
    if not lifecycle.counts_against_capacity(partnership.stage):  # taking it up again
        require_open(partnership.problem)
        researcher = partnership.researcher
        active = matching.active_partnership_counts([researcher.id]).get(researcher.id, 0)
        if active >= researcher.capacity:
            raise CoordinationError(f"{researcher.name} has no free capacity to take this partnership up again.")


def _reject_declined(partnership: Partnership, coordinator: Coordinator) -> None:
    """A researcher who declined is no longer a suggestion to introduce."""
    suggestion = db.session.scalar(select(Suggestion).where(
        Suggestion.problem_id == partnership.problem_id, Suggestion.researcher_id == partnership.researcher_id))
    if suggestion is not None:
        decide(suggestion, "rejected", coordinator, "The researcher declined the introduction.")


def last_active_closed(partnership: Partnership) -> bool:
    """Whether this partnership has ended and its problem is still open with no active partnership left."""
    problem = partnership.problem
    return (not partnership.is_active and lifecycle.is_open(problem.status)
            and not problem_status.active_partnerships(problem))


def add_note(partnership: Partnership, body: str, coordinator: Coordinator) -> PartnershipNote:
    """Append a dated, signed note (never overwriting another: no version to check)."""
    body = (body or "").strip()
    if not body:
        raise CoordinationError("Please write the note.")
    if len(body) > MAX_TEXT:
        raise CoordinationError(f"Please keep the note under {MAX_TEXT:,} characters.")
    with unit_of_work():
        entry = PartnershipNote(partnership_id=partnership.id, coordinator_id=coordinator.id, body=body)
        db.session.add(entry)
        db.session.flush()
        audit.record(actor(coordinator), "partnership.note_added", "partnership", partnership.id, note_id=entry.id)
    db.session.expire(partnership, ["notes"])
    return entry
