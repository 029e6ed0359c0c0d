"""Writing to a researcher through the site: the form, the sender's confirmation link, the researcher's
opt-out link. The researcher's e-mail address appears on none of these pages."""

from __future__ import annotations

from flask import abort, make_response, redirect, render_template, request, session, url_for
from flask_wtf import FlaskForm

from matcher.directory import bp
from matcher.directory.contact_form import MESSAGE_MAX, ContactForm
from matcher.security import form_rate_limit
from matcher.services import contact_relay
from matcher.services.contact_relay import CapReached, ContactLinkError

SENT_TO_KEY = "contact_sent_to"


def _researcher_or_404(researcher_id: int):
    researcher = contact_relay.writable_researcher(researcher_id)
    if researcher is None:
        abort(404)
    return researcher


def _render_form(researcher, form: ContactForm, code: int = 200, problem: str = "", wait_minutes: int = 0):
    page = render_template("directory/write.html", researcher=researcher, form=form, problem=problem,
                           wait_minutes=wait_minutes, message_max=MESSAGE_MAX)
    return make_response(page, code)


def _too_many_posts(minutes: int):
    """A post over the rate limit: the form again, as typed, with how long to wait."""
    researcher = _researcher_or_404(request.view_args["researcher_id"])
    return _render_form(researcher, ContactForm(), 429, wait_minutes=minutes)


@bp.route("/researchers/<int:researcher_id>/write", methods=["GET", "POST"])
@form_rate_limit(_too_many_posts)
def write(researcher_id: int):
    """'Write to this researcher': a short message, sent once the sender confirms their address."""
    researcher = _researcher_or_404(researcher_id)
    form = ContactForm()
    if not form.validate_on_submit():
        return _render_form(researcher, form)
    if not form.is_bot():
        try:
            contact_relay.submit_request(researcher, form.values())  # its e-mail leaves from the task queue
        except CapReached as cap:
            return _render_form(researcher, form, 429, problem=str(cap))
    session[SENT_TO_KEY] = form.sender_email.data
    return redirect(url_for("directory.message_waiting", researcher_id=researcher.id), code=303)


@bp.get("/researchers/<int:researcher_id>/write/check-your-email")
def message_waiting(researcher_id: int):
    """After the form: the message waits for the sender to confirm their address."""
    researcher = _researcher_or_404(researcher_id)
    return render_template("directory/write_sent.html", researcher=researcher, email=session.get(SENT_TO_KEY, ""))


@bp.get("/messages/confirm/<token>")
def confirm_message(token: str):
    """The sender's confirmation link: relays the message, once."""
    try:
        outcome = contact_relay.confirm_and_relay(token)
    except ContactLinkError as error:
        return render_template("directory/write_link.html", reason=error.reason, contact=error.request), 400
    return render_template("directory/write_relayed.html", outcome=outcome), 409 if outcome.refused else 200


@bp.route("/messages/stop/<token>", methods=["GET", "POST"])
def stop_messages(token: str):
    """The researcher's opt-out link: one button stops messages through the site."""
    try:
        researcher = contact_relay.researcher_from_opt_out_token(token)
    except ContactLinkError as error:
        return render_template("directory/stop_messages.html", reason=error.reason, form=None), 400
    form = FlaskForm()
    done = form.validate_on_submit()
    if done:
        contact_relay.stop_messages(researcher)
    return render_template("directory/stop_messages.html", reason="", form=form, done=done,
                           researcher=researcher)
