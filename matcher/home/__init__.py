"""The home page."""

from flask import Blueprint

bp = Blueprint("home", __name__)

from matcher.home import views  # noqa: E402,F401
