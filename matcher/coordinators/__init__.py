"""Coordinators: sign-in, review queue, introductions, partnerships, assignment, reports, outbox, team, audit."""

from flask import Blueprint

from matcher.coordinators.highlight import highlight

bp = Blueprint("coordinators", __name__)
bp.add_app_template_filter(highlight, "highlight_terms")

from matcher.coordinators import (  # noqa: E402,F401
    assignment,
    centres,
    contacts,
    outbox,
    partnerships,
    problem_page,
    problem_search,
    queue,
    reports,
    team,
    views,
)
