"""Agencies: problem statements and their private status pages."""

from flask import Blueprint

bp = Blueprint("agencies", __name__)

from matcher.agencies import views  # noqa: E402,F401
