"""Researcher pages: registration, e-mailed links and the self-service profile (centres: researchers/centres.py)."""

from __future__ import annotations

import time
from functools import wraps

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user
from werkzeug.datastructures import MultiDict

from matcher.auth import RESEARCHER_EXPIRY_KEY, is_researcher, researcher_of_ended_session
from matcher.researchers import bp
from matcher.researchers.forms import (
    MAX_PUBLICATIONS,
    ChangeEmailForm,
    ConfirmForm,
    JoinCentreForm,
    ProfileForm,
    RegistrationForm,
    SignInRequestForm,
)
from matcher.security import expired_form_page, form_rate_limit
from matcher.services import centres, links, publication_import
from matcher.services import researchers as service
from matcher.task_queue import enqueue_safely
from matcher.tasks import send_sign_in_link

CHECK_EMAIL_ADDRESS_KEY = "check_email_address"  # shown back on the check-your-e-mail page, in this browser only


@bp.get("/")
def index():
    """What joining the directory means for a researcher."""
    return render_template("researchers/index.html")


# --- registration -----------------------------------------------------------------------------


def _registration_form() -> RegistrationForm:
    form = RegistrationForm()
    form.set_centre_choices(centres.all_centres())
    return form


def _registration_refused(minutes: int):
    """A registration over the rate limit: the form again, as typed, with how long to wait."""
    page = _render_profile_form("researchers/register.html", _registration_form(), wait_minutes=minutes)
    return current_app.make_response((page, 429))


def _registration_expired():
    """A registration whose form expired (its session was lost): the form again, as typed, to send once more."""
    page = _render_profile_form("researchers/register.html", _registration_form(), expired=True)
    return current_app.make_response((page, 400))


@bp.route("/register", methods=["GET", "POST"])
@expired_form_page(_registration_expired)
@form_rate_limit(_registration_refused)
def register():
    """The registration form; a valid one creates an unlisted profile and e-mails a link."""
    form = _registration_form()
    if form.validate_on_submit():
        if not form.is_bot():
            service.register(form.email.data, form.profile_values(), form.publication_values())
        session[CHECK_EMAIL_ADDRESS_KEY] = form.email.data
        return redirect(url_for("researchers.check_email", reason="register"))
    return _render_profile_form("researchers/register.html", form)


@bp.post("/register/add-publication")
def register_add_publication():
    """Without JavaScript: show the registration form again, as typed, with one more publication row."""
    form = _registration_form()
    return _render_with_new_row("researchers/register.html", form)


def _render_with_new_row(template: str, form: ProfileForm, **context):
    if not form.add_publication_row():
        form.publications.errors = [f"You can list up to {MAX_PUBLICATIONS} publications."]
    return _render_profile_form(template, form, focus_row=len(form.publications.entries) - 1, **context)


def _render_profile_form(template: str, form: ProfileForm, focus_row: int | None = None, **context):
    return render_template(template, form=form, max_publications=MAX_PUBLICATIONS, focus_row=focus_row,
                           max_import_bytes=publication_import.MAX_IMPORT_BYTES, **context)


@bp.get("/check-your-email/<any(register, manage):reason>")
def check_email(reason: str):
    """The same page whether or not the address was known: it reveals nothing."""
    purpose = "confirm" if reason == "register" else "sign-in"
    return render_template("researchers/check_email.html", reason=reason,
                           email=session.get(CHECK_EMAIL_ADDRESS_KEY, ""),
                           lifetime=links.lifetime_in_words(links.max_age(purpose)))


# --- e-mailed links ---------------------------------------------------------------------------


@bp.get("/confirm/<token>")
def confirm(token: str):
    """Follow the confirmation link: the profile is listed and the researcher signed in."""
    return _follow_link("confirm", token, "Thank you: your e-mail address is confirmed.")


@bp.get("/sign-in/<token>")
def sign_in(token: str):
    """Follow a sign-in link: a time-limited session on the researcher's own profile."""
    return _follow_link("sign-in", token, "You are signed in.")


def _follow_link(purpose: str, token: str, message: str):
    try:
        researcher = service.confirm_from_link(purpose, token)
    except links.LinkError as error:
        return render_template("researchers/bad_link.html", expired=error.expired, used=error.used,
                               purpose=purpose), 400
    _start_session(researcher)
    flash(message)
    if purpose == "sign-in" and service.has_draft(researcher):
        return redirect(url_for("researchers.edit"))  # where the changes typed before the session ended wait
    return redirect(url_for("researchers.profile"))


def _start_session(researcher) -> None:
    session.clear()
    login_user(researcher)
    session[RESEARCHER_EXPIRY_KEY] = int(time.time()) + current_app.config["RESEARCHER_SESSION_SECONDS"]


@bp.route("/manage", methods=["GET", "POST"])
@form_rate_limit()
def manage():
    """'Manage my profile': ask for a sign-in link by e-mail."""
    form = SignInRequestForm()
    if form.validate_on_submit():
        if not form.is_bot():
            # One job looks the address up and queues the link: known and unknown addresses answer alike.
            enqueue_safely(send_sign_in_link, form.email.data)
        session[CHECK_EMAIL_ADDRESS_KEY] = form.email.data
        return redirect(url_for("researchers.check_email", reason="manage"))
    return render_template("researchers/manage.html", form=form)


# --- the signed-in researcher's own profile --------------------------------------------------


def me():
    """The signed-in researcher (the model object, not Flask-Login's proxy)."""
    return current_user._get_current_object()


# The edit form's own buttons besides Save: after the session ended they keep what was typed, as Save does.
KEEPS_TYPED_FORM = {"researchers.edit_add_publication", "researchers.edit_remove_publication",
                    "researchers.edit_import_publications", "researchers.edit_import_orcid"}


def _ask_for_a_new_link():
    flash("Your session has ended or you are not signed in. "
          "Enter your e-mail address and we will send you a new sign-in link.", "warning")
    return redirect(url_for("researchers.manage"))


def researcher_required(view):
    """Only for a researcher signed in through an e-mailed link; others are asked for a new link."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not is_researcher():
            if request.method == "POST" and request.endpoint in KEEPS_TYPED_FORM:
                return _edit_after_session_ended()  # a row added, removed or imported: keep the form too
            return _ask_for_a_new_link()
        return view(*args, **kwargs)

    return wrapped


@bp.get("/profile")
@researcher_required
def profile():
    """The researcher's own page: status, what they can do, and their research centre."""
    return render_profile()


def render_profile(join_form: JoinCentreForm | None = None, status: int = 200):
    """The profile page, with the join-a-centre form as posted when it was refused."""
    if join_form is None:
        join_form = JoinCentreForm(formdata=None)
    join_form.set_centre_choices(centres.all_centres())
    page = render_template("researchers/profile.html", researcher=current_user, form=ConfirmForm(),
                           join_form=join_form, stale=service.is_stale(me()),
                           expires_at=session.get(RESEARCHER_EXPIRY_KEY))
    return page, status


def _edit_form(formdata=None) -> ProfileForm:
    form = ProfileForm() if formdata is None else ProfileForm(formdata=formdata)
    form.set_centre_choices(centres.all_centres())
    return form


# Posted fields that are buttons or files, not what a researcher typed.
NOT_TYPED = {"csrf_token", "submit", "import_publications", "import_orcid", "add_publication", "remove_publication"}


@bp.route("/profile/email", methods=["GET", "POST"])
@researcher_required
@form_rate_limit()
def change_email():
    """Ask for a new e-mail address; it replaces the old one once the link sent to it is followed."""
    form = ChangeEmailForm()
    if form.validate_on_submit():
        if form.email.data.lower() == me().email.lower():
            form.email.errors.append("This is already your address.")
        else:
            try:
                service.request_email_change(me(), form.email.data)
            except service.EmailTaken as taken:
                form.email.errors.append(str(taken))
            else:
                flash(f"We sent a confirmation link to {form.email.data}. Your profile keeps {me().email} until "
                      "you follow it.")
                return redirect(url_for("researchers.profile"))
    return render_template("researchers/change_email.html", form=form, researcher=current_user)


@bp.get("/confirm-email/<token>")
def confirm_new_email(token: str):
    """Follow the link sent to a new address: the profile takes it, and its owner is signed in."""
    try:
        researcher = service.confirm_email_change(token)
    except links.LinkError as error:
        return render_template("researchers/bad_link.html", expired=error.expired, used=error.used,
                               purpose="change-email"), 400
    except service.EmailTaken as taken:
        flash(str(taken), "warning")
        return redirect(url_for("researchers.manage"))
    _start_session(researcher)
    flash(f"Your e-mail address is now {researcher.email}.")
    return redirect(url_for("researchers.profile"))


def _edit_expired():
    """A save whose form expired: kept as after a session's end if signed out, else the form again as typed."""
    if not is_researcher():
        return _edit_after_session_ended()
    page = _render_profile_form("researchers/edit.html", _edit_form(), researcher=current_user, expired=True,
                                expires_at=session.get(RESEARCHER_EXPIRY_KEY))
    return current_app.make_response((page, 400))


@bp.route("/profile/edit", methods=["GET", "POST"])
@expired_form_page(_edit_expired)
def edit():
    """Edit the profile and its publications; a save after the session ended keeps what was typed."""
    if not is_researcher():
        return _edit_after_session_ended() if request.method == "POST" else _ask_for_a_new_link()
    form = _edit_form()
    if not form.is_submitted():
        draft = service.take_draft(me())
        if draft is None:
            form.load_profile(service.profile_values(me()))
        else:
            form = _edit_form(MultiDict([tuple(pair) for pair in draft]))
            flash("We brought back what you typed before your session ended. Check it, then press Save profile.")
    elif form.validate():
        service.update_profile(me(), form.profile_values(), form.publication_values())
        flash("Your profile is saved.")
        return redirect(url_for("researchers.profile"))
    return _render_profile_form("researchers/edit.html", form, researcher=current_user,
                                expires_at=session.get(RESEARCHER_EXPIRY_KEY))


def _edit_after_session_ended():
    """Keep the posted form for the researcher whose session ran out, and e-mail a link that brings it back."""
    researcher = researcher_of_ended_session()
    typed = [[name, value] for name, value in request.form.items(multi=True) if name not in NOT_TYPED]
    if researcher is not None:
        service.keep_draft(researcher, typed)
    return render_template("researchers/session_ended.html", kept=researcher is not None,
                           hours=service.DRAFT_HOURS, typed=typed), 401


@bp.post("/profile/edit/add-publication")
@researcher_required
def edit_add_publication():
    """Without JavaScript: the edit form again, as typed, with one more publication row."""
    return _render_with_new_row("researchers/edit.html", _edit_form(), researcher=current_user)


@bp.post("/profile/<any(hide, show):action>")
@researcher_required
def visibility(action: str):
    """Hide the profile (unlisted, never matched) or list it again."""
    if ConfirmForm().validate_on_submit():
        service.set_hidden(me(), action == "hide")
        flash("Your profile is hidden: it is not listed and will not be suggested to agencies."
              if action == "hide" else "Your profile is listed again.")
    return redirect(url_for("researchers.profile"))


@bp.route("/profile/delete", methods=["GET", "POST"])
@researcher_required
def delete():
    """Ask, then delete the profile and its publications for good."""
    form = ConfirmForm()
    if form.validate_on_submit():
        service.delete_profile(me())
        logout_user()
        session.clear()
        flash("Your profile and publications are deleted.")
        return redirect(url_for("researchers.index"))
    return render_template("researchers/delete.html", form=form, researcher=current_user)


@bp.post("/sign-out")
def sign_out():
    """End the researcher's session."""
    if ConfirmForm().validate_on_submit() and is_researcher():
        service.end_sessions_and_links(me())
        logout_user()
        session.clear()
        flash("You are signed out.")
    return redirect(url_for("researchers.index"))
