"""The coordinators' dashboard figures and the CSV exports.

Every figure is counted by the database (GROUP BY, the topic lists unnested by `slug_items`, the median
picked with ORDER BY/OFFSET), so the dashboard reads a few dozen rows however many problems there are.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC

from sqlalchemy import ColumnElement, Float, func, select, true
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.visitors import InternalTraversal

from matcher import taxonomy
from matcher.extensions import db
from matcher.models import AuditEvent, Coordinator, Partnership, PartnershipNote, Problem, Researcher, Suggestion
from matcher.models.types import slug_items
from matcher.services import audit_log

ACCEPTED_DECISIONS = taxonomy.ACCEPTED_DECISIONS


@dataclass
class Dashboard:
    """Everything the reports page shows."""

    total: int
    by_status: list[tuple[str, int]]
    by_topic: list[tuple[str, int]]
    by_state: list[tuple[str, int]]
    by_agency_type: list[tuple[str, int]]
    median_days_to_introduction: float | None
    introduced_problems: int
    decided_suggestions: int
    accepted_suggestions: int
    active_partnerships: int

    @property
    def accepted_share(self) -> float | None:
        """Share of decided suggestions that were shortlisted or introduced."""
        return self.accepted_suggestions / self.decided_suggestions if self.decided_suggestions else None


def _labelled(counts: dict[str, int], vocabulary: taxonomy.Vocabulary,
              keep_zeros: bool = False) -> list[tuple[str, int]]:
    rows = [(label, counts.get(slug, 0)) for slug, label in vocabulary]
    return rows if keep_zeros else sorted([r for r in rows if r[1]], key=lambda r: -r[1])


def _problems_by(column) -> dict[str, int]:
    """Number of problem statements per value of the column, counted by the database."""
    return dict(db.session.execute(select(column, func.count()).group_by(column)).all())


def _problems_by_topic() -> dict[str, int]:
    """Number of problem statements naming each topic (GROUP BY over the unnested topic lists)."""
    topic = slug_items(Problem.topics)
    query = select(topic.c.value, func.count()).select_from(Problem).join(topic, true()).group_by(topic.c.value)
    return dict(db.session.execute(query).all())


class _DaysBetween(ColumnElement[float]):
    """SQL expression: days (with fractions) from one timestamp to a later one, in each database's arithmetic."""

    type = Float()
    inherit_cache = True
    _traverse_internals = [("start", InternalTraversal.dp_clauseelement),
                           ("end", InternalTraversal.dp_clauseelement)]

    def __init__(self, start, end) -> None:
        self.start, self.end = start, end


@compiles(_DaysBetween)
def _days_by_julian_day(element: _DaysBetween, compiler, **kw) -> str:
    return compiler.process(func.julianday(element.end) - func.julianday(element.start), **kw)


@compiles(_DaysBetween, "postgresql")
def _days_by_epoch(element: _DaysBetween, compiler, **kw) -> str:
    return compiler.process(func.extract("epoch", element.end - element.start) / 86400, **kw)


def _days_to_first_introduction() -> tuple[int, float | None]:
    """How many problems were introduced, and the median of days from submission to the first introduction."""
    firsts = (select(_DaysBetween(Problem.created_at, func.min(Partnership.introduced_at)).label("days"))
              .join(Partnership, Partnership.problem_id == Problem.id)
              .group_by(Problem.id, Problem.created_at).subquery())
    introduced = db.session.scalar(select(func.count()).select_from(firsts))
    if not introduced:
        return 0, None
    # The middle value (odd count) or the two middle values (even count), averaged.
    middle = select(firsts.c.days).order_by(firsts.c.days).limit(2 - introduced % 2).offset((introduced - 1) // 2)
    median = db.session.scalar(select(func.avg(middle.subquery().c.days)))
    return introduced, round(float(median), 1)


def dashboard() -> Dashboard:
    """Counts by status, topic, state and agency type; time to first introduction; acceptance."""
    by_status = _problems_by(Problem.status)
    states = _problems_by(Problem.state)
    introduced, median_days = _days_to_first_introduction()
    decisions = dict(db.session.execute(
        select(Suggestion.decision, func.count()).group_by(Suggestion.decision)).all())
    decided = sum(n for decision, n in decisions.items() if decision != "pending")
    active = db.session.scalar(
        select(func.count()).select_from(Partnership).where(Partnership.stage.not_in(taxonomy.INACTIVE_PARTNERSHIP_STAGES)))
    return Dashboard(
        total=sum(by_status.values()),
        by_status=_labelled(by_status, taxonomy.PROBLEM_STATUSES, keep_zeros=True),
        by_topic=_labelled(_problems_by_topic(), taxonomy.TOPICS),
        by_state=sorted(((taxonomy.label(taxonomy.US_STATES, s), n) for s, n in states.items()),
                        key=lambda r: (-r[1], r[0])),
        by_agency_type=_labelled(_problems_by(Problem.agency_type), taxonomy.AGENCY_TYPES),
        median_days_to_introduction=median_days,
        introduced_problems=introduced,
        decided_suggestions=decided,
        accepted_suggestions=sum(decisions.get(d, 0) for d in ACCEPTED_DECISIONS),
        active_partnerships=active or 0,
    )


# --- CSV exports ----------------------------------------------------------------------------------
# As people open them: UTF-8 with a byte-order mark (Excel then reads accents right), labels instead of codes,
# scores rounded, timestamps in ISO 8601 with their zone, people's names instead of account codes.

BOM = "\ufeff"
SCORE_DIGITS = 3


def _cell(value) -> str:
    """A CSV cell that spreadsheets will not run as a formula."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        value = "; ".join(str(v) for v in value)
    if isinstance(value, float):
        value = round(value, SCORE_DIGITS)
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _when(moment) -> str:
    """A stored UTC time as ISO 8601 with its zone ('2026-11-29T21:40:00+00:00'); '' for none."""
    return moment.replace(tzinfo=UTC).isoformat(timespec="seconds") if moment else ""


def _label(vocabulary, slug: str | None) -> str:
    return taxonomy.label(vocabulary, slug) if slug else ""


def _labels(vocabulary, slugs: list[str]) -> list[str]:
    return taxonomy.labels(vocabulary, slugs or [])


def _csv(header: list[str], rows: Iterable[Iterable]) -> Iterator[str]:
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(v) for v in row])
        if buffer.tell() > 64_000:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _problems() -> Iterator[list]:
    for p in db.session.scalars(select(Problem).order_by(Problem.id).execution_options(yield_per=1000)):
        yield [p.id, _when(p.created_at), _label(taxonomy.PROBLEM_STATUSES, p.status), p.agency_name,
               _label(taxonomy.AGENCY_TYPES, p.agency_type), p.contact_name, p.email, p.phone, p.city, p.state,
               p.title, _labels(taxonomy.TOPICS, p.topics), _labels(taxonomy.HELP_KINDS, p.help_wanted),
               _label(taxonomy.FUNDING, p.funding), "yes" if p.is_sample else "no"]


def _suggestions() -> Iterator[list]:
    query = (
        select(Suggestion, Researcher.name).join(Researcher, Suggestion.researcher_id == Researcher.id)
        .order_by(Suggestion.problem_id, Suggestion.rank).execution_options(yield_per=1000)
    )
    for s, name in db.session.execute(query):
        yield [s.id, s.problem_id, s.researcher_id, name, s.rank, s.score, s.text_score, s.topic_score,
               s.help_score, s.distance_score, s.terms_score, s.capacity_score,
               _label(taxonomy.SUGGESTION_DECISIONS, s.decision), s.decision_reason, _when(s.decided_at),
               s.model_version]


def _partnerships() -> Iterator[list]:
    query = (
        select(Partnership, Researcher.name, Problem.agency_name)
        .join(Researcher, Partnership.researcher_id == Researcher.id)
        .join(Problem, Partnership.problem_id == Problem.id)
        .order_by(Partnership.id).execution_options(yield_per=1000)
    )
    notes = _partnership_notes()
    for p, name, agency in db.session.execute(query):
        yield [p.id, p.problem_id, agency, p.researcher_id, name, _label(taxonomy.PARTNERSHIP_STAGES, p.stage),
               _label(taxonomy.PARTNERSHIP_OUTCOMES, p.outcome), _when(p.introduced_at), _when(p.closed_at),
               "\n\n".join(notes.get(p.id, []))]


def _partnership_notes() -> dict[int, list[str]]:
    """Each partnership's signed notes as text, newest first ("date, name: note")."""
    query = (select(PartnershipNote, Coordinator.name)
             .outerjoin(Coordinator, PartnershipNote.coordinator_id == Coordinator.id)
             .order_by(PartnershipNote.created_at.desc(), PartnershipNote.id.desc()))
    notes: dict[int, list[str]] = {}
    for note, author in db.session.execute(query):
        signed = f"{_when(note.created_at)}, {author or 'earlier notes'}"
        notes.setdefault(note.partnership_id, []).append(f"{signed}: {note.body}")
    return notes


def _audit() -> Iterator[list]:
    events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id).execution_options(yield_per=1000))
    for batch in events.partitions():
        names = audit_log.actor_names(batch)
        for e in batch:
            details = "; ".join(f"{k}={v}" for k, v in sorted((e.details or {}).items()))
            yield [e.id, _when(e.at), names.get(e.actor, e.actor), e.action, e.record_type.replace("_", " "),
                   e.record_id, details]


EXPORTS = {
    "problems": (["Problem", "Submitted", "Status", "Agency", "Agency type", "Contact", "E-mail", "Phone", "City",
                  "State", "Title", "Topics", "Help wanted", "Funding", "Sample"], _problems),
    "suggestions": (["Suggestion", "Problem", "Researcher ID", "Researcher", "Rank", "Score", "Text", "Topics",
                     "Help", "Distance", "Terms", "Capacity", "Decision", "Reason", "Decided", "Model"],
                    _suggestions),
    "partnerships": (["Partnership", "Problem", "Agency", "Researcher ID", "Researcher", "Stage", "Outcome",
                      "Introduced", "Closed", "Notes"], _partnerships),
    "audit": (["Event", "When", "Who", "Action", "Record", "Record ID", "Details"], _audit),
}


def export_csv(name: str) -> Iterator[str] | None:
    """The named export as CSV chunks, or None for an unknown name."""
    if name not in EXPORTS:
        return None
    header, rows = EXPORTS[name]
    return _csv(header, rows())
