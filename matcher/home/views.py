"""Home page: what the service does, for each audience."""

from flask import current_app, render_template, send_from_directory

from matcher.home import bp
from matcher.services import directory


@bp.get("/")
def index():
    """The landing page with a few directory figures."""
    return render_template("home/index.html", figures=directory.figures(), featured=directory.recently_updated(6))


@bp.get("/favicon.ico")
def favicon():
    """Browsers ask for /favicon.ico whatever the page says: answer with the SVG icon."""
    return send_from_directory(current_app.static_folder, "favicon.svg", mimetype="image/svg+xml")
