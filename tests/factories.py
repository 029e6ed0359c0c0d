"""Small factories for test records with sensible defaults."""

from __future__ import annotations

from itertools import count

from matcher.models import Problem, Researcher
from matcher.models.types import utcnow

_sequence = count(1)


def make_researcher(**fields) -> Researcher:
    """An unsaved, confirmed researcher in Cambridge, MA."""
    n = next(_sequence)
    values = dict(
        name=f"Test Researcher {n}", email=f"researcher{n}@example.edu", position="Professor",
        institution="Example University", department="Criminology", city="Cambridge", state="MA",
        zip="02139", latitude=42.36, longitude=-71.10, statement="Burglary and repeat victimization.",
        topics=["burglary"], methods=["rct"], help_offered=["evaluation"], terms=["free"],
        capacity=2, confirmed_at=utcnow(),
    )
    values.update(fields)
    return Researcher(**values)


def make_problem(**fields) -> Problem:
    """An unsaved problem statement from a police department in Boston."""
    n = next(_sequence)
    values = dict(
        agency_name=f"Test Police Department {n}", agency_type="municipal-police",
        contact_name="Pat Chief", email=f"agency{n}@example.gov", city="Boston", state="MA",
        zip="02108", latitude=42.357, longitude=-71.064, title="Break-ins on the east side",
        description="Residential break-ins have doubled since spring.", topics=["burglary"],
        help_wanted=["evaluation"],
    )
    values.update(fields)
    return Problem(**values)
