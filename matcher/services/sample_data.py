"""Loading the sample data in seed/ (idempotent, all or nothing)."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select

from matcher.extensions import db
from matcher.models import Problem, Publication, ResearchCentre, Researcher
from matcher.models.types import utcnow
from matcher.services.centres import enrol_members
from matcher.services.geo import lookup_zip
from matcher.services.transactions import unit_of_work


@dataclass
class SeedReport:
    """How many records of each kind were created and how many already existed."""

    created: dict[str, int] = field(default_factory=lambda: {"centres": 0, "researchers": 0, "problems": 0})
    existing: dict[str, int] = field(default_factory=lambda: {"centres": 0, "researchers": 0, "problems": 0})


def read_seed_file(seed_dir: str, name: str) -> list[dict]:
    """Read one JSON list from the seed folder."""
    with open(os.path.join(seed_dir, name), encoding="utf-8") as handle:
        return json.load(handle)


def load_sample_data(seed_dir: str) -> SeedReport:
    """Create every sample record not yet present, in one transaction."""
    report = SeedReport()
    with unit_of_work():
        centres = _load_centres(read_seed_file(seed_dir, "centres.json"), report)
        _load_researchers(read_seed_file(seed_dir, "researchers.json"), centres, report)
        db.session.flush()
        for centre in centres.values():
            if not centre.memberships:  # a centre loaded now (one seeded before keeps its members' roles)
                enrol_members(centre)
        _load_problems(read_seed_file(seed_dir, "problems.json"), report)
    return report


def _existing_keys(model) -> dict[str, object]:
    rows = db.session.scalars(select(model).where(model.sample_key.is_not(None)))
    return {row.sample_key: row for row in rows}


def _load_centres(rows: list[dict], report: SeedReport) -> dict[str, ResearchCentre]:
    known = _existing_keys(ResearchCentre)
    for row in rows:
        if row["key"] in known:
            report.existing["centres"] += 1
            continue
        centre = ResearchCentre(
            sample_key=row["key"], is_sample=True, name=row["name"], university=row["university"],
            website=row.get("website", ""), description=row.get("description", ""),
            city=row.get("city", ""), state=row["state"], topics=row.get("topics", []),
        )
        db.session.add(centre)
        known[row["key"]] = centre
        report.created["centres"] += 1
    return known


def _load_researchers(rows: list[dict], centres: dict, report: SeedReport) -> None:
    known = _existing_keys(Researcher)
    now = utcnow()
    for row in rows:
        if row["key"] in known:
            report.existing["researchers"] += 1
            continue
        place = lookup_zip(row["zip"])
        researcher = Researcher(
            sample_key=row["key"], is_sample=True, name=row["name"], email=row["email"].lower(),
            position=row["position"], institution=row["institution"],
            department=row.get("department", ""), centre=centres.get(row.get("centre") or ""),
            city=row["city"], state=row["state"], zip=row["zip"],
            latitude=place.latitude if place else None, longitude=place.longitude if place else None,
            remote=row.get("remote", True), statement=row["statement"],
            keywords=row.get("keywords", []), topics=row.get("topics", []),
            methods=row.get("methods", []), help_offered=row.get("help", []),
            terms=row.get("terms", []), grad_students=row.get("grad_students", False),
            capacity=row.get("capacity", 2), conflicts=row.get("conflicts", []),
            confirmed_at=now,
            publications=[
                Publication(
                    position=i, title=p["title"], year=p.get("year"),
                    abstract=p.get("abstract", ""), link=p.get("doi") or p.get("url") or "",
                )
                for i, p in enumerate(row.get("publications", []))
            ],
        )
        db.session.add(researcher)
        report.created["researchers"] += 1


def _load_problems(rows: list[dict], report: SeedReport) -> None:
    known = _existing_keys(Problem)
    now = utcnow()
    for row in rows:
        if row["key"] in known:
            report.existing["problems"] += 1
            continue
        place = lookup_zip(row["zip"])
        submitted = now - timedelta(days=row.get("days_ago", 1))
        deadline = row.get("funding_deadline")
        problem = Problem(
            sample_key=row["key"], is_sample=True, agency_name=row["agency_name"],
            agency_type=row["agency_type"], contact_name=row["contact_name"],
            contact_role=row.get("contact_role", ""), email=row["email"].lower(),
            phone=row.get("phone", ""), city=row["city"], state=row["state"], zip=row["zip"],
            latitude=place.latitude if place else None, longitude=place.longitude if place else None,
            title=row["title"], description=row["description"], topics=row.get("topics", []),
            help_wanted=row.get("help_wanted", []), data_available=row.get("data_available", []),
            evaluation_design=row.get("evaluation_design", "not-sure"),
            timeline=row.get("timeline", ""), funding=row.get("funding", "none"),
            funding_deadline=date.fromisoformat(deadline) if deadline else None,
            max_distance_miles=row.get("max_distance_miles"), in_person_only=row.get("in_person_only", False),
            avoid=row.get("avoid", ""),
            created_at=submitted, updated_at=submitted,
        )
        db.session.add(problem)
        report.created["problems"] += 1
