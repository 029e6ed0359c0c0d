"""Every change of a problem's status goes through here: the lifecycle's table decides, the version is bumped."""

from __future__ import annotations

from sqlalchemy import select

from matcher import lifecycle
from matcher.extensions import db
from matcher.lifecycle import Status
from matcher.models import Partnership, Problem
from matcher.services import versions
from matcher.services.coordination import CoordinationError


def move(problem: Problem, status: str, actor: str, action: str = "problem.status_changed", **details) -> None:
    """Move the problem to a status the lifecycle allows from its current one, or refuse saying why."""
    if not lifecycle.can_change(problem.status, status):
        raise CoordinationError(lifecycle.refusal("problem", Status(problem.status).label, Status(status).label))
    previous = problem.status
    problem.status = Status(status).value
    versions.record_change(problem, actor, action, previous=previous, status=problem.status, **details)


def start_review(problem: Problem, actor: str) -> None:
    """A new problem is under review once a coordinator acts on it (a decision, a question)."""
    if problem.status == Status.NEW:
        move(problem, Status.UNDER_REVIEW, actor)


def follow_partnerships(problem: Problem, actor: str) -> None:
    """Keep an open problem's status in step with its partnerships (lifecycle.status_for_partnerships)."""
    stages = db.session.scalars(select(Partnership.stage).where(Partnership.problem_id == problem.id)).all()
    wanted = lifecycle.status_for_partnerships(problem.status, stages)
    if wanted != problem.status:
        move(problem, wanted, actor, why="partnerships")


def active_partnerships(problem: Problem) -> list[Partnership]:
    """The problem's partnerships that still count against their researchers' capacity."""
    return list(db.session.scalars(select(Partnership).where(
        Partnership.problem_id == problem.id, Partnership.stage.in_(lifecycle.ACTIVE_STAGES))
        .order_by(Partnership.introduced_at, Partnership.id)))
