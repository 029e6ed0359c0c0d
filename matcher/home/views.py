"""Home page: what the service does, for each audience."""

from flask import current_app, render_template, send_from_directory
from sqlalchemy import func, select

from matcher.extensions import db
from matcher.home import bp
from matcher.models import ResearchCentre, Researcher


@bp.get("/")
def index():
    """The landing page with a few directory figures."""
    listed = (Researcher.confirmed_at.is_not(None)) & (Researcher.hidden.is_(False))
    figures = {
        "researchers": db.session.scalar(select(func.count()).where(listed)),
        "centres": db.session.scalar(select(func.count(ResearchCentre.id))),
        "states": db.session.scalar(select(func.count(func.distinct(Researcher.state))).where(listed)),
        "universities": db.session.scalar(
            select(func.count(func.distinct(Researcher.institution))).where(listed)
        ),
    }
    featured = db.session.scalars(
        select(Researcher).where(listed).order_by(Researcher.updated_at.desc(), Researcher.id).limit(6)
    ).all()
    return render_template("home/index.html", figures=figures, featured=featured)


@bp.get("/favicon.ico")
def favicon():
    """Browsers ask for /favicon.ico whatever the page says: answer with the SVG icon."""
    return send_from_directory(current_app.static_folder, "favicon.svg", mimetype="image/svg+xml")
