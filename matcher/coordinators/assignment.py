"""Global assignment: a proposal for every open problem at once; accept all of it or part."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from matcher.auth import coordinator_required
from matcher.coordinators import bp
from matcher.coordinators.forms import AcceptProposalForm, AssignmentForm
from matcher.services import global_assignment as service
from matcher.services.coordination import CoordinationError


@bp.get("/assignment")
@coordinator_required
def assignment():
    """Propose researchers for every open problem (nothing is saved until accepted)."""
    form = AssignmentForm(request.args if "per_problem" in request.args else None)
    proposal = None
    if "per_problem" in request.args and form.validate():
        proposal = service.propose(form.per_problem.data)
    return render_template("coordinators/assignment.html", form=form, proposal=proposal,
                           accept_form=AcceptProposalForm(formdata=None))


@bp.post("/assignment/accept")
@coordinator_required
def accept_assignment():
    """Shortlist or introduce the ticked part of the proposal, all or nothing."""
    form = AcceptProposalForm()
    per_problem = request.form.get("per_problem", "1")
    back = url_for("coordinators.assignment", per_problem=per_problem if per_problem in ("1", "2", "3") else 1)
    if not form.validate_on_submit():
        flash("Please choose whether to shortlist or introduce the ticked researchers.", "error")
        return redirect(back, code=303)
    try:
        count = service.accept(request.form.getlist("pair"), form.mode.data, current_user)
    except CoordinationError as error:
        flash(f"Nothing was saved: {error}", "error")
        return redirect(back, code=303)
    done = "introduced" if form.mode.data == "introduce" else "shortlisted"
    flash(f"{count} proposed researcher{'s' if count != 1 else ''} {done}.")
    return redirect(url_for("coordinators.queue"), code=303)
