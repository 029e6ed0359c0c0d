"""Coordinator pages."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import login_user, logout_user

from matcher.auth import coordinator_required
from matcher.coordinators import bp
from matcher.coordinators.forms import SignInForm
from matcher.services import accounts


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    """Coordinator sign-in with e-mail and password."""
    form = SignInForm()
    if form.validate_on_submit():
        coordinator = accounts.authenticate(form.email.data, form.password.data)
        if coordinator is not None:
            login_user(coordinator)
            return redirect(safe_next(request.args.get("next")) or url_for("coordinators.index"))
        form.password.errors.append("That e-mail and password do not match an active coordinator account.")
    return render_template("coordinators/sign_in.html", form=form)


@bp.post("/sign-out")
def sign_out():
    """End the coordinator's session."""
    logout_user()
    flash("You are signed out.")
    return redirect(url_for("home.index"))


@bp.get("/")
@coordinator_required
def index():
    """The coordinator's start page."""
    return render_template("coordinators/index.html")


def safe_next(target: str | None) -> str | None:
    """Only follow `next` to a path on this site."""
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return None
