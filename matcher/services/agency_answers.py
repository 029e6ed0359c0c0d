"""Correcting the agency's funding and distance answers after talking to it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from matcher import taxonomy
from matcher.extensions import db
from matcher.models import Coordinator, Problem, ProblemUpdate
from matcher.services import audit
from matcher.services.agency_requests import enqueue_suggestions
from matcher.services.coordination import CoordinationError, actor, require_open
from matcher.services.transactions import unit_of_work

ANSWER_LABELS = {
    "funding": "Funding", "funding_deadline": "Grant deadline", "max_distance_miles": "Distance",
    "in_person_only": "Needs someone in person",
}
MAX_DISTANCE_MILES = 3000


@dataclass
class AnswersChange:
    """What a change of answers did: each changed answer as (before, after); a new ranking is queued."""

    changed: dict[str, tuple]


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
    with unit_of_work():
        db.session.execute(select(Problem.id).where(Problem.id == problem.id).with_for_update())
        db.session.refresh(problem)
        require_open(problem)
        if seen is not None and seen != answers_version(problem):
            raise CoordinationError(_changed_since(seen, problem))
        changed = {name: (getattr(problem, name), value) for name, value in answers.items()
                   if getattr(problem, name) != value}
        if not changed:
            return AnswersChange({})
        for name, (_, value) in changed.items():
            setattr(problem, name, value)
        summary = "; ".join(f"{ANSWER_LABELS[name]}: {_answer_text(name, before)} → {_answer_text(name, after)}"
                            for name, (before, after) in changed.items())
        db.session.add(ProblemUpdate(problem_id=problem.id, author="coordinator", kind="note",
                                     body=f"Answers changed after talking to the agency. {summary}.",
                                     visible_to_agency=False, coordinator_id=coordinator.id))
        audit.record(actor(coordinator), "problem.answers_changed", "problem", problem.id, changes={
            name: [_json_value(before), _json_value(after)] for name, (before, after) in changed.items()})
    enqueue_suggestions(problem)
    return AnswersChange(changed)


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
