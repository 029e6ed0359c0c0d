"""Reading the audit log: events filtered by person, record and date, with people's names; recording exports."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, or_, select

from matcher.extensions import db
from matcher.local_time import local_day_utc
from matcher.models import AuditEvent, Coordinator, Researcher
from matcher.services import audit
from matcher.services.transactions import unit_of_work

# Actors that are not one person's account, as the person filter offers them.
GROUP_ACTORS = {
    "agency": "An agency (through its form or status page)",
    "researcher": "Any researcher",
    "system": "The system or a command",
    "anonymous": "Someone not signed in",
}


@dataclass(frozen=True)
class AuditFilter:
    """What the audit page was asked to show; empty fields do not narrow."""

    person: str = ""
    record_type: str = ""
    record_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None


def events_query(wanted: AuditFilter) -> Select:
    """The matching events, newest first."""
    query = select(AuditEvent)
    if wanted.person == "researcher":
        query = query.where(or_(AuditEvent.actor == "researcher", AuditEvent.actor.startswith("researcher:")))
    elif wanted.person:
        query = query.where(AuditEvent.actor == wanted.person)
    if wanted.record_type:
        query = query.where(AuditEvent.record_type == wanted.record_type)
    if wanted.record_id is not None:
        query = query.where(AuditEvent.record_id == wanted.record_id)
    if wanted.date_from:
        query = query.where(AuditEvent.at >= local_day_utc(wanted.date_from)[0])
    if wanted.date_to:  # the whole of the last day (31 December 9999 has no day after it)
        query = query.where(AuditEvent.at <= local_day_utc(wanted.date_to)[1])
    return query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())


def person_choices() -> list[tuple[str, str]]:
    """The person filter's options: every coordinator by name, then the kinds of actor that are not one."""
    coordinators = db.session.scalars(select(Coordinator).order_by(Coordinator.name, Coordinator.email))
    return [(f"coordinator:{c.id}", _coordinator_label(c)) for c in coordinators] + list(GROUP_ACTORS.items())


def record_types() -> list[str]:
    """The kinds of record the log mentions."""
    return list(db.session.scalars(select(AuditEvent.record_type).distinct().order_by(AuditEvent.record_type)))


def _coordinator_label(coordinator: Coordinator) -> str:
    name = coordinator.display_name
    return name if coordinator.active else f"{name} (deactivated)"


def actor_names(events: list[AuditEvent]) -> dict[str, str]:
    """A readable name for each actor of these events: "Casey Coordinator" rather than "coordinator:3"."""
    ids: dict[str, set[int]] = {"coordinator": set(), "researcher": set()}
    for event in events:
        kind, _, raw_id = event.actor.partition(":")
        if kind in ids and raw_id.isdigit():
            ids[kind].add(int(raw_id))
    names = {"agency": "Agency", "researcher": "A researcher", "system": "System",
             "anonymous": "Someone not signed in"}
    if ids["coordinator"]:
        for c in db.session.scalars(select(Coordinator).where(Coordinator.id.in_(ids["coordinator"]))):
            names[f"coordinator:{c.id}"] = _coordinator_label(c)
    if ids["researcher"]:
        for r in db.session.execute(select(Researcher.id, Researcher.name).where(Researcher.id.in_(ids["researcher"]))):
            names[f"researcher:{r.id}"] = f"{r.name} (researcher)"
    for event in events:  # an account deleted since, or an actor string this page does not know
        names.setdefault(event.actor, event.actor)
    return names


def record_export(name: str, coordinator: Coordinator) -> None:
    """Note that a coordinator downloaded a CSV export."""
    with unit_of_work():
        audit.record(f"coordinator:{coordinator.id}", "report.exported", "report", None, report=name)
