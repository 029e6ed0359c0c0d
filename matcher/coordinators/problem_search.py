"""Beyond the stored suggestions: add a researcher found by search, or introduce an excluded one with a reason."""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from matcher.auth import coordinator_required
from matcher.coordinators import bp
from matcher.coordinators.forms import AddSuggestionForm, IntroduceAnywayForm, ResearcherSearchForm
from matcher.coordinators.problem_page import done, invalid, is_id, problem_or_404, refused
from matcher.services import introductions, suggestion_search
from matcher.services.coordination import CoordinationError

ORIGINS = ("excluded", "found")


def _researcher_id(form) -> int:
    raw = form.researcher_id.data or ""
    if not is_id(raw):
        abort(400)
    return int(raw)


def _search_again(problem, text: str) -> dict:
    """The search a form came from, run again so its results show beside the refusal."""
    search = ResearcherSearchForm(data={"find": text}, formdata=None)
    if not (text or "").strip():
        return {}
    return {"find": search, "found": suggestion_search.find_researchers(problem, text[:200])}


@bp.post("/problems/<int:problem_id>/suggestions/add")
@coordinator_required
def add_suggestion(problem_id: int):
    """Add a researcher found by search to the problem's suggestions, scored as the others are."""
    problem = problem_or_404(problem_id)
    form = AddSuggestionForm(prefix="add")
    if not form.validate_on_submit():
        abort(400)
    researcher_id = _researcher_id(form)
    try:
        suggestion = suggestion_search.add_suggestion(problem, researcher_id, current_user)
    except CoordinationError as error:
        return refused(problem, error, f"found-{researcher_id}", **_search_again(problem, form.find.data))
    return done(problem, f"{suggestion.researcher.name} was added to the suggestions at rank {suggestion.rank}. "
                         "You can shortlist or introduce them like the others.", f"suggestion-{suggestion.id}")


@bp.post("/problems/<int:problem_id>/introduce-anyway")
@coordinator_required
def introduce_anyway(problem_id: int):
    """Introduce a researcher the exclusion policy leaves out, with the reason recorded."""
    problem = problem_or_404(problem_id)
    form = IntroduceAnywayForm(prefix="anyway")
    researcher_id = _researcher_id(form)
    origin = form.origin.data if form.origin.data in ORIGINS else "excluded"
    anchor = f"{origin}-{researcher_id}"
    again = _search_again(problem, form.find.data) if origin == "found" else {}
    form.reason.id, form.message.id = f"{anchor}-reason", f"{anchor}-message"  # this row's own fields
    if not form.validate_on_submit():
        return invalid(problem, form, anchor, anyway=form, **again)
    try:
        partnership = introductions.introduce_anyway(problem, researcher_id, current_user, form.reason.data,
                                                     form.message.data or "")
    except CoordinationError as error:
        return refused(problem, error, anchor, sent=form, anyway=form, **again)
    suggestion = suggestion_search.suggestion_of(problem, researcher_id)
    name = partnership.researcher.name
    how = "despite the exclusion; your reason is recorded" if suggestion.overridden else \
        "(nothing was overridden: they are no longer excluded)"
    return done(problem, f"Introduced {name} {how}. The e-mails to the agency and the researcher are on their way.",
                f"suggestion-{suggestion.id}")
