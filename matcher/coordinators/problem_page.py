"""One problem statement: the statement, suggestions with explanations, exclusions and every action."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from matcher import lifecycle
from matcher.auth import coordinator_required
from matcher.coordinators import bp
from matcher.coordinators.conflicts import Conflict
from matcher.coordinators.forms import (
    AnswersForm,
    IntroduceForm,
    NoteForm,
    QuestionForm,
    RejectForm,
    StatusForm,
    SuggestionActionForm,
    seen_version,
)
from matcher.models.types import utcnow
from matcher.services import (
    agency_answers,
    agency_requests,
    decisions,
    introductions,
    problem_review,
    problem_updates,
)
from matcher.services.coordination import CoordinationError, StaleEdit
from matcher.services.matching import WEAK_MATCH

FORMS = {
    "introduce": IntroduceForm, "question": QuestionForm, "note": NoteForm, "status": StatusForm,
    "reject": RejectForm,
}


def _problem(problem_id: int):
    problem = problem_review.get_problem(problem_id)
    if problem is None:
        abort(404)
    return problem


def _forms(problem, **given) -> dict:
    """Every form on the page, with the one that was just sent (and its errors) kept as sent."""
    forms = {name: given.get(name) or cls(prefix=name, formdata=None) for name, cls in FORMS.items()}
    if "answers" not in given:
        forms["answers"] = AnswersForm(problem, prefix="answers", formdata=None)
        forms["answers"].seen.data = agency_answers.answers_version(problem)
    else:
        forms["answers"] = given["answers"]
    if "status" not in given:
        forms["status"].status.data = lifecycle.likely_choice(problem.status).value
        forms["status"].version.data = problem.version
    return forms


def _suggestion_choices(suggestions) -> list[tuple[int, str]]:
    return [(s.id, s.researcher.name) for s in suggestions if s.decision in introductions.INTRODUCIBLE_DECISIONS]


def render_problem(problem, code: int = 200, rejecting: int | None = None, conflict: Conflict | None = None,
                   **given):
    """The problem page; a form sent with errors keeps its input and messages."""
    problem_review.ensure_suggestions(problem)
    suggestions = problem_review.suggestions_for(problem)
    forms = _forms(problem, **given)
    forms["introduce"].suggestion_ids.choices = _suggestion_choices(suggestions)
    return render_template(
        "coordinators/problem.html", problem=problem, suggestions=suggestions,
        exclusions=problem_review.exclusions_for(problem), partnerships=problem_review.partnerships_for(problem),
        free=problem_review.free_capacity([s.researcher_id for s in suggestions]),
        forms=forms, action_form=SuggestionActionForm(formdata=None), rejecting=rejecting,
        weak_match=WEAK_MATCH, answers_sent="answers" in given, duplicates=agency_requests.likely_duplicates(problem),
        computing=problem_review.suggestions_pending(problem), outdated=problem_review.suggestions_outdated(problem),
        conflict=conflict,
    ), code


@bp.get("/problems/<int:problem_id>")
@coordinator_required
def problem(problem_id: int):
    """The whole statement, its follow-ups, ranked suggestions and exclusions."""
    return render_problem(_problem(problem_id))


def _done(problem, message: str):
    flash(message)
    return redirect(url_for("coordinators.problem", problem_id=problem.id), code=303)


def _refused(problem, error: CoordinationError, **given):
    flash(str(error), "error")
    return render_problem(problem, code=409, **given)


def _suggestion_id(form) -> int:
    raw = form.suggestion_id.data or ""
    if not _is_id(raw):
        abort(400)
    return int(raw)


def _is_id(raw) -> bool:
    """Whether a posted value can be a record id (ASCII digits that fit the database's integer)."""
    raw = str(raw)
    return raw.isascii() and raw.isdigit() and 0 < int(raw) < 2**31


@bp.post("/problems/<int:problem_id>/shortlist")
@coordinator_required
def shortlist(problem_id: int):
    """Put a suggestion on the shortlist."""
    problem = _problem(problem_id)
    form = SuggestionActionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        suggestion = decisions.shortlist(problem, _suggestion_id(form), current_user, seen=seen_version(form.version))
    except StaleEdit as error:
        return render_problem(problem, 409, conflict=Conflict.of("decision", error, _suggestion_id(form)))
    except CoordinationError as error:
        return _refused(problem, error)
    return _done(problem, f"{suggestion.researcher.name} is on the shortlist.")


@bp.post("/problems/<int:problem_id>/reconsider")
@coordinator_required
def reconsider(problem_id: int):
    """Put a decided suggestion back to pending."""
    problem = _problem(problem_id)
    form = SuggestionActionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        suggestion = decisions.reconsider(problem, _suggestion_id(form), current_user, seen=seen_version(form.version))
    except StaleEdit as error:
        return render_problem(problem, 409, conflict=Conflict.of("decision", error, _suggestion_id(form)))
    except CoordinationError as error:
        return _refused(problem, error)
    return _done(problem, f"{suggestion.researcher.name} is back among the pending suggestions.")


@bp.post("/problems/<int:problem_id>/reject")
@coordinator_required
def reject(problem_id: int):
    """Reject a suggestion with a reason."""
    problem = _problem(problem_id)
    form = RejectForm(prefix="reject")
    if not form.validate_on_submit():
        if not _is_id(form.suggestion_id.data or ""):
            abort(400)
        return render_problem(problem, code=400, rejecting=int(form.suggestion_id.data), reject=form)
    try:
        suggestion = decisions.reject(problem, _suggestion_id(form), current_user, form.reason.data,
                                      seen=seen_version(form.version))
    except StaleEdit as error:  # the reason typed is kept in the form (or in the notice, if the form is gone)
        suggestion_id = _suggestion_id(form)
        return render_problem(problem, 409, rejecting=suggestion_id, reject=form,
                              conflict=Conflict.of("decision", error, suggestion_id))
    except CoordinationError as error:
        return _refused(problem, error)
    return _done(problem, f"{suggestion.researcher.name} was rejected for this problem.")


@bp.post("/problems/<int:problem_id>/introduce")
@coordinator_required
def introduce(problem_id: int):
    """Introduce the ticked researchers: partnerships and e-mails to both sides."""
    problem = _problem(problem_id)
    form = IntroduceForm(prefix="introduce")
    form.suggestion_ids.choices = _suggestion_choices(problem_review.suggestions_for(problem))
    if not form.validate_on_submit():
        return render_problem(problem, code=400, introduce=form)
    try:
        created = introductions.introduce(problem, form.suggestion_ids.data, current_user, form.message.data or "")
    except CoordinationError as error:
        return _refused(problem, error, introduce=form)
    names = ", ".join(p.researcher.name for p in created)
    return _done(problem, f"Introduced {names}. The e-mails to the agency and the researcher are on their way.")


@bp.post("/problems/<int:problem_id>/question")
@coordinator_required
def ask_question(problem_id: int):
    """Ask the agency a question; it appears on their status page."""
    problem = _problem(problem_id)
    form = QuestionForm(prefix="question")
    if not form.validate_on_submit():
        return render_problem(problem, code=400, question=form)
    try:
        problem_updates.ask_question(problem, form.body.data, current_user)
    except CoordinationError as error:
        return _refused(problem, error, question=form)
    return _done(problem, "Your question is on the agency's status page, and they were e-mailed the link.")


@bp.post("/problems/<int:problem_id>/note")
@coordinator_required
def add_note(problem_id: int):
    """Add an internal note."""
    problem = _problem(problem_id)
    form = NoteForm(prefix="note")
    if not form.validate_on_submit():
        return render_problem(problem, code=400, note=form)
    try:
        problem_updates.add_note(problem, form.body.data, current_user)
    except CoordinationError as error:
        return _refused(problem, error, note=form)
    return _done(problem, "Note added.")


@bp.post("/problems/<int:problem_id>/status")
@coordinator_required
def change_status(problem_id: int):
    """Move the problem to another status."""
    problem = _problem(problem_id)
    form = StatusForm(prefix="status")
    if not form.validate_on_submit():
        return render_problem(problem, code=400, status=form)
    try:
        problem_updates.change_status(problem, form.status.data, current_user, form.note.data or "",
                                      seen=seen_version(form.version), partnerships_choice=form.partnerships.data or "",
                                      outcome=form.outcome.data or "")
    except StaleEdit as error:
        form.version.data = problem.version  # saving again now overrides, knowingly
        return render_problem(problem, 409, status=form, conflict=Conflict.of("status", error))
    except problem_updates.ChoiceNeeded as error:
        getattr(form, error.field).errors.append(str(error))
        return render_problem(problem, 409, status=form)
    except CoordinationError as error:
        form.status.errors.append(str(error))
        return render_problem(problem, 409, status=form)
    return _done(problem, "Status changed.")


@bp.post("/problems/<int:problem_id>/answers")
@coordinator_required
def change_answers(problem_id: int):
    """Correct the agency's funding and distance answers, then rank again."""
    problem = _problem(problem_id)
    form = AnswersForm(problem, prefix="answers")
    if not form.validate_on_submit():
        return render_problem(problem, code=400, answers=form)
    try:
        change = agency_answers.change_answers(problem, form.funding_and_distance(), current_user,
                                             seen=form.seen.data or None)
    except CoordinationError as error:
        form.seen.data = agency_answers.answers_version(problem)  # saving again overrides what was refused
        return _refused(problem, error, answers=form)
    if not change.changed:
        return _done(problem, "Nothing to save: the funding and distance answers are as they were.")
    if problem.suggestions_computed_at is None or problem_review.suggestions_outdated(problem):
        return _done(problem, "The answers were saved; the suggestions are being recomputed: reload the page in a "
                              "moment. Your decisions are kept.")
    return _done(problem, "The answers were saved and the suggestions recomputed. Your decisions were kept.")


@bp.post("/problems/<int:problem_id>/recompute")
@coordinator_required
def recompute(problem_id: int):
    """Rank the researchers again (decisions are kept)."""
    problem = _problem(problem_id)
    asked = utcnow()
    problem_review.recompute_suggestions(problem, current_user)
    if problem.suggestions_computed_at is not None and problem.suggestions_computed_at >= asked:
        return _done(problem, "Suggestions recomputed. Your decisions were kept.")
    return _done(problem, "Suggestions are being recomputed: reload the page in a moment. Your decisions are kept.")
