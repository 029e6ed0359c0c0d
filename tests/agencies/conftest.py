"""Helpers for the agency tests: valid form data, a stand-in for the matching service."""

from __future__ import annotations

import pytest

from matcher.services import matching as matching_service


def valid_form(**changes) -> dict:
    """Form data a careful agency would send (a police department in Boston, MA)."""
    data = {
        "agency_name": "Harborview Police Department",
        "agency_type": "municipal-police",
        "city": "Boston",
        "state": "MA",
        "zip": "02108",
        "contact_name": "Dana Whitfield",
        "contact_role": "Crime analyst",
        "email": "dana.whitfield@harborview.example.gov",
        "phone": "(617) 555-0142",
        "title": "Car break-ins around the downtown garages",
        "description": (
            "Thefts from vehicles in three downtown parking garages have doubled since last spring. "
            "We added patrols in the evenings without a clear effect. We keep RMS incidents and CAD "
            "calls for service, and want to learn which places and times matter most."
        ),
        "topics": ["vehicle-crime", "hot-spots"],
        "help_wanted": ["advice", "evaluation"],
        "data_available": ["incidents-rms", "cad"],
        "data_other": "",
        "evaluation_design": "quasi-experimental",
        "timeline": "This fall",
        "funding": "none",
        "funding_deadline": "",
        "max_distance_miles": "100",
        "avoid": "",
        "website": "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


class MatchingCalls:
    """Records the problems the matching service was asked about."""

    def __init__(self) -> None:
        self.problem_ids: list[int] = []
        self.error: Exception | None = None

    def __call__(self, problem):
        self.problem_ids.append(problem.id)
        if self.error is not None:
            raise self.error
        return []


def install_matching(monkeypatch, func) -> None:
    """Replace the matching service's refresh_suggestions."""
    monkeypatch.setattr(matching_service, "refresh_suggestions", func)


@pytest.fixture
def matching(monkeypatch) -> MatchingCalls:
    """A stand-in matching service that records its calls (set .error to make it fail)."""
    calls = MatchingCalls()
    install_matching(monkeypatch, calls)
    return calls
