"""Partnerships: each introduction followed through its stages to an outcome."""

from __future__ import annotations

from flask import abort, render_template, request
from flask_login import current_user

from matcher import lifecycle, taxonomy
from matcher.auth import coordinator_required
from matcher.coordinators import bp, card_notices
from matcher.coordinators.conflicts import Conflict
from matcher.coordinators.forms import CloseProblemForm, PartnershipNoteForm, StageForm, seen_version
from matcher.local_time import local_today
from matcher.services import partnerships as service
from matcher.services import problem_updates
from matcher.services.coordination import CoordinationError, StaleEdit


@bp.get("/partnerships")
@coordinator_required
def partnerships():
    """Every partnership, optionally in one stage or only the active ones."""
    stage = request.args.get("stage", "")
    if stage not in taxonomy.slugs(taxonomy.PARTNERSHIP_STAGES):
        stage = ""
    active_only = request.args.get("active") == "1"
    return render_template(
        "coordinators/partnerships.html", partnerships=service.list_partnerships(stage, active_only),
        stage=stage, active_only=active_only,
    )


def _partnership(partnership_id: int):
    partnership = service.get_partnership(partnership_id)
    if partnership is None:
        abort(404)
    return partnership


def _page(partnership) -> str:
    return f"partnership-{partnership.id}"


def _back(partnership, anchor: str, message: str):
    """Back to the card the action came from, with its message shown there."""
    return card_notices.back_to_card(_page(partnership), anchor, message,
                                     "coordinators.partnership", partnership_id=partnership.id)


def render_partnership(partnership, code: int = 200, stage_form=None, note_form=None, close_form=None,
                       conflict=None, sent=None, anchor: str = ""):
    """The partnership page with its history, signed notes and forms; a refused form (`sent`, at the card
    `anchor`) keeps what was typed and is summed up at the top."""
    if stage_form is None:
        stage_form = StageForm(prefix="stage", formdata=None)
        stage_form.stage.data = lifecycle.next_stage(partnership.stage).value
        stage_form.on.data = local_today()
        stage_form.version.data = partnership.version
    if close_form is None:
        close_form = CloseProblemForm(prefix="close", formdata=None)
        close_form.version.data = partnership.problem.version
    notice = card_notices.expired(_page(partnership), anchor, sent) if sent is not None \
        else card_notices.take(_page(partnership))
    return render_template(
        "coordinators/partnership.html", partnership=partnership, stage_form=stage_form,
        note_form=note_form or PartnershipNoteForm(prefix="note", formdata=None), close_form=close_form,
        offer_closing=service.last_active_closed(partnership), conflict=conflict, sent=sent, notice=notice,
    ), code


@bp.get("/partnerships/<int:partnership_id>")
@coordinator_required
def partnership(partnership_id: int):
    """One partnership: stage, history, outcome and notes."""
    return render_partnership(_partnership(partnership_id))


@bp.post("/partnerships/<int:partnership_id>/stage")
@coordinator_required
def record_stage(partnership_id: int):
    """Record the stage reached (closing needs an outcome; a decline frees the researcher's slot)."""
    partnership = _partnership(partnership_id)
    form = StageForm(prefix="stage")
    if not form.validate_on_submit():
        return render_partnership(partnership, 400, stage_form=form, sent=form, anchor="stage-card")
    try:
        service.record_stage(partnership, form.stage.data, current_user, note=form.note.data or "",
                             on=form.on.data, outcome=form.outcome.data or None, seen=seen_version(form.version))
    except StaleEdit as error:
        form.version.data = partnership.version  # saving again now overrides, knowingly
        return render_partnership(partnership, 409, stage_form=form, conflict=Conflict.of("stage", error))
    except CoordinationError as error:
        form.stage.errors.append(str(error))
        return render_partnership(partnership, 409, stage_form=form, sent=form, anchor="stage-card")
    return _back(partnership, "stage-card",
                 f"The partnership is now at the stage “{lifecycle.Stage(partnership.stage).label}”.")


@bp.post("/partnerships/<int:partnership_id>/notes")
@coordinator_required
def partnership_notes(partnership_id: int):
    """Add a dated, signed note to the partnership."""
    partnership = _partnership(partnership_id)
    form = PartnershipNoteForm(prefix="note")
    if not form.validate_on_submit():
        return render_partnership(partnership, 400, note_form=form, sent=form, anchor="notes-card")
    try:
        service.add_note(partnership, form.body.data, current_user)
    except CoordinationError as error:
        form.body.errors.append(str(error))
        return render_partnership(partnership, 400, note_form=form, sent=form, anchor="notes-card")
    return _back(partnership, "notes-card", "Note added.")


@bp.post("/partnerships/<int:partnership_id>/close-problem")
@coordinator_required
def close_problem(partnership_id: int):
    """Close the problem too, once its last active partnership has ended (one transaction)."""
    partnership = _partnership(partnership_id)
    problem = partnership.problem
    form = CloseProblemForm(prefix="close")
    if not form.validate_on_submit():
        return render_partnership(partnership, 400, close_form=form, sent=form, anchor="close-card")
    try:
        problem_updates.change_status(problem, lifecycle.Status.CLOSED, current_user, form.note.data or "",
                                      seen=seen_version(form.version))
    except StaleEdit as error:
        form.version.data = problem.version
        return render_partnership(partnership, 409, close_form=form, conflict=Conflict.of("close", error))
    except CoordinationError as error:  # e.g. closed already, or a partnership taken up again meanwhile
        form.note.errors.append(str(error))
        return render_partnership(partnership, 409, close_form=form, sent=form, anchor="close-card")
    return _back(partnership, "stage-card", "The problem is closed.")
