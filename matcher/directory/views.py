"""Directory pages: search, a researcher's profile, the centres and a centre's page."""

from __future__ import annotations

from flask import abort, render_template, request, url_for

from matcher.directory import bp
from matcher.directory.forms import SearchForm
from matcher.extensions import db
from matcher.forms import requested_page
from matcher.models import ResearchCentre, Researcher
from matcher.services import directory
from matcher.services.researchers import is_stale

PAGE_SIZE = 20


@bp.get("/")
def index():
    """Listed researchers matching the search and filters, best first, a page at a time."""
    form = SearchForm(request.args)
    form.validate()
    filters, problems = form.filters(), form.problems()
    page = None if problems else directory.search(filters, page=requested_page(), per_page=PAGE_SIZE)
    return render_template("directory/index.html", page=page, form=form, filters=filters, problems=problems,
                           is_stale=is_stale)


@bp.get("/researchers/<int:researcher_id>")
def researcher(researcher_id: int):
    """A researcher's public profile (no e-mail address)."""
    person = db.session.scalar(directory.listed_researchers().where(Researcher.id == researcher_id))
    if person is None:
        abort(404)
    return render_template("directory/researcher.html", researcher=person, stale=is_stale(person),
                           request_url=partnership_request_url(person.id),
                           similar=directory.similar_researchers(person.id))


def partnership_request_url(researcher_id: int) -> str:
    """The agency form with this researcher named as preferred."""
    return url_for("agencies.submit", researcher=researcher_id)


@bp.get("/centres")
def centres():
    """Every research centre."""
    page = db.paginate(directory.all_centres(), page=requested_page(),
                       per_page=PAGE_SIZE, error_out=False)
    return render_template("directory/centres.html", page=page)


@bp.get("/centres/<int:centre_id>")
def centre(centre_id: int):
    """A research centre and its listed members."""
    found = db.session.get(ResearchCentre, centre_id)
    if found is None:
        abort(404)
    return render_template("directory/centre.html", centre=found, members=directory.listed_members(found))
