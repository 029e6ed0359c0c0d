"""ZIP codes to places, from the offline `zipcodes` table."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import zipcodes

ZIP_PATTERN = re.compile(r"^[0-9]{5}$")  # ASCII digits only: "６２７０１" is no ZIP code


@dataclass(frozen=True)
class ZipPlace:
    """Where a ZIP code is."""

    zip: str
    city: str
    state: str
    latitude: float
    longitude: float


@lru_cache(maxsize=4096)
def lookup_zip(code: str) -> ZipPlace | None:
    """Return the place of a 5-digit U.S. ZIP code, or None when it does not exist."""
    code = (code or "").strip()
    if not ZIP_PATTERN.match(code):
        return None
    try:
        rows = zipcodes.matching(code)
    except (TypeError, ValueError):
        return None
    except BaseException as error:  # the table's Rust parser panics (not an Exception) on input it dislikes
        if isinstance(error, KeyboardInterrupt | SystemExit):
            raise
        return None
    if not rows:
        return None
    row = rows[0]
    return ZipPlace(
        zip=code,
        city=row["city"].title(),
        state=row["state"],
        latitude=float(row["lat"]),
        longitude=float(row["long"]),
    )


def zip_point(code: str) -> tuple[float, float] | None:
    """(latitude, longitude) of a ZIP code, or None: the geocoder the ranking's seed loader takes."""
    place = lookup_zip(code)
    return None if place is None else (place.latitude, place.longitude)


def zip_problem(code: str, state: str) -> str | None:
    """A message for the user when a ZIP is malformed, unknown or in another state; else None."""
    code = (code or "").strip()
    if not ZIP_PATTERN.match(code):
        return "Please enter a 5-digit U.S. ZIP code."
    place = lookup_zip(code)
    if place is None:
        return "We could not find this ZIP code. Please check it."
    if state and place.state != state:
        return f"ZIP code {code} is in {place.state}, not {state}. Please check the ZIP code or the state."
    return None
