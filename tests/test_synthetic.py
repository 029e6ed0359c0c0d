"""`flask synthesize-programme`: a synthetic programme with every kind of record, usable by the pages."""

import re

import pytest
from sqlalchemy import func, select

from matcher.models import OutboxMessage, Partnership, Problem, Publication, Researcher, Suggestion
from matcher.services import index_cache
from matcher.taxonomy import AGENCY_TYPES, OPEN_PROBLEM_STATUSES, PARTNERSHIP_STAGES, TOPICS, slugs


def count(db, model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


@pytest.fixture
def programme(app, runner, db):
    index_cache.forget(app)  # this process's index may remember an earlier test's researchers
    result = runner.invoke(args=["synthesize-programme", "--researchers", "80", "--problems", "24",
                                 "--partnerships", "8", "--seed", "3"])
    assert result.exit_code == 0, result.output
    return result.output


def test_the_command_makes_every_kind_of_record_and_reports_what_it_made(programme, db):
    assert re.search(r"researchers\s+80\b", programme)
    assert re.search(r"problems\s+24\b", programme)
    assert "seconds:" in programme
    assert count(db, Researcher) == 80
    assert count(db, Problem) == 24
    assert count(db, Publication) > 80
    researchers = db.session.scalars(select(Researcher)).all()
    assert all(r.topics and set(r.topics) <= set(slugs(TOPICS)) for r in researchers)
    assert len({r.state for r in researchers}) >= 10
    assert sum(r.is_listed for r in researchers) >= 70
    problems = db.session.scalars(select(Problem)).all()
    assert len({p.agency_type for p in problems}) >= 5
    assert {p.agency_type for p in problems} <= set(slugs(AGENCY_TYPES))
    assert len({p.status for p in problems}) >= 4

    # Open problems have suggestions, some of them decided.
    open_ids = db.session.scalars(select(Problem.id).where(Problem.status.in_(OPEN_PROBLEM_STATUSES))).all()
    ranked = set(db.session.scalars(select(Suggestion.problem_id).distinct()))
    assert open_ids and set(open_ids) <= ranked
    decisions = set(db.session.scalars(select(Suggestion.decision).distinct()))
    assert {"pending", "shortlisted", "rejected"} <= decisions

    # Partnerships in several stages, each with its history; e-mails in the outbox.
    partnerships = db.session.scalars(select(Partnership)).all()
    assert len(partnerships) == 8
    assert {p.stage for p in partnerships} <= set(slugs(PARTNERSHIP_STAGES))
    assert len({p.stage for p in partnerships}) >= 3
    assert all(p.events and p.events[0].stage == "introduced" for p in partnerships)
    assert count(db, OutboxMessage) > 0


def test_directory_search_finds_synthetic_researchers_by_real_terms(runner, client, db):
    made = runner.invoke(args=["synthesize-programme", "--researchers", "80", "--problems", "0", "--partnerships",
                               "0", "--no-suggestions"])
    assert made.exit_code == 0, made.output
    page = client.get("/directory/?q=burglary")
    assert page.status_code == 200
    shown = {int(i) for i in re.findall(r'href="/directory/researchers/(\d+)"', page.get_data(as_text=True))}
    statements = dict(db.session.execute(select(Researcher.id, Researcher.statement)
                                          .where(Researcher.id.in_(shown))).all())
    assert statements
    assert any("burglar" in text.lower() for text in statements.values())


def test_a_second_run_adds_another_programme_without_clashing(runner, db):
    for _ in range(2):
        result = runner.invoke(args=["synthesize-programme", "--researchers", "30", "--problems", "5",
                                     "--partnerships", "0", "--no-suggestions"])
        assert result.exit_code == 0, result.output
    assert count(db, Researcher) == 60
    assert count(db, Problem) == 10
    assert count(db, Suggestion) == 0
