"""Filters and globals available in every template."""

from __future__ import annotations

from datetime import UTC, date, datetime

from flask import Flask

from matcher import taxonomy
from matcher.auth import is_coordinator, is_researcher
from matcher.local_time import local_today, to_local
from matcher.mail import hide_private_links
from matcher.security import minutes_in_words
from matcher.services import ownership


def vocabulary_label(slug: str, vocabulary_name: str) -> str:
    """Label of a slug in a named vocabulary, e.g. {{ 'burglary'|label('TOPICS') }}."""
    return taxonomy.label(getattr(taxonomy, vocabulary_name), slug)


def vocabulary_labels(chosen: list[str], vocabulary_name: str) -> list[str]:
    """Labels of several slugs, in vocabulary order."""
    return taxonomy.labels(getattr(taxonomy, vocabulary_name), chosen)


def age(moment: datetime | None) -> str:
    """Human age of a timestamp in calendar days of the programme's zone: 'today', '1 day', '12 days'."""
    if moment is None:
        return ""
    days = (local_today() - to_local(moment).date()).days
    if days <= 0:
        return "today"
    return "1 day" if days == 1 else f"{days} days"


def local(moment: datetime | date | None, fmt: str = "%d %b %Y %H:%M %Z") -> str:
    """A stored UTC time shown in the programme's zone ('29 Nov 2026 18:40 EST'); a plain date as it is."""
    if moment is None:
        return ""
    if isinstance(moment, datetime):
        moment = to_local(moment)
    return moment.strftime(fmt)


def local_iso(moment: datetime | None) -> str:
    """A stored UTC time as ISO 8601 with the zone's offset, for <time datetime>."""
    return to_local(moment).isoformat(timespec="seconds") if moment else ""


def timestamp_iso(seconds: int, time_only: bool = False) -> str:
    """A Unix time as ISO 8601 with the programme's offset, or only its hours, minutes and zone ('18:40 EST')."""
    moment = to_local(datetime.fromtimestamp(int(seconds), UTC))
    return moment.strftime("%H:%M %Z") if time_only else moment.isoformat(timespec="seconds")


def init_app(app: Flask) -> None:
    """Register the helpers with Jinja."""
    app.add_template_filter(vocabulary_label, "label")
    app.add_template_filter(vocabulary_labels, "labels")
    app.add_template_filter(age, "age")
    app.add_template_filter(local, "local")
    app.add_template_filter(local_iso, "local_iso")
    app.add_template_filter(timestamp_iso, "timestamp_iso")
    app.add_template_filter(hide_private_links, "hide_private_links")
    app.add_template_filter(minutes_in_words, "minutes_in_words")
    app.add_template_global(taxonomy, "taxonomy")
    app.add_template_global(is_coordinator, "is_coordinator")
    app.add_template_global(is_researcher, "is_researcher")
    app.add_template_global(ownership.coordinator_name, "coordinator_name")
    app.add_template_global(ownership.active_coordinators, "active_coordinators")
