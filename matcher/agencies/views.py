"""Agency pages."""

from flask import render_template

from matcher.agencies import bp


@bp.get("/")
def index():
    """How an agency gets matched with a researcher."""
    return render_template("agencies/index.html")
