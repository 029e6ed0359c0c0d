"""The dashboard's figures, counted by the database, against a small dataset whose figures are worked out by hand."""

from __future__ import annotations

from datetime import datetime, timedelta

from matcher.models import Partnership, Suggestion
from matcher.services.reports import dashboard
from tests.factories import make_problem, make_researcher

SUBMITTED = datetime(2026, 3, 1, 9, 0)


def add_problem(db, status, topics, state, agency_type, introductions=()):
    """A problem submitted at SUBMITTED, introduced to (researcher, days later, stage) for each introduction."""
    problem = make_problem(status=status, topics=topics, state=state, agency_type=agency_type,
                           created_at=SUBMITTED)
    db.session.add(problem)
    db.session.flush()
    for researcher, days, stage in introductions:
        db.session.add(Partnership(problem_id=problem.id, researcher_id=researcher.id, stage=stage,
                                   introduced_at=SUBMITTED + timedelta(days=days)))
    return problem


def test_dashboard_counts_a_hand_built_dataset(db):
    ada, bo, cy = (make_researcher() for _ in range(3))
    db.session.add_all([ada, bo, cy])
    db.session.flush()
    first = add_problem(db, "new", ["burglary", "gun-violence"], "MA", "municipal-police")
    add_problem(db, "introduced", ["gun-violence"], "NY", "sheriff",
                [(ada, 2, "introduced"), (bo, 5, "closed")])  # the first introduction counts: 2 days
    add_problem(db, "partnered", [], "MA", "municipal-police", [(ada, 6.6, "under-way")])
    add_problem(db, "closed", ["burglary", "retired-topic"], "NY", "prosecutor", [(cy, 9, "declined")])
    add_problem(db, "introduced", ["burglary", "focused-deterrence"], "CA", "municipal-police",
                [(bo, 1.5, "first-meeting")])
    for researcher, decision in ((ada, "pending"), (bo, "shortlisted"), (cy, "rejected")):
        db.session.add(Suggestion(problem_id=first.id, researcher_id=researcher.id, rank=1, score=.5,
                                  model_version="t", decision=decision))
    db.session.commit()

    figures = dashboard()

    assert figures.total == 5
    assert figures.by_status == [("New", 1), ("Under review", 0), ("Researchers introduced", 2),
                                 ("Partnership under way", 1), ("Closed", 1), ("Withdrawn", 0)]
    # Unknown slugs (a retired topic) are left out; ties keep the vocabulary's order.
    assert figures.by_topic == [("Burglary", 3), ("Gun violence", 2), ("Focused deterrence / group violence", 1)]
    assert figures.by_state == [("Massachusetts", 2), ("New York", 2), ("California", 1)]
    assert figures.by_agency_type == [("Municipal police department", 3), ("Sheriff's office", 1),
                                      ("Prosecutor (district or state's attorney)", 1)]
    assert figures.introduced_problems == 4
    assert figures.median_days_to_introduction == 4.3  # days 1.5, 2, 6.6, 9: halfway between 2 and 6.6
    assert (figures.decided_suggestions, figures.accepted_suggestions) == (2, 1)
    assert figures.accepted_share == 0.5
    assert figures.active_partnerships == 3  # the closed and the declined ones are not active


def test_median_of_an_odd_number_of_introductions_is_the_middle_one(db):
    researchers = [make_researcher() for _ in range(3)]
    db.session.add_all(researchers)
    db.session.flush()
    for researcher, days in zip(researchers, (10, 1, 3.3), strict=True):
        add_problem(db, "introduced", ["burglary"], "MA", "sheriff", [(researcher, days, "introduced")])
    add_problem(db, "new", ["burglary"], "MA", "sheriff")  # not introduced: not in the median
    db.session.commit()

    figures = dashboard()

    assert (figures.introduced_problems, figures.median_days_to_introduction) == (3, 3.3)
    assert figures.by_topic == [("Burglary", 4)]


def test_dashboard_of_an_empty_database(db):
    figures = dashboard()

    assert figures.total == 0 and figures.by_topic == figures.by_state == figures.by_agency_type == []
    assert [count for _, count in figures.by_status] == [0] * 6
    assert figures.median_days_to_introduction is None and figures.introduced_problems == 0
    assert figures.accepted_share is None and figures.active_partnerships == 0
