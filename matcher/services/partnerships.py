"""Following each introduction through its stages to an outcome (one transaction per change)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from matcher import taxonomy
from matcher.extensions import db
from matcher.local_time import local_noon_utc, local_today
from matcher.models import Coordinator, Partnership, PartnershipEvent, Problem, Suggestion
from matcher.models.types import utcnow
from matcher.services import audit, matching
from matcher.services.coordination import MAX_TEXT, CoordinationError, actor
from matcher.services.transactions import unit_of_work

INACTIVE_STAGES = taxonomy.INACTIVE_PARTNERSHIP_STAGES
PARTNERED_STAGES = ("under-way", "report-delivered")


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
        query = query.where(Partnership.stage.not_in(INACTIVE_STAGES))
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
                 on: date | None = None, outcome: str | None = None) -> Partnership:
    """Move a partnership to a stage on a date; closing needs an outcome; a decline frees the slot."""
    if stage not in taxonomy.slugs(taxonomy.PARTNERSHIP_STAGES):
        raise CoordinationError("Please choose a stage from the list.")
    if stage == partnership.stage:
        raise CoordinationError("The partnership is already at that stage.")
    outcome = outcome or None
    if stage == "closed" and outcome not in taxonomy.slugs(taxonomy.PARTNERSHIP_OUTCOMES):
        raise CoordinationError("Please choose the outcome before closing the partnership.")
    note = (note or "").strip()[:MAX_TEXT]
    with unit_of_work():
        at = _moment(on)
        if at < partnership.introduced_at.replace(hour=0, minute=0, second=0, microsecond=0):
            raise CoordinationError("The date cannot be before the introduction.")
        reopening = partnership.stage in INACTIVE_STAGES and stage not in INACTIVE_STAGES
        if reopening:
            _require_capacity(partnership)
        previous = partnership.stage
        partnership.stage = stage
        partnership.events.append(PartnershipEvent(stage=stage, note=note, at=at, coordinator_id=coordinator.id))
        if stage in INACTIVE_STAGES:
            partnership.closed_at = at
            partnership.outcome = outcome if stage == "closed" else None
        else:
            partnership.closed_at, partnership.outcome = None, None
        _follow_problem_status(partnership, stage, coordinator)
        audit.record(actor(coordinator), "partnership.stage_changed", "partnership", partnership.id,
                     previous=previous, stage=stage, outcome=partnership.outcome, on=at.date().isoformat())
    return partnership


def _require_capacity(partnership: Partnership) -> None:
    researcher = partnership.researcher
    active = matching.active_partnership_counts([researcher.id]).get(researcher.id, 0)
    if active >= researcher.capacity:
        raise CoordinationError(f"{researcher.name} has no free capacity to take this partnership up again.")


def _follow_problem_status(partnership: Partnership, stage: str, coordinator: Coordinator) -> None:
    """Keep the problem's status in step: under way means partnered; if every researcher declined, review again."""
    problem: Problem = partnership.problem
    if stage in PARTNERED_STAGES and problem.status in ("under-review", "introduced"):
        problem.status = "partnered"
    if stage == "declined":
        suggestion = db.session.scalar(select(Suggestion).where(
            Suggestion.problem_id == problem.id, Suggestion.researcher_id == partnership.researcher_id))
        if suggestion is not None:
            suggestion.decision, suggestion.decision_reason = "rejected", "The researcher declined the introduction."
            suggestion.decided_by_id, suggestion.decided_at = coordinator.id, utcnow()
        db.session.flush()
        still_active = db.session.scalar(select(Partnership.id).where(
            Partnership.problem_id == problem.id, Partnership.stage.not_in(INACTIVE_STAGES)).limit(1))
        if still_active is None and problem.status in ("introduced", "partnered"):
            problem.status = "under-review"


def update_notes(partnership: Partnership, notes: str, coordinator: Coordinator) -> Partnership:
    """Replace the partnership's running notes."""
    notes = (notes or "").strip()
    if len(notes) > MAX_TEXT:
        raise CoordinationError(f"Please keep the notes under {MAX_TEXT} characters.")
    with unit_of_work():
        partnership.notes = notes
        audit.record(actor(coordinator), "partnership.notes_updated", "partnership", partnership.id)
    return partnership
