"""The matching service: stored suggestions, explanations, exclusions, corpus versions."""

import pytest
from sqlalchemy import select

from matcher import create_app
from matcher.config import TestConfig
from matcher.extensions import db as _db
from matcher.models import Partnership, Problem, Publication, Suggestion
from matcher.services import corpus, index_cache, matching, researchers
from tests.factories import make_problem, make_researcher


@pytest.fixture(autouse=True)
def fresh_process_index(app):
    """Each test starts like a newly started web process."""
    index_cache.forget(app)


@pytest.fixture
def second_process(app):
    """Another web process on the same database: an app of its own, with its own index."""
    other = create_app(type("SecondProcess", (TestConfig,), {
        "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]}))
    yield other
    index_cache.wait_for_refit(other)
    with other.app_context():
        _db.engine.dispose()


def add_people(db):
    burglary = make_researcher(
        name="Ada Burglary", statement="Near-repeat burglary and repeat victimization at micro places.",
        keywords=["near-repeat", "residential burglary"], topics=["burglary", "repeat-victimization"],
        publications=[
            Publication(title="Traffic stops and crashes", abstract="Road safety enforcement."),
            Publication(title="Near-repeat burglary patterns", abstract="Burglary risk spreads to nearby homes."),
        ],
    )
    traffic = make_researcher(
        name="Ted Traffic", statement="Traffic safety, crashes and speed enforcement.",
        keywords=["traffic", "crashes"], topics=["traffic-safety"], help_offered=["training"],
    )
    db.session.add_all([burglary, traffic])
    db.session.commit()
    return burglary, traffic


def test_suggestions_are_stored_best_first_with_parts_and_explanation(db):
    burglary, traffic = add_people(db)
    problem = make_problem(description="Residential burglary and break-ins keep coming back to the same blocks.")
    db.session.add(problem)
    db.session.commit()

    stored = matching.refresh_suggestions(problem)

    assert [s.researcher_id for s in stored][:2] == [burglary.id, traffic.id]
    top = stored[0]
    assert top.rank == 1 and top.score > stored[1].score
    assert top.text_score > 0 and top.topic_score == 1.0 and top.help_score == 1.0
    assert top.model_version
    terms = [term for term, _ in top.explanation["terms"]]
    assert "burglary" in terms
    assert top.explanation["best_publication"]["title"] == "Near-repeat burglary patterns"
    assert problem.suggestions_computed_at is not None


def test_recomputing_keeps_decisions_and_replaces_pending(db):
    burglary, traffic = add_people(db)
    problem = make_problem()
    db.session.add(problem)
    db.session.commit()
    first = matching.refresh_suggestions(problem)
    first[1].decision, first[1].decision_reason = "rejected", "Not a fit"
    db.session.commit()

    matching.refresh_suggestions(problem)

    rows = db.session.scalars(select(Suggestion).where(Suggestion.problem_id == problem.id)).all()
    assert len(rows) == 2
    rejected = next(r for r in rows if r.researcher_id == traffic.id)
    assert rejected.decision == "rejected" and rejected.decision_reason == "Not a fit"


def test_conflicts_hidden_and_full_researchers_are_excluded_with_reasons(db):
    burglary, traffic = add_people(db)
    hidden = make_researcher(statement="Burglary prevention.", topics=["burglary"], hidden=True)
    conflicted = make_researcher(statement="Burglary reduction.", topics=["burglary"])
    full = make_researcher(statement="Burglary and break-ins.", topics=["burglary"], capacity=1)
    db.session.add_all([hidden, conflicted, full])
    db.session.commit()
    problem = make_problem(agency_name="Springfield Police Department")
    conflicted.conflicts = ["Springfield Police Department"]
    db.session.add(problem)
    db.session.flush()
    db.session.add(Partnership(problem=make_problem(), researcher=full))
    db.session.commit()

    result = matching.rank_problem(problem)

    excluded = dict(result.exclusions)
    assert excluded[hidden.id] == "hidden"
    assert excluded[conflicted.id] == "declared-conflict"
    assert excluded[full.id] == "no-capacity"
    suggested = {int(s.researcher_id) for s in result.suggestions}
    assert suggested == {burglary.id, traffic.id}


def add_other_fields(db):
    """Researchers of unrelated fields, so that the two above are not half of the corpus."""
    db.session.add_all([
        make_researcher(statement="Gang networks and group violence.", topics=["gangs"]),
        make_researcher(statement="Intimate-partner violence and lethality assessment.", topics=["domestic-violence"]),
        make_researcher(statement="Opioid overdoses and naloxone distribution.", topics=["drug-markets"]),
    ])
    db.session.commit()


def test_a_process_with_an_old_index_catches_up_when_the_corpus_version_moves(app, db, second_process):
    burglary, traffic = add_people(db)
    add_other_fields(db)
    problem = make_problem(description="Drivers speeding and crashes near schools.", topics=["traffic-safety"])
    db.session.add(problem)
    db.session.commit()
    assert int(matching.rank_problem(problem).suggestions[0].researcher_id) == traffic.id
    with second_process.app_context():
        matching.rank_problem(_db.session.get(Problem, problem.id))

    burglary.statement = "Speeding drivers, crashes near schools and traffic calming evaluations."
    burglary.topics = ["traffic-safety"]
    burglary.keywords = ["speeding", "crashes near schools"]
    db.session.commit()

    assert int(matching.rank_problem(problem).suggestions[0].researcher_id) == burglary.id
    with second_process.app_context():
        result = matching.rank_problem(_db.session.get(Problem, problem.id))
        assert int(result.suggestions[0].researcher_id) == burglary.id
    for process in (app, second_process):
        assert index_cache.process_index(process).version == corpus.current_version()


def test_deleted_researchers_leave_the_index(db):
    burglary, traffic = add_people(db)
    problem = make_problem()
    db.session.add(problem)
    db.session.commit()
    matching.rank_problem(problem)
    researchers.delete_profile(burglary)
    result = matching.rank_problem(problem)
    assert [int(s.researcher_id) for s in result.suggestions] == [traffic.id]


def test_outdated_problems_are_refreshed_once(db):
    burglary, _ = add_people(db)
    problem = make_problem()
    db.session.add(problem)
    db.session.commit()
    assert matching.compute_missing_suggestions().computed == [problem.id]
    assert matching.compute_missing_suggestions().computed == []
    burglary.link_nonce = "signed-in-again"  # bookkeeping: no one's suggestions change
    db.session.commit()
    assert matching.compute_missing_suggestions().computed == []
    burglary.statement += " Also thefts from cars."
    db.session.commit()
    assert matching.compute_missing_suggestions().computed == [problem.id]


def test_unconfirmed_registrations_are_not_indexed(db):
    burglary, traffic = add_people(db)
    db.session.add(make_researcher(statement="Burglary burglary near-repeat burglary.", topics=["burglary"],
                                   confirmed_at=None))
    db.session.commit()
    result = matching.rank_problem(make_problem())
    assert {int(s.researcher_id) for s in result.suggestions} == {burglary.id, traffic.id}
    assert result.exclusions == []


def test_model_version_names_the_index_and_tells_weightings_apart():
    base = {"text": 0.6, "topics": 0.15, "help": 0.05, "distance": 0.1, "terms": 0.05, "capacity": 0.05}
    index_version = "tfidf-sklearn1.9.1-907a3a44-c3e9ad7d1934"
    one = matching.model_version(index_version, base)
    other = matching.model_version(index_version, base | {"capacity": 0.06})
    assert one != other and one.startswith(index_version)
    assert len(one) <= Suggestion.model_version.type.length  # stored whole, never cut


def test_a_statement_changed_while_it_is_ranked_is_ranked_again_later(db, monkeypatch):
    """The ranking holds no lock while it works; an edit made meanwhile must not be hidden by its result."""
    from datetime import timedelta

    from sqlalchemy import update
    from sqlalchemy.orm import Session

    from matcher.models.types import utcnow

    problem = make_problem(description="Residential burglary keeps coming back to the same blocks.")
    db.session.add_all([problem, make_researcher(statement="Near-repeat burglary.")])
    db.session.commit()
    rank = matching.rank_problem

    def rank_while_the_agency_adds_information(p, k=None, also=()):
        with Session(db.engine) as other:  # another request commits a change in the middle of the ranking
            other.execute(update(Problem).where(Problem.id == p.id)
                          .values(updated_at=utcnow() + timedelta(seconds=1)))
            other.commit()
        return rank(p, k, also)

    monkeypatch.setattr(matching, "rank_problem", rank_while_the_agency_adds_information)
    matching.refresh_suggestions(problem)
    assert problem.id in matching.problems_needing_suggestions()  # still outdated: ranked again by the catch-up

    monkeypatch.setattr(matching, "rank_problem", rank)
    matching.refresh_suggestions(problem)
    assert problem.id not in matching.problems_needing_suggestions()
