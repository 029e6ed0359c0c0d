"""Researcher pages."""

from flask import render_template

from matcher.researchers import bp


@bp.get("/")
def index():
    """What joining the consortium means for a researcher."""
    return render_template("researchers/index.html")
