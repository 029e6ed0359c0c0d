"""Coordinator sign-in, sign-out and the workspace's start page."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from matcher.auth import coordinator_required, is_coordinator
from matcher.coordinators import bp
from matcher.coordinators.forms import SignInForm
from matcher.errors import render_error
from matcher.services import accounts, outbox_admin, problem_queue, reports, team


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    """Coordinator sign-in with e-mail and password; repeated failures are slowed down."""
    form = SignInForm()
    if form.validate_on_submit():
        client = request.remote_addr or ""
        blocked = accounts.sign_in_blocked(form.email.data, client)
        if blocked:
            form.password.errors.append(blocked)
            return render_template("coordinators/sign_in.html", form=form), 429
        coordinator = accounts.authenticate(form.email.data, form.password.data)
        if coordinator is not None:
            accounts.clear_failed_sign_ins(form.email.data, client)
            team.record_sign_in(coordinator, client)
            session.clear()
            session.permanent = True
            login_user(coordinator)
            return redirect(safe_next(request.args.get("next")) or url_for("coordinators.index"))
        attempts_left, _ = accounts.record_failed_sign_in(form.email.data, client)
        team.record_failed_sign_in(form.email.data, client)
        form.password.errors.append(
            f"That e-mail and password do not match an active coordinator account. {attempts_left}")
    return render_template("coordinators/sign_in.html", form=form)


@bp.get("/unlock/<token>")
def unlock(token: str):
    """Follow the e-mailed unlock link: sign-in to the account works again (with the right password)."""
    if accounts.unlock(token) is None:
        return render_error(400, "This unlock link has expired or does not work. If sign-in is still locked, "
                                 "wait an hour or ask another coordinator to reset it.")
    flash("Sign-in to your account is unlocked. If you did not cause the failed attempts, choose a new password.")
    return redirect(url_for("coordinators.sign_in"))


@bp.post("/sign-out")
def sign_out():
    """End the coordinator's sessions: this one and any copy of its cookie."""
    if is_coordinator():
        team.record_sign_out(current_user._get_current_object())  # committed with the ended sessions
        accounts.end_sessions(current_user._get_current_object())
    logout_user()
    session.clear()
    flash("You are signed out.")
    return redirect(url_for("home.index"))


@bp.get("/")
@coordinator_required
def index():
    """The coordinator's start page: what waits, and where to go."""
    return render_template(
        "coordinators/index.html", counts=problem_queue.status_counts(), figures=reports.dashboard(),
        outbox=outbox_admin.outbox_counts(),
    )


def safe_next(target: str | None) -> str | None:
    """Only follow `next` to a path on this site: no scheme, no host, no control characters or spaces.

    Browsers drop tabs and line breaks from a URL, so "/<tab>/evil.example" would become "//evil.example",
    and a line break in a Location header is refused by the server (a 500): any such target is ignored.
    """
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if not target.isprintable() or " " in target or "\\" in target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target
