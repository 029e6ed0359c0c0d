"""The coordinator's queue of problem statements: filters, pages and counts per status."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, exists, func, or_, select

from matcher import taxonomy
from matcher.extensions import db
from matcher.lifecycle import Status
from matcher.models import Partnership, PartnershipEvent, Problem, ProblemUpdate, Researcher, Suggestion
from matcher.models.types import has_slug
from matcher.services.ownership import coordinator_name

PAGE_SIZE = 50


@dataclass
class QueueFilters:
    """What the coordinator narrowed the queue to."""

    status: str = ""
    topic: str = ""
    state: str = ""
    agency_type: str = ""
    q: str = ""
    page: int = 1
    owner: str = ""  # "mine" (owned by `me`), "unassigned", or "" for anyone's
    me: int | None = None


def queue_query(filters: QueueFilters):
    """Problems matching the filters, the oldest new ones first, then the rest oldest first."""
    query = select(Problem)
    if filters.status:
        query = query.where(Problem.status == filters.status)
    if filters.topic:
        query = query.where(has_slug(Problem.topics, filters.topic))
    if filters.state:
        query = query.where(Problem.state == filters.state)
    if filters.agency_type:
        query = query.where(Problem.agency_type == filters.agency_type)
    if filters.owner == "mine":
        query = query.where(Problem.owner_id == filters.me)
    elif filters.owner == "unassigned":
        query = query.where(Problem.owner_id.is_(None))
    text = filters.q.strip()
    if text:
        query = query.where(_matches_search(text))
    is_new = case((Problem.status == Status.NEW.value, 0), else_=1)
    return query.order_by(is_new, Problem.created_at, Problem.id)


PROBLEM_NUMBER = re.compile(r"^(#?)\s*(\d{1,9})$")


def _matches_search(text: str):
    """"#12" is problem 12; anything else (a bare number too) is looked for in the statement, the agency, its
    contact (name, role, e-mail, phone), the names of researchers suggested for it or introduced to it, and,
    when it is a number, the problem's number."""
    number = PROBLEM_NUMBER.match(text)
    if number and number.group(1):
        return Problem.id == int(number.group(2))
    researcher_named = select(Researcher.id).where(Researcher.name.icontains(text, autoescape=True))
    conditions = [
        *(column.icontains(text, autoescape=True) for column in (
            Problem.title, Problem.description, Problem.agency_name, Problem.city, Problem.contact_name,
            Problem.contact_role, Problem.email, Problem.phone)),
        exists().where(Suggestion.problem_id == Problem.id, Suggestion.researcher_id.in_(researcher_named)),
        exists().where(Partnership.problem_id == Problem.id, Partnership.researcher_id.in_(researcher_named)),
    ]
    if number:
        conditions.append(Problem.id == int(number.group(2)))
    return or_(*conditions)


def queue_page(filters: QueueFilters) -> tuple[list[Problem], int]:
    """One page of the queue and the number of matching problems."""
    query = queue_query(filters)
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    page = max(1, filters.page)
    rows = db.session.scalars(query.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    return list(rows), total or 0


def status_counts() -> dict[str, int]:
    """How many problems are in each status (every status listed, zeros included)."""
    counts = dict(db.session.execute(select(Problem.status, func.count()).group_by(Problem.status)).all())
    return {slug: counts.get(slug, 0) for slug in taxonomy.slugs(taxonomy.PROBLEM_STATUSES)}


def owner_counts(me: int) -> dict[str, int]:
    """How many problems are mine and how many unassigned."""
    mine = func.count().filter(Problem.owner_id == me)
    unassigned = func.count().filter(Problem.owner_id.is_(None))
    row = db.session.execute(select(mine, unassigned).select_from(Problem)).one()
    return {"mine": row[0], "unassigned": row[1]}


# --- What happened last, and whether the agency is waiting ----------------------------------------------------

AGENCY_REPLIES = ("info", "answer")
UPDATE_LABELS = {"info": "added information", "answer": "answered", "withdrawal": "withdrew", "question": "question",
                 "note": "note"}


@dataclass
class Activity:
    """The last thing that happened on a problem, and whether an agency reply waits for a coordinator."""

    at: datetime
    what: str
    agency_replied: bool = False


def activity_for(problems: list[Problem]) -> dict[int, Activity]:
    """Each problem's last activity (follow-ups, decisions on suggestions, partnership stages, else its
    submission) and "agency replied": the agency answered or added information after the last coordinator
    entry and after a coordinator last looked at it.

    Derived from the records themselves rather than a stamped column, so no service has to remember to stamp it;
    it costs three grouped queries for a page of the queue."""
    ids = [p.id for p in problems]
    activity = {p.id: Activity(p.created_at, "submitted") for p in problems}
    last_reply: dict[int, datetime] = {}
    last_coordinator = {p.id: p.agency_reply_seen_at for p in problems}
    updates = db.session.execute(
        select(ProblemUpdate.problem_id, ProblemUpdate.author, ProblemUpdate.kind, ProblemUpdate.created_at,
               ProblemUpdate.coordinator_id)
        .where(ProblemUpdate.problem_id.in_(ids)).order_by(ProblemUpdate.created_at, ProblemUpdate.id))
    for problem_id, author, kind, at, coordinator_id in updates:
        who = "Agency" if author == "agency" else coordinator_name(coordinator_id)
        _later(activity, problem_id, at, f"{who}: {UPDATE_LABELS.get(kind, kind)}")
        if author == "agency" and kind in AGENCY_REPLIES:
            last_reply[problem_id] = at
        elif author == "coordinator":
            last_coordinator[problem_id] = max(filter(None, (last_coordinator[problem_id], at)))
    decided = db.session.execute(
        select(Suggestion.problem_id, func.max(Suggestion.decided_at))
        .where(Suggestion.problem_id.in_(ids), Suggestion.decided_at.is_not(None)).group_by(Suggestion.problem_id))
    for problem_id, at in decided:
        _later(activity, problem_id, at, "decision on a suggestion")
    staged = db.session.execute(
        select(Partnership.problem_id, func.max(PartnershipEvent.at))
        .join(PartnershipEvent, PartnershipEvent.partnership_id == Partnership.id)
        .where(Partnership.problem_id.in_(ids)).group_by(Partnership.problem_id))
    for problem_id, at in staged:
        _later(activity, problem_id, at, "partnership stage")
    for problem_id, replied_at in last_reply.items():
        seen = last_coordinator[problem_id]
        activity[problem_id].agency_replied = seen is None or replied_at > seen
    return activity


def _later(activity: dict[int, Activity], problem_id: int, at: datetime | None, what: str) -> None:
    if at is not None and at >= activity[problem_id].at:
        activity[problem_id].at, activity[problem_id].what = at, what

