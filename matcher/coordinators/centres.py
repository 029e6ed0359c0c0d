"""Research centres as coordinators see them: who administers each, and the centres the coordinators
administer themselves (no researcher left to), where they decide requests and appoint an administrator."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from matcher.auth import coordinator_required
from matcher.coordinators import bp
from matcher.services import centres


@bp.get("/centres", endpoint="centres")
@coordinator_required
def centres_page():
    """Every centre, those the coordinators administer first, with their requests and members."""
    return render_template("coordinators/centres.html", centres=centres.centres_for_coordinators(),
                           form=FlaskForm())


def _centre_or_404(centre_id: int):
    centre = centres.find_centre(centre_id)
    if centre is None:
        abort(404)
    return centre


@bp.post("/centres/<int:centre_id>/requests/<int:membership_id>/<any(approve, decline):decision>")
@coordinator_required
def decide_centre_request(centre_id: int, membership_id: int, decision: str):
    """Approve or decline a request to join a centre."""
    centre = _centre_or_404(centre_id)
    if FlaskForm().validate_on_submit():
        try:
            if decision == "approve":
                name = centres.approve(current_user._get_current_object(), centre, membership_id).researcher.name
                flash(f"{name} is now a member of {centre.name}.")
            else:
                centres.decline(current_user._get_current_object(), centre, membership_id)
                flash("The request is declined, and the researcher is told.")
        except centres.NotAllowed as refused:
            flash(str(refused), "warning")
    return redirect(url_for("coordinators.centres", _anchor=f"centre-{centre.id}"))


@bp.post("/centres/<int:centre_id>/members/<int:membership_id>/administrator")
@coordinator_required
def appoint_centre_administrator(centre_id: int, membership_id: int):
    """Make a member the centre's administrator (the coordinators then no longer administer it)."""
    centre = _centre_or_404(centre_id)
    if FlaskForm().validate_on_submit():
        try:
            name = centres.appoint_administrator(current_user._get_current_object(), centre,
                                                 membership_id).researcher.name
            flash(f"{name} now administers {centre.name}.")
        except centres.NotAllowed as refused:
            flash(str(refused), "warning")
    return redirect(url_for("coordinators.centres", _anchor=f"centre-{centre.id}"))
