"""Global assignment: compare two settings, keep one proposal, review the e-mails, then apply or discard it."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from matcher.auth import coordinator_required
from matcher.coordinators import bp
from matcher.coordinators.assignment_forms import ApplyForm, CompareForm, KeepProposalForm, ProposalActionForm
from matcher.services import assignment_apply as applying
from matcher.services import global_assignment as service
from matcher.services.coordination import CoordinationError


@bp.get("/assignment")
@coordinator_required
def assignment():
    """The open proposal for review, or (with none open) two settings compared side by side."""
    proposal = service.open_proposal()
    if proposal is not None:
        ticked = {row.id for row in proposal.rows} if request.args.get("select") == "all" else set(
            _row_ids(request.args.getlist("row")))
        return render_template("coordinators/assignment_proposal.html", proposal=proposal,
                               groups=service.rows_by_problem(proposal), loads=service.stored_loads(proposal),
                               ticked=ticked, form=ProposalActionForm())
    asked = "first" in request.args or "second" in request.args
    form = CompareForm(request.args if asked else None)
    comparison = service.compare(form.first.data, form.second.data) if asked and form.validate() else None
    return render_template("coordinators/assignment.html", form=form, comparison=comparison,
                           keep_form=KeepProposalForm(formdata=None))


def _row_ids(values: list[str]) -> list[int]:
    try:
        return applying.parse_row_ids(values)
    except CoordinationError:
        return []


@bp.post("/assignment/keep")
@coordinator_required
def keep_proposal():
    """Store the proposal made with one setting, for review by any coordinator."""
    form = KeepProposalForm()
    value = form.per_problem.data or ""
    per_problem = int(value) if value in ("1", "2", "3") else None
    try:
        if not form.validate_on_submit():
            raise CoordinationError("The page had expired. Please compare again.")
        service.keep(service.check_per_problem(per_problem), current_user)
    except CoordinationError as error:
        flash(f"Nothing was kept: {error}", "error")
    return redirect(url_for("coordinators.assignment"), code=303)


@bp.post("/assignment/proposals/<int:proposal_id>/review")
@coordinator_required
def review_proposal(proposal_id: int):
    """Go on to the confirmation with the ticked rows, or shortlist them without e-mails."""
    form = ProposalActionForm()
    try:
        if not form.validate_on_submit():
            raise CoordinationError("The page had expired. Please tick the researchers again.")
        rows = applying.parse_row_ids(request.form.getlist("row"))
        proposal = service.find_open(proposal_id)
        service.chosen_rows(proposal, rows)
        if request.form.get("action") == "shortlist":
            count = applying.shortlist_rows(proposal_id, rows, current_user)
            flash(f"{count} proposed researcher{'s' if count != 1 else ''} shortlisted. The proposal stays open.")
            return redirect(url_for("coordinators.assignment"), code=303)
    except applying.StaleProposal as stale:
        flash(f"Nothing was shortlisted: {_refusals(stale.plan)}", "error")
        return redirect(url_for("coordinators.assignment", row=request.form.getlist("row")), code=303)
    except CoordinationError as error:
        flash(f"{error}", "error")
        return redirect(url_for("coordinators.assignment", row=request.form.getlist("row")), code=303)
    return redirect(url_for("coordinators.confirm_proposal", proposal_id=proposal_id, row=rows), code=303)


def _refusals(checked: applying.Plan) -> str:
    return "; ".join(f"{row.problem.title}: {reason}" for row, reason in checked.refused) + "."


@bp.get("/assignment/proposals/<int:proposal_id>/confirm")
@coordinator_required
def confirm_proposal(proposal_id: int):
    """Every e-mail that applying the ticked rows will send, for a last look and an optional note."""
    try:
        proposal = service.find_open(proposal_id)
        rows = applying.parse_row_ids(request.args.getlist("row"))
        checked = applying.plan(proposal, rows) if rows else applying.Plan()  # the page says nothing would be sent
    except CoordinationError as error:
        flash(f"{error}", "error")
        return redirect(url_for("coordinators.assignment"), code=303)
    return _render_confirmation(proposal, checked, ApplyForm())


def _render_confirmation(proposal, checked: applying.Plan, form: ApplyForm, stale: bool = False, status: int = 200):
    return render_template("coordinators/assignment_confirm.html", proposal=proposal, plan=checked,
                           form=form, stale=stale), status


@bp.post("/assignment/proposals/<int:proposal_id>/apply")
@coordinator_required
def apply_proposal(proposal_id: int):
    """Introduce the confirmed rows in one unit of work, or report the rows refused today (nothing sent)."""
    form = ApplyForm()
    try:
        rows = applying.parse_row_ids(request.form.getlist("row"))
        proposal = service.find_open(proposal_id)
        if not form.validate_on_submit():
            return _render_confirmation(proposal, applying.plan(proposal, rows), form, status=400)
        done = applying.apply(proposal_id, rows, current_user, personal_note=form.personal_note.data)
    except applying.StaleProposal as stale:
        return _render_confirmation(service.find_open(proposal_id), stale.plan, form, stale=True, status=409)
    except CoordinationError as error:
        flash(f"Nothing was sent: {error}", "error")
        return redirect(url_for("coordinators.assignment"), code=303)
    count, mails = len(done.accepted), len(done.emails())
    flash(f"{count} introduction{'s' if count != 1 else ''} made; {mails} e-mails are on their way.")
    return redirect(url_for("coordinators.assignment"), code=303)


@bp.post("/assignment/proposals/<int:proposal_id>/discard")
@coordinator_required
def discard_proposal(proposal_id: int):
    """Close the proposal without introducing anyone."""
    if not ProposalActionForm().validate_on_submit():
        flash("The page had expired. Please try again.", "error")
    else:
        try:
            service.discard(proposal_id, current_user)
            flash("The proposal was discarded.")
        except CoordinationError as error:
            flash(f"{error}", "error")
    return redirect(url_for("coordinators.assignment"), code=303)
