"""The outbox: every message with its state; failed and dead ones can be resent."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from matcher.auth import coordinator_required
from matcher.coordinators import bp
from matcher.coordinators.forms import ResendForm
from matcher.services import outbox_admin
from matcher.services.coordination import CoordinationError


@bp.get("/outbox")
@coordinator_required
def outbox():
    """Messages, newest first, optionally in one state."""
    state = request.args.get("state", "")
    if state not in outbox_admin.OUTBOX_STATES:
        state = ""
    return render_template(
        "coordinators/outbox.html", messages=outbox_admin.outbox_messages(state), state=state,
        counts=outbox_admin.outbox_counts(), resend_form=ResendForm(formdata=None),
        max_attempts=current_app.config["MAIL_MAX_ATTEMPTS"],
    )


@bp.post("/outbox/<int:message_id>/resend")
@coordinator_required
def resend(message_id: int):
    """Queue a failed or dead message for delivery again."""
    if not ResendForm().validate_on_submit():
        abort(400)
    try:
        state = outbox_admin.resend(message_id, current_user)
    except CoordinationError as error:
        flash(str(error), "error")
    else:
        if state in ("failed", "dead"):
            flash("The message failed again. Check the mail settings, then try once more.", "error")
        elif state in ("sent", "logged"):
            flash("The message was sent.")
        else:
            flash("The message is queued to be sent again: reload this page in a moment to see how it went.")
    return redirect(url_for("coordinators.outbox", state=request.args.get("state", "")), code=303)
