"""Partnerships: each introduction followed through its stages to an outcome."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from matcher import taxonomy
from matcher.auth import coordinator_required
from matcher.coordinators import bp
from matcher.coordinators.forms import PartnershipNotesForm, StageForm
from matcher.local_time import local_today
from matcher.services import partnerships as service
from matcher.services.coordination import CoordinationError


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


def render_partnership(partnership, code: int = 200, stage_form=None, notes_form=None):
    """The partnership page with its history and forms."""
    if stage_form is None:
        stage_form = StageForm(prefix="stage", formdata=None)
        stage_form.stage.data = _next_stage(partnership.stage)
        stage_form.on.data = local_today()
    if notes_form is None:
        notes_form = PartnershipNotesForm(prefix="notes", formdata=None, data={"notes": partnership.notes})
    return render_template(
        "coordinators/partnership.html", partnership=partnership, stage_form=stage_form, notes_form=notes_form,
    ), code


def _next_stage(stage: str) -> str:
    order = taxonomy.slugs(taxonomy.PARTNERSHIP_STAGES)
    position = order.index(stage) if stage in order else 0
    return order[min(position + 1, order.index("closed"))]


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
        return render_partnership(partnership, 400, stage_form=form)
    try:
        service.record_stage(partnership, form.stage.data, current_user, note=form.note.data or "",
                             on=form.on.data, outcome=form.outcome.data or None)
    except CoordinationError as error:
        form.stage.errors.append(str(error))
        return render_partnership(partnership, 409, stage_form=form)
    label = taxonomy.label(taxonomy.PARTNERSHIP_STAGES, partnership.stage)
    flash(f"The partnership is now at the stage “{label}”.")
    return redirect(url_for("coordinators.partnership", partnership_id=partnership.id), code=303)


@bp.post("/partnerships/<int:partnership_id>/notes")
@coordinator_required
def partnership_notes(partnership_id: int):
    """Save the partnership's notes."""
    partnership = _partnership(partnership_id)
    form = PartnershipNotesForm(prefix="notes")
    if not form.validate_on_submit():
        return render_partnership(partnership, 400, notes_form=form)
    service.update_notes(partnership, form.notes.data or "", current_user)
    flash("Notes saved.")
    return redirect(url_for("coordinators.partnership", partnership_id=partnership.id), code=303)
