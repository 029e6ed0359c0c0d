"""Researchers: registration, confirmation and self-service profiles."""

from flask import Blueprint

bp = Blueprint("researchers", __name__)

from matcher.researchers import centres, publications, views  # noqa: E402,F401
