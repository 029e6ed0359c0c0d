"""The programme's time zone: stored times are naive UTC; pages, e-mails and "today" use the TIMEZONE setting."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from flask import current_app

from matcher.config import load_zone


def zone() -> ZoneInfo:
    """The programme's time zone."""
    return load_zone(current_app.config["TIMEZONE"])


def to_local(moment: datetime) -> datetime:
    """A stored UTC time (naive or aware) in the programme's zone."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(zone())


def local_today(now: datetime | None = None) -> date:
    """Today's date in the programme's zone (the day deadlines and date fields are judged by)."""
    return to_local(now or datetime.now(UTC)).date()


def local_noon_utc(day: date) -> datetime:
    """Noon of a day in the programme's zone, as the naive UTC time the database stores."""
    return datetime.combine(day, time(12, 0), tzinfo=zone()).astimezone(UTC).replace(tzinfo=None)


def local_day_utc(day: date) -> tuple[datetime, datetime]:
    """The first and last instant of a day in the programme's zone, as naive UTC (clamped at the calendar's ends)."""
    bounds = []
    for moment in (time.min, time.max):
        try:
            bounds.append(datetime.combine(day, moment, tzinfo=zone()).astimezone(UTC).replace(tzinfo=None))
        except OverflowError:  # 1 January 1 or 31 December 9999 reaching past the calendar
            bounds.append(datetime.min if moment == time.min else datetime.max)
    return bounds[0], bounds[1]
