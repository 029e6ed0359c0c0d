"""Coordinators: sign-in, review queue, introductions, partnerships, reports."""

from flask import Blueprint

bp = Blueprint("coordinators", __name__)

from matcher.coordinators import views  # noqa: E402,F401
