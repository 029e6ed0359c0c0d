"""Agency pages: the landing page, the problem statement form and the private status page."""

from __future__ import annotations

from flask import abort, flash, make_response, redirect, render_template, request, session, url_for

from matcher.agencies import bp
from matcher.agencies.forms import AddInformationForm, ProblemForm, StatusLinksForm, WithdrawForm
from matcher.security import expired_form_page, form_rate_limit
from matcher.services import agency_requests, problem_review
from matcher.task_queue import enqueue_safely
from matcher.tasks import send_status_links


@bp.get("/")
def index():
    """How an agency gets matched with a researcher."""
    return render_template("agencies/index.html")


def _submission_refused(minutes: int):
    """A post over the rate limit: the form again, as typed, with how long to wait."""
    form = ProblemForm()
    researcher = agency_requests.preferred_researcher(form.preferred_researcher.data)
    page = render_template("agencies/submit.html", form=form, researcher=researcher, wait_minutes=minutes)
    return make_response(page, 429)


def _submission_expired():
    """A post whose form expired (its session was lost): the form again, as typed, to send once more."""
    form = ProblemForm()
    researcher = agency_requests.preferred_researcher(form.preferred_researcher.data)
    page = render_template("agencies/submit.html", form=form, researcher=researcher, expired=True)
    return make_response(page, 400)


@bp.route("/submit", methods=["GET", "POST"])
@expired_form_page(_submission_expired)
@form_rate_limit(_submission_refused)
def submit():
    """The problem statement form; `?researcher=ID` pre-fills a preferred researcher."""
    form = ProblemForm()
    if request.method == "GET":
        researcher = agency_requests.preferred_researcher(request.args.get("researcher"))
        form.preferred_researcher.data = str(researcher.id) if researcher else ""
        form.submission_key.data = agency_requests.new_submission_key()
    else:
        researcher = agency_requests.preferred_researcher(form.preferred_researcher.data)
        if form.is_bot():
            return _thank_you(form.email.data, None)
        if form.validate():
            problem, created = agency_requests.submit_problem(form.problem_values(), form.submission_key.data)
            if not created and session.get("submitted_problem") == problem.id:  # this browser sent it: Back, Send
                flash("You had already sent this statement, so it was not stored again. This is its status page.")
                return redirect(url_for("agencies.status", token=problem.status_token), code=303)
            if not created:  # the same form replayed from elsewhere: stored once, and its status link stays private
                return _thank_you(form.email.data, None)
            return _thank_you(form.email.data, problem.id)
        if not form.submission_key.data:
            form.submission_key.data = agency_requests.new_submission_key()
    return render_template("agencies/submit.html", form=form, researcher=researcher)


def _thank_you(email: str | None, problem_id: int | None):
    """Send the browser to the confirmation page."""
    session["submitted_email"] = (email or "").strip()[:254]
    session["submitted_problem"] = problem_id
    return redirect(url_for("agencies.submitted"), code=303)


@bp.get("/submitted")
def submitted():
    """Confirmation after a statement was sent: its reference number and a copy of what was sent."""
    problem = problem_review.get_problem(session.get("submitted_problem"))
    return render_template("agencies/submitted.html", email=session.get("submitted_email", ""), problem=problem)


@bp.route("/status-links", methods=["GET", "POST"])
@form_rate_limit()
def status_links():
    """'Send me my status links again', by e-mail to the address the statements came from."""
    form = StatusLinksForm()
    if form.validate_on_submit():
        if not form.is_bot():
            # One job looks the address up and queues the e-mail: known and unknown addresses answer alike.
            enqueue_safely(send_status_links, form.email.data)
        flash(f"If statements were sent from {form.email.data}, we have e-mailed their status links to it. "
              "Nothing arrived after a few minutes? Check your spam folder and the spelling of the address.")
        return redirect(url_for("agencies.status_links"), code=303)
    return render_template("agencies/status_links.html", form=form)


@bp.get("/status/<token>")
def status(token: str):
    """The agency's private status page."""
    problem = _problem_or_404(token)
    return _render_status(problem, AddInformationForm(prefix="info"), WithdrawForm(prefix="withdraw"))


def _information_refused(minutes: int):
    """Information posted over the rate limit: the status page again, with the text as typed and the wait."""
    problem = _problem_or_404(request.view_args["token"])
    page = _render_status(problem, AddInformationForm(prefix="info"), WithdrawForm(prefix="withdraw"),
                          wait_minutes=minutes)
    return make_response(page, 429)


def _information_expired():
    """Information posted from a page whose form expired: the status page again, with the text as typed."""
    problem = _problem_or_404(request.view_args["token"])
    page = _render_status(problem, AddInformationForm(prefix="info"), WithdrawForm(prefix="withdraw"), expired=True)
    return make_response(page, 400)


@bp.post("/status/<token>/information")
@expired_form_page(_information_expired)
@form_rate_limit(_information_refused)
def add_information(token: str):
    """Append information or an answer to the statement."""
    problem = _problem_or_404(token)
    form = AddInformationForm(prefix="info")
    if agency_requests.is_finished(problem):
        flash("This statement is no longer open, so nothing was added.", "warning")
        return redirect(url_for("agencies.status", token=token), code=303)
    if form.validate():
        agency_requests.add_information(problem, form.body.data)
        flash("Thank you. Your information was added to the statement and the coordinators were told.")
        return redirect(url_for("agencies.status", token=token, _anchor="updates"), code=303)
    return _render_status(problem, form, WithdrawForm(prefix="withdraw"))


@bp.post("/status/<token>/withdraw")
@form_rate_limit()
def withdraw(token: str):
    """Withdraw the statement."""
    problem = _problem_or_404(token)
    form = WithdrawForm(prefix="withdraw")
    if agency_requests.is_finished(problem):
        flash("This statement is no longer open.", "warning")
        return redirect(url_for("agencies.status", token=token), code=303)
    if form.validate():
        agency_requests.withdraw(problem, form.reason.data or "")
        flash("Your problem statement was withdrawn. Thank you for letting us know.")
        return redirect(url_for("agencies.status", token=token), code=303)
    return _render_status(problem, AddInformationForm(prefix="info"), form)


def _problem_or_404(token: str):
    """The problem for a status token; a plain 404 for anything unknown."""
    problem = agency_requests.find_by_token(token)
    if problem is None:
        abort(404)
    return problem


def _render_status(problem, info_form, withdraw_form, wait_minutes: int | None = None, expired: bool = False):
    partnerships = agency_requests.introductions(problem)
    return render_template(
        "agencies/status.html", problem=problem, partnerships=partnerships,
        steps=agency_requests.progress(problem, partnerships), updates=agency_requests.agency_updates(problem),
        question=agency_requests.open_question(problem), finished=agency_requests.is_finished(problem),
        status_label=agency_requests.status_for_agency(problem), wait_minutes=wait_minutes, expired=expired,
        info_form=info_form, withdraw_form=withdraw_form,
    )
