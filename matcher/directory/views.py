"""Directory pages: the list, a researcher's profile, a centre's page."""

from flask import abort, render_template, request
from sqlalchemy import select

from matcher.directory import bp
from matcher.extensions import db
from matcher.models import ResearchCentre, Researcher

PAGE_SIZE = 20


def listed_researchers():
    """Query of researchers visible to the public."""
    return select(Researcher).where(Researcher.confirmed_at.is_not(None), Researcher.hidden.is_(False))


@bp.get("/")
def index():
    """All listed researchers, a page at a time."""
    page = db.paginate(
        listed_researchers().order_by(Researcher.name, Researcher.id),
        page=request.args.get("page", 1, type=int), per_page=PAGE_SIZE, error_out=False,
    )
    return render_template("directory/index.html", page=page)


@bp.get("/researchers/<int:researcher_id>")
def researcher(researcher_id: int):
    """A researcher's public profile."""
    person = db.session.scalar(listed_researchers().where(Researcher.id == researcher_id))
    if person is None:
        abort(404)
    return render_template("directory/researcher.html", researcher=person)


@bp.get("/centres/<int:centre_id>")
def centre(centre_id: int):
    """A research centre and its listed members."""
    found = db.session.get(ResearchCentre, centre_id)
    if found is None:
        abort(404)
    members = [m for m in found.members if m.is_listed]
    return render_template("directory/centre.html", centre=found, members=members)
