"""A signed-in researcher's research centre: adding and editing one, asking to join, leaving, and, for its
administrators, deciding requests and appointing other administrators."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for

from matcher.researchers import bp
from matcher.researchers.forms import CentreForm, ConfirmForm, JoinCentreForm
from matcher.researchers.views import me, render_profile, researcher_required
from matcher.services import centres


def _centre_or_404(centre_id: int):
    centre = centres.find_centre(centre_id)
    if centre is None:
        abort(404)
    return centre


@bp.route("/centres/new", methods=["GET", "POST"])
@researcher_required
def new_centre():
    """Create a research centre: its creator is its first member and administrator."""
    form = CentreForm()
    if form.validate_on_submit():
        try:
            centre = centres.create_centre(me(), form.values())
        except centres.CentreNameTaken:
            form.name.errors.append("A centre with this name is already listed: ask to join it from your "
                                    "profile page instead.")
        else:
            flash(f"{centre.name} is created. You are its administrator: you approve who joins it.")
            return redirect(url_for("researchers.profile"))
    return render_template("researchers/centre_form.html", form=form, centre=None)


@bp.route("/centres/<int:centre_id>/edit", methods=["GET", "POST"])
@researcher_required
def edit_centre(centre_id: int):
    """An administrator edits their research centre's profile."""
    centre = _centre_or_404(centre_id)
    if not centre.editable_by(me()):
        abort(403)
    form = CentreForm(obj=centre)
    if form.validate_on_submit():
        try:
            centres.update_centre(me(), centre, form.values())
        except centres.CentreNameTaken:
            form.name.errors.append("Another centre already has this name.")
        else:
            flash("The centre's profile is saved.")
            return redirect(url_for("directory.centre", centre_id=centre.id))
    return render_template("researchers/centre_form.html", form=form, centre=centre)


@bp.post("/centres/join")
@researcher_required
def join_centre():
    """Ask to join a centre; its administrators decide."""
    form = JoinCentreForm()
    form.set_centre_choices(centres.all_centres())
    if not form.validate_on_submit():
        return render_profile(join_form=form, status=400)
    centre = centres.find_centre(form.centre_id.data)
    centres.request_to_join(me(), centre)
    flash(f"Your request to join {centre.name} is sent to its administrators. You will hear from us by e-mail.")
    return redirect(url_for("researchers.profile"))


@bp.post("/centres/leave")
@researcher_required
def leave_centre():
    """Leave the centre, or withdraw the request to join it."""
    if ConfirmForm().validate_on_submit():
        was_member = me().centre is not None
        centres.leave(me())
        flash("You have left the centre." if was_member else "Your request to join is withdrawn.")
    return redirect(url_for("researchers.profile"))


@bp.post("/centres/<int:centre_id>/requests/<int:membership_id>/<any(approve, decline):decision>")
@researcher_required
def decide_request(centre_id: int, membership_id: int, decision: str):
    """An administrator approves or declines a request to join."""
    centre = _centre_or_404(centre_id)
    if ConfirmForm().validate_on_submit():
        try:
            if decision == "approve":
                name = centres.approve(me(), centre, membership_id).researcher.name
                flash(f"{name} is now a member of {centre.name}.")
            else:
                centres.decline(me(), centre, membership_id)
                flash("The request is declined, and the researcher is told.")
        except centres.NotAllowed as refused:
            flash(str(refused), "warning")
    return redirect(url_for("researchers.profile"))


@bp.post("/centres/<int:centre_id>/members/<int:membership_id>/administrator")
@researcher_required
def appoint_administrator(centre_id: int, membership_id: int):
    """An administrator makes another member an administrator."""
    centre = _centre_or_404(centre_id)
    if ConfirmForm().validate_on_submit():
        try:
            name = centres.appoint_administrator(me(), centre, membership_id).researcher.name
            flash(f"{name} now administers {centre.name} too.")
        except centres.NotAllowed as refused:
            flash(str(refused), "warning")
    return redirect(url_for("researchers.profile"))
