"""The public directory of researchers and research centres."""

from flask import Blueprint

bp = Blueprint("directory", __name__)

from matcher.directory import contact, views  # noqa: E402,F401
