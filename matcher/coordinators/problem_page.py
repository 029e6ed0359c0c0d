"""One problem statement: the statement, suggestions with explanations, exclusions and every action."""

from __future__ import annotations

from flask import abort, render_template, request
from flask_login import current_user

from matcher import lifecycle
from matcher.auth import coordinator_required
from matcher.coordinators import bp, card_notices
from matcher.coordinators.conflicts import Conflict
from matcher.coordinators.forms import (
    NOBODY,
    AnswersForm,
    AssignToMeForm,
    IntroduceForm,
    NoteForm,
    QuestionForm,
    ReassignForm,
    RejectForm,
    ResearcherSearchForm,
    StatusForm,
    SuggestionActionForm,
    owner_choices,
    seen_version,
)
from matcher.models.types import utcnow
from matcher.ranking.exclusions import Exclusion
from matcher.services import (
    agency_answers,
    agency_requests,
    decisions,
    introductions,
    ownership,
    problem_review,
    problem_updates,
    suggestion_search,
)
from matcher.services.coordination import CoordinationError, StaleEdit
from matcher.services.matching import WEAK_MATCH

FORMS = {
    "introduce": IntroduceForm, "question": QuestionForm, "note": NoteForm, "status": StatusForm,
    "reject": RejectForm,
}
# Where each form sits on the page: an action returns there (#anchor), with its message shown at that card.
ANCHORS = {
    "introduce": "introduce-form", "question": "question-card", "note": "note-card", "status": "status-card",
    "answers": "answers", "recompute": "suggestions", "find": "find-researcher", "owner": "owner-card",
}


def problem_or_404(problem_id: int):
    """The problem, or a 404 page when there is none."""
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
    allowed = [c for c in forms["status"].status.choices if lifecycle.can_change(problem.status, c.value)]
    forms["status"].status.choices = allowed or forms["status"].status.choices  # offer only moves the rules allow
    return forms


def _suggestion_choices(suggestions) -> list[tuple[int, str]]:
    return [(s.id, s.researcher.name) for s in suggestions if s.decision in introductions.INTRODUCIBLE_DECISIONS]


def render_problem(problem, code: int = 200, rejecting: int | None = None, sent=None, notice=None,
                   found=None, conflict: Conflict | None = None, **given):
    """The problem page; a form sent with errors keeps its input and messages.

    sent is the form that was refused (its errors are summed up at the top, linking to each field);
    notice is the message for one card ({"anchor", "message", "category"}), else the one left by a redirect;
    found are researchers looked up by search, scored for this problem; conflict is a save refused because
    someone changed the record meanwhile (shown at its form with what changed).
    """
    problem_review.ensure_suggestions(problem)
    suggestions = problem_review.suggestions_for(problem)
    forms = _forms(problem, **given)
    forms["introduce"].suggestion_ids.choices = _suggestion_choices(suggestions)
    search = given.get("find") or ResearcherSearchForm(formdata=None)
    notice = notice or card_notices.take(_page(problem))
    exclusions = problem_review.exclusions_for(problem)
    anchors = set(ANCHORS.values()) | {f"suggestion-{s.id}" for s in suggestions} \
        | {f"excluded-{e.researcher.id}" for e in exclusions} | {f"found-{f.researcher.id}" for f in found or []}
    return render_template(
        "coordinators/problem.html", problem=problem, suggestions=suggestions,
        exclusions=exclusions, partnerships=problem_review.partnerships_for(problem),
        free=problem_review.free_capacity([s.researcher_id for s in suggestions]),
        forms=forms, action_form=SuggestionActionForm(formdata=None), rejecting=rejecting,
        weak_match=WEAK_MATCH, answers_sent="answers" in given, duplicates=agency_requests.likely_duplicates(problem),
        computing=problem_review.suggestions_pending(problem), outdated=problem_review.suggestions_outdated(problem),
        sent=sent, notice=notice, notice_placed=bool(notice) and notice["anchor"] in anchors,
        reasons=suggestion_search.current_exclusions(problem, [e.researcher for e in exclusions]),
        exclusion_labels={reason.value: reason.label for reason in Exclusion}, search=search, found=found,
        suggested={s.researcher_id: s for s in suggestions}, anyway=given.get("anyway"), conflict=conflict,
    ), code


def _page(problem) -> str:
    return f"problem-{problem.id}"


@bp.get("/problems/<int:problem_id>")
@coordinator_required
def problem(problem_id: int):
    """The whole statement, its follow-ups, ranked suggestions and exclusions; with ?find=, researchers found
    by name or keywords, scored for this problem."""
    problem = problem_or_404(problem_id)
    ownership.note_look(problem, current_user)
    if "find" not in request.args:
        return render_problem(problem)
    search = ResearcherSearchForm(request.args)
    if not search.validate():
        return render_problem(problem, sent=search, find=search)
    return render_problem(problem, find=search, found=suggestion_search.find_researchers(problem, search.find.data))


def done(problem, message: str, anchor: str):
    """Back to the card the action came from, with its message shown there."""
    return card_notices.back_to_card(_page(problem), anchor, message, "coordinators.problem", problem_id=problem.id)


def refused(problem, error: CoordinationError, anchor: str, sent=None, **given):
    """The page again, the service's refusal shown at the card and summed up at the top, input kept."""
    notice = card_notices.notice(_page(problem), anchor, str(error), "error")
    return render_problem(problem, code=409, sent=sent or SuggestionActionForm(formdata=None), notice=notice,
                          **given)


def invalid(problem, form, anchor: str, **given):
    """The page again with the form's errors at its fields and summed up at the top (400)."""
    return render_problem(problem, code=400, sent=form, notice=card_notices.expired(_page(problem), anchor, form),
                          **given)


def _suggestion_id(form) -> int:
    raw = form.suggestion_id.data or ""
    if not is_id(raw):
        abort(400)
    return int(raw)


def is_id(raw) -> bool:
    """Whether a posted value can be a record id (ASCII digits that fit the database's integer)."""
    raw = str(raw)
    return raw.isascii() and raw.isdigit() and 0 < int(raw) < 2**31


@bp.post("/problems/<int:problem_id>/shortlist")
@coordinator_required
def shortlist(problem_id: int):
    """Put a suggestion on the shortlist."""
    problem = problem_or_404(problem_id)
    form = SuggestionActionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        suggestion = decisions.shortlist(problem, _suggestion_id(form), current_user, seen=seen_version(form.version))
    except StaleEdit as error:
        return render_problem(problem, 409, conflict=Conflict.of("decision", error, _suggestion_id(form)))
    except CoordinationError as error:
        return refused(problem, error, f"suggestion-{_suggestion_id(form)}")
    return done(problem, f"{suggestion.researcher.name} is on the shortlist.", f"suggestion-{suggestion.id}")


@bp.post("/problems/<int:problem_id>/reconsider")
@coordinator_required
def reconsider(problem_id: int):
    """Put a decided suggestion back to pending."""
    problem = problem_or_404(problem_id)
    form = SuggestionActionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        suggestion = decisions.reconsider(problem, _suggestion_id(form), current_user, seen=seen_version(form.version))
    except StaleEdit as error:
        return render_problem(problem, 409, conflict=Conflict.of("decision", error, _suggestion_id(form)))
    except CoordinationError as error:
        return refused(problem, error, f"suggestion-{_suggestion_id(form)}")
    return done(problem, f"{suggestion.researcher.name} is back among the pending suggestions.",
                f"suggestion-{suggestion.id}")


@bp.post("/problems/<int:problem_id>/reject")
@coordinator_required
def reject(problem_id: int):
    """Reject a suggestion with a reason."""
    problem = problem_or_404(problem_id)
    form = RejectForm(prefix="reject")
    if not form.validate_on_submit():
        if not is_id(form.suggestion_id.data or ""):
            abort(400)
        sid = int(form.suggestion_id.data)
        form.reason.id = f"reject-reason-{sid}"  # each card has its own reason field: the summary links to it
        return invalid(problem, form, f"suggestion-{sid}", rejecting=sid, reject=form)
    sid = _suggestion_id(form)
    try:
        suggestion = decisions.reject(problem, sid, current_user, form.reason.data, seen=seen_version(form.version))
    except StaleEdit as error:  # the reason typed is kept in the form (or in the notice, if the form is gone)
        return render_problem(problem, 409, rejecting=sid, reject=form, conflict=Conflict.of("decision", error, sid))
    except CoordinationError as error:
        return refused(problem, error, f"suggestion-{sid}")
    return done(problem, f"{suggestion.researcher.name} was rejected for this problem.", f"suggestion-{sid}")


@bp.post("/problems/<int:problem_id>/introduce")
@coordinator_required
def introduce(problem_id: int):
    """Introduce the ticked researchers: partnerships and e-mails to both sides."""
    problem = problem_or_404(problem_id)
    form = IntroduceForm(prefix="introduce")
    form.suggestion_ids.choices = _suggestion_choices(problem_review.suggestions_for(problem))
    if not form.validate_on_submit():
        return invalid(problem, form, ANCHORS["introduce"], introduce=form)
    try:
        created = introductions.introduce(problem, form.suggestion_ids.data, current_user, form.message.data or "")
    except CoordinationError as error:
        return refused(problem, error, ANCHORS["introduce"], sent=form, introduce=form)
    names = ", ".join(p.researcher.name for p in created)
    return done(problem, f"Introduced {names}. The e-mails to the agency and the researcher are on their way.",
                ANCHORS["introduce"])


@bp.post("/problems/<int:problem_id>/question")
@coordinator_required
def ask_question(problem_id: int):
    """Ask the agency a question; it appears on their status page."""
    problem = problem_or_404(problem_id)
    form = QuestionForm(prefix="question")
    if not form.validate_on_submit():
        return invalid(problem, form, ANCHORS["question"], question=form)
    try:
        problem_updates.ask_question(problem, form.body.data, current_user)
    except CoordinationError as error:
        return refused(problem, error, ANCHORS["question"], sent=form, question=form)
    return done(problem, "Your question is on the agency's status page, and they were e-mailed the link.",
                ANCHORS["question"])


@bp.post("/problems/<int:problem_id>/note")
@coordinator_required
def add_note(problem_id: int):
    """Add an internal note."""
    problem = problem_or_404(problem_id)
    form = NoteForm(prefix="note")
    if not form.validate_on_submit():
        return invalid(problem, form, ANCHORS["note"], note=form)
    try:
        problem_updates.add_note(problem, form.body.data, current_user)
    except CoordinationError as error:
        return refused(problem, error, ANCHORS["note"], sent=form, note=form)
    return done(problem, "Note added.", ANCHORS["note"])


@bp.post("/problems/<int:problem_id>/status")
@coordinator_required
def change_status(problem_id: int):
    """Move the problem to another status."""
    problem = problem_or_404(problem_id)
    form = StatusForm(prefix="status")
    if not form.validate_on_submit():
        return invalid(problem, form, ANCHORS["status"], status=form)
    try:
        problem_updates.change_status(problem, form.status.data, current_user, form.note.data or "",
                                      seen=seen_version(form.version), partnerships_choice=form.partnerships.data or "",
                                      outcome=form.outcome.data or "")
    except StaleEdit as error:
        form.version.data = problem.version  # saving again now overrides, knowingly
        return render_problem(problem, 409, status=form, conflict=Conflict.of("status", error))
    except problem_updates.ChoiceNeeded as error:
        getattr(form, error.field).errors.append(str(error))
        return render_problem(problem, 409, sent=form, status=form)
    except CoordinationError as error:
        return refused(problem, error, ANCHORS["status"], sent=form, status=form)
    return done(problem, "Status changed.", ANCHORS["status"])


@bp.post("/problems/<int:problem_id>/answers")
@coordinator_required
def change_answers(problem_id: int):
    """Correct the agency's funding and distance answers, then rank again."""
    problem = problem_or_404(problem_id)
    form = AnswersForm(problem, prefix="answers")
    if not form.validate_on_submit():
        return invalid(problem, form, ANCHORS["answers"], answers=form)
    try:
        change = agency_answers.change_answers(problem, form.funding_and_distance(), current_user,
                                             seen=form.seen.data or None)
    except CoordinationError as error:
        form.seen.data = agency_answers.answers_version(problem)  # saving again overrides what was refused
        return refused(problem, error, ANCHORS["answers"], sent=form, answers=form)
    anchor = ANCHORS["answers"]
    if not change.changed:
        return done(problem, "Nothing to save: the funding and distance answers are as they were.", anchor)
    if problem.suggestions_computed_at is None or problem_review.suggestions_outdated(problem):
        return done(problem, "The answers were saved; the suggestions are being recomputed: reload the page in a "
                             "moment. Your decisions are kept.", anchor)
    return done(problem, "The answers were saved and the suggestions recomputed. Your decisions were kept.", anchor)


@bp.post("/problems/<int:problem_id>/recompute")
@coordinator_required
def recompute(problem_id: int):
    """Rank the researchers again (decisions are kept)."""
    problem = problem_or_404(problem_id)
    asked = utcnow()
    problem_review.recompute_suggestions(problem, current_user)
    if problem.suggestions_computed_at is not None and problem.suggestions_computed_at >= asked:
        return done(problem, "Suggestions recomputed. Your decisions were kept.", ANCHORS["recompute"])
    return done(problem, "Suggestions are being recomputed: reload the page in a moment. Your decisions are kept.",
                ANCHORS["recompute"])


# --- Who looks after the problem --------------------------------------------------------------------------------


def _seen_owner(form):
    raw = form.seen_owner.data or ""
    return int(raw) if is_id(raw) else None


@bp.post("/problems/<int:problem_id>/assign-to-me")
@coordinator_required
def assign_to_me(problem_id: int):
    """Take the problem: its notices now come to me."""
    problem = problem_or_404(problem_id)
    form = AssignToMeForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        ownership.assign(problem, current_user, current_user, seen_owner_id=_seen_owner(form))
    except CoordinationError as error:
        return refused(problem, error, ANCHORS["owner"])
    return done(problem, "The problem is yours: its notices now come to you.", ANCHORS["owner"])


@bp.post("/problems/<int:problem_id>/reassign")
@coordinator_required
def reassign(problem_id: int):
    """Give the problem to another active coordinator, or to nobody."""
    problem = problem_or_404(problem_id)
    form = ReassignForm()
    form.owner.choices = owner_choices(ownership.active_coordinators())
    if not form.validate_on_submit():
        return refused(problem, CoordinationError("Please choose an active coordinator from the list."),
                       ANCHORS["owner"])
    try:
        owner = None if form.owner.data == NOBODY else ownership.find_active_coordinator(int(form.owner.data))
        changed = ownership.assign(problem, owner, current_user, seen_owner_id=_seen_owner(form))
    except CoordinationError as error:
        return refused(problem, error, ANCHORS["owner"])
    if not changed:
        return done(problem, "Nothing changed: the problem already had that owner.", ANCHORS["owner"])
    if owner is None:
        return done(problem, "The problem is unassigned: its notices go to the whole team.", ANCHORS["owner"])
    return done(problem, f"{ownership.display_name(owner)} now looks after the problem.", ANCHORS["owner"])
