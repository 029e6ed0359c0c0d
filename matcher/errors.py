"""Error pages in the site's look."""

from __future__ import annotations

from flask import Flask, Response, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException, SecurityError

from matcher.extensions import db
from matcher.security import posted_from_this_site

MESSAGES = {
    400: ("Bad request", "The request could not be understood."),
    403: ("Not allowed", "You do not have access to this page."),
    404: (
        "Page not found",
        "There is no page at this address. Check the link, or start again from the home page.",
    ),
    405: ("Not allowed", "That action is not available on this page."),
    413: (
        "Too much data",
        "What you sent is larger than we accept. Shorten the text or send fewer items, then try again.",
    ),
    429: ("Too many requests", "You have sent this form too often. Please wait a while and try again."),
    500: (
        "Something went wrong",
        "We could not finish your request. Nothing you had already saved was lost; "
        "please try again in a few minutes.",
    ),
    503: (
        "Service unavailable",
        "The service is briefly unavailable. Nothing you had already saved was lost; "
        "please try again in a few minutes.",
    ),
}


def render_error(code: int, detail: str | None = None):
    """Render the error page for an HTTP status code."""
    title, message = MESSAGES.get(code, MESSAGES[500])
    return render_template("errors/error.html", code=code, title=title, message=detail or message), code


def register_error_pages(app: Flask) -> None:
    """Route HTTP errors, CSRF failures and unexpected exceptions to friendly pages."""

    @app.errorhandler(CSRFError)
    def csrf_failed(error: CSRFError):
        form_again = getattr(app.view_functions.get(request.endpoint), "expired_form_page", None)
        if form_again is not None and posted_from_this_site():
            return form_again()
        return render_error(
            400,
            "This form has expired or was sent from another page, so nothing was saved. "
            "Go back with your browser's Back button, where what you typed is still in the form, and send it again.",
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if isinstance(error, SecurityError):  # a Host outside TRUSTED_HOSTS: no page can link anywhere
            return Response("Unknown host name.\n", status=400, mimetype="text/plain")
        if error.response is not None:  # a page made for this error (a refused form shown again)
            return error.response
        if error.code in MESSAGES:
            return render_error(error.code)
        return error

    @app.errorhandler(OperationalError)
    def database_unavailable(error: OperationalError):
        db.session.rollback()
        app.logger.error("Database unavailable during %s %s: %s", request.method, request.path, error)
        return render_error(503)

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        if isinstance(error, HTTPException):
            return http_error(error)
        db.session.rollback()
        app.logger.exception("Unhandled error during %s %s", request.method, request.path)
        return render_error(500)
