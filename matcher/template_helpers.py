"""Filters and globals available in every template."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Flask

from matcher import taxonomy
from matcher.auth import is_coordinator, is_researcher
from matcher.mail import hide_private_links
from matcher.security import minutes_in_words


def vocabulary_label(slug: str, vocabulary_name: str) -> str:
    """Label of a slug in a named vocabulary, e.g. {{ 'burglary'|label('TOPICS') }}."""
    return taxonomy.label(getattr(taxonomy, vocabulary_name), slug)


def vocabulary_labels(chosen: list[str], vocabulary_name: str) -> list[str]:
    """Labels of several slugs, in vocabulary order."""
    return taxonomy.labels(getattr(taxonomy, vocabulary_name), chosen)


def age(moment: datetime | None) -> str:
    """Human age of a timestamp: 'today', '1 day', '12 days'."""
    if moment is None:
        return ""
    from matcher.models.types import utcnow

    days = (utcnow() - moment).days
    if days <= 0:
        return "today"
    return "1 day" if days == 1 else f"{days} days"


def timestamp_iso(seconds: int, time_only: bool = False) -> str:
    """A Unix time as ISO 8601 in UTC ('2026-11-29T21:40:00Z'), or only its hours and minutes."""
    moment = datetime.fromtimestamp(int(seconds), UTC)
    return moment.strftime("%H:%M") if time_only else moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def init_app(app: Flask) -> None:
    """Register the helpers with Jinja."""
    app.add_template_filter(vocabulary_label, "label")
    app.add_template_filter(vocabulary_labels, "labels")
    app.add_template_filter(age, "age")
    app.add_template_filter(timestamp_iso, "timestamp_iso")
    app.add_template_filter(hide_private_links, "hide_private_links")
    app.add_template_filter(minutes_in_words, "minutes_in_words")
    app.add_template_global(taxonomy, "taxonomy")
    app.add_template_global(is_coordinator, "is_coordinator")
    app.add_template_global(is_researcher, "is_researcher")
