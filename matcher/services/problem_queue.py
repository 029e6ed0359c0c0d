"""The coordinator's queue of problem statements: filters, pages and counts per status."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import case, exists, func, or_, select

from matcher import taxonomy
from matcher.extensions import db
from matcher.lifecycle import Status
from matcher.models import Partnership, Problem, Researcher, Suggestion
from matcher.models.types import has_slug

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
