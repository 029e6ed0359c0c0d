"""The team: accounts (list, invite, deactivate, reactivate), own password, forgotten passwords, the audit log."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user

from matcher.auth import coordinator_required
from matcher.coordinators import bp
from matcher.coordinators.forms import (
    AccountActionForm,
    AuditFilterForm,
    ChangePasswordForm,
    ForgotPasswordForm,
    InviteForm,
    SetPasswordForm,
)
from matcher.errors import render_error
from matcher.extensions import db
from matcher.forms import requested_page
from matcher.security import form_rate_limit
from matcher.services import audit_log, team
from matcher.services.accounts import AccountError
from matcher.services.links import LinkError, lifetime_in_words
from matcher.task_queue import enqueue_safely
from matcher.tasks import send_password_reset

AUDIT_PAGE_SIZE = 50
# Pages anyone may open: an ended session is explained there without sending the visitor away.
PUBLIC_ENDPOINTS = {"coordinators.sign_in", "coordinators.sign_out", "coordinators.unlock",
                    "coordinators.forgot_password", "coordinators.accept_invitation", "coordinators.reset_password"}


@bp.before_request
def explain_an_ended_session():
    """A coordinator whose session was ended elsewhere (deactivated, password changed, signed out in another
    window) lands on the sign-in page with a sentence saying why, rather than a bare request to sign in."""
    identity = session.get("_user_id") or ""
    if not identity.startswith("coordinator:") or current_user.is_authenticated:
        return None
    for key in ("_user_id", "_fresh", "_id"):
        session.pop(key, None)
    if request.endpoint == "coordinators.sign_out":
        return None
    flash(team.why_session_ended(identity), "error")
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    return redirect(url_for("coordinators.sign_in",
                            next=request.full_path.rstrip("?") if request.method == "GET" else None))


def _back_to_team():
    return redirect(url_for("coordinators.team"), code=303)


@bp.get("/team", endpoint="team")
@coordinator_required
def team_page():
    """Every coordinator account, with the invitation form."""
    return _render_team(InviteForm(formdata=None))


def _render_team(invite_form: InviteForm, status: int = 200):
    return render_template("coordinators/team.html", coordinators=team.list_coordinators(),
                           invite_form=invite_form, action_form=AccountActionForm(formdata=None)), status


@bp.post("/team/invite")
@coordinator_required
def invite():
    """Create an account for a colleague and e-mail them a link to choose their password."""
    form = InviteForm()
    if not form.validate_on_submit():
        return _render_team(form, 400)
    try:
        invited, message_id = team.invite(form.email.data, form.name.data, current_user._get_current_object())
    except AccountError as error:
        form.email.errors.append(str(error))
        return _render_team(form, 400)
    flash(f"{invited.name} is invited: we e-mailed {invited.email} a link to choose a password "
          f"(valid {lifetime_in_words(team.link_max_age('invite'))}).")
    return _back_to_team()


@bp.post("/team/<int:coordinator_id>/<any(deactivate, reactivate):change>")
@coordinator_required
def set_active(coordinator_id: int, change: str):
    """Deactivate a coordinator (their sessions end at once) or let them sign in again."""
    if not AccountActionForm().validate_on_submit():
        abort(400)
    try:
        changed = team.set_active(coordinator_id, change == "reactivate", current_user._get_current_object())
    except AccountError as error:
        flash(str(error), "error")
        return _back_to_team()
    name = changed.display_name
    if change == "reactivate":
        flash(f"{name} can sign in again.")
    elif changed.id == current_user.id:
        return redirect(url_for("coordinators.sign_in"), code=303)  # the session just ended; the hook says why
    else:
        flash(f"{name} is deactivated and signed out everywhere.")
    return _back_to_team()


@bp.route("/password", methods=["GET", "POST"])
@coordinator_required
def change_password():
    """The signed-in coordinator changes their own password; their other sessions end."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        me = current_user._get_current_object()
        try:
            team.change_own_password(me, form.current_password.data, form.new_password.data)
        except AccountError as error:
            field = form.current_password if isinstance(error, team.WrongPasswordError) else form.new_password
            field.errors.append(str(error))
        else:
            login_user(me)  # this session goes on under the new session identity; every other one has ended
            flash("Your password is changed. Any other session of yours has ended.")
            return _back_to_team()
    return render_template("coordinators/change_password.html", form=form), 400 if form.errors else 200


@bp.route("/forgot-password", methods=["GET", "POST"])
@form_rate_limit()
def forgot_password():
    """Ask for a reset link; the answer is the same whatever the address, so it reveals no account."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        # One job looks the address up and queues the link: known and unknown addresses answer alike.
        enqueue_safely(send_password_reset, form.email.data)
        flash(f"If {form.email.data.strip()} belongs to an active coordinator account, we have e-mailed it a "
              f"link to choose a new password (valid {lifetime_in_words(team.link_max_age('reset'))}).")
        return redirect(url_for("coordinators.sign_in"), code=303)
    return render_template("coordinators/forgot_password.html", form=form)


@bp.route("/invitation/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    """The invitation link: the new coordinator chooses a password and is signed in."""
    return _set_password("invite", token)


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    """The reset link: a new password; every session of the account ends and this one starts."""
    return _set_password("reset", token)


def _set_password(purpose: str, token: str):
    try:
        coordinator = team.coordinator_for_link(purpose, token)
    except LinkError as error:
        return _link_refused(purpose, error)
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            coordinator = team.set_password_from_link(purpose, token, form.new_password.data)
        except LinkError as error:
            return _link_refused(purpose, error)
        except AccountError as error:
            form.new_password.errors.append(str(error))
        else:
            session.clear()
            session.permanent = True
            login_user(coordinator)
            flash("Your password is set and you are signed in." if purpose == "invite"
                  else "Your password is changed and you are signed in; any other session of yours has ended.")
            return redirect(url_for("coordinators.index"), code=303)
    return render_template("coordinators/set_password.html", form=form, coordinator=coordinator,
                           purpose=purpose), 400 if form.errors else 200


def _link_refused(purpose: str, error: LinkError):
    what = "invitation" if purpose == "invite" else "password-reset link"
    if error.expired:
        reason = f"This {what} has expired."
    elif error.used:
        reason = f"This {what} has already been used, or a newer one was sent."
    else:
        reason = f"This {what} does not work."
    return render_error(400, f"{reason} Use “Forgot your password?” on the sign-in page for a new link, or ask "
                             "another coordinator.")


@bp.get("/audit")
@coordinator_required
def audit():
    """The audit log, newest first: filter by person, record and dates."""
    form = AuditFilterForm(request.args)
    form.person.choices = [("", "Anyone"), *audit_log.person_choices()]
    form.record_type.choices = [("", "Any record"), *((t, t.replace("_", " ")) for t in audit_log.record_types())]
    form.validate()
    wanted = audit_log.AuditFilter(
        person=form.person.data or "", record_type=form.record_type.data or "",
        record_id=None if form.record_id.errors else form.record_id.data,
        date_from=None if form.date_from.errors else form.date_from.data,
        date_to=None if form.date_to.errors else form.date_to.data,
    )
    page = db.paginate(audit_log.events_query(wanted), page=requested_page(), per_page=AUDIT_PAGE_SIZE,
                       error_out=False)
    return render_template("coordinators/audit.html", form=form, page=page, names=audit_log.actor_names(page.items))


