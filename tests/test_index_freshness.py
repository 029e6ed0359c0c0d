"""The text index keeps up with the corpus by itself: no service bumps a version by hand, a process catches up
by version stamps (not by clock), refits in the background, and each app has its own index."""

import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from matcher import create_app, ranking
from matcher.config import TestConfig
from matcher.extensions import db as _db
from matcher.models import Publication, ResearchCentre, Researcher
from matcher.models.types import utcnow
from matcher.services import corpus, index_cache, matching, researchers
from tests.conftest import is_postgres
from tests.factories import make_problem, make_researcher


@pytest.fixture(autouse=True)
def fresh_process_index(app):
    """Each test starts like a newly started web process."""
    index_cache.forget(app)


def two_people_and_a_burglary_problem(db):
    """A burglary researcher, a traffic researcher, and a burglary problem the index has already answered."""
    burglary = make_researcher(name="Ada Burglary", statement="Near-repeat burglary and repeat victimization.",
                               keywords=["burglary"], topics=["burglary"])
    traffic = make_researcher(name="Ted Traffic", statement="Traffic safety, crashes and speed enforcement.",
                              keywords=["traffic"], topics=["burglary"])
    problem = make_problem(description="Residential burglary and break-ins keep coming back to the same blocks.")
    db.session.add_all([burglary, traffic, problem])
    db.session.commit()
    assert top_researcher(problem) == burglary.id
    return burglary, traffic, problem


def top_researcher(problem) -> int:
    return int(matching.rank_problem(problem).suggestions[0].researcher_id)


def edited(researcher: Researcher, **changes) -> tuple[dict, list[dict]]:
    values = researchers.profile_values(researcher)
    publications = values.pop("publications")
    values.update(changes)
    return values, publications


def stamp_of(researcher_id: int) -> int:
    return _db.session.scalar(select(Researcher.indexed_version).where(Researcher.id == researcher_id))


def test_a_profile_edit_through_the_service_reaches_the_next_suggestion_run(db):
    burglary, traffic, problem = two_people_and_a_burglary_problem(db)
    version = corpus.current_version()

    researchers.update_profile(traffic, *edited(
        traffic, statement="Residential burglary, break-ins and burglary prevention on the same blocks.",
        keywords=["residential burglary", "break-ins"]))
    researchers.update_profile(burglary, *edited(burglary, statement="Traffic crashes.", keywords=["traffic"]))

    assert corpus.current_version() == version + 2
    assert stamp_of(traffic.id) == version + 1 and stamp_of(burglary.id) == version + 2
    assert top_researcher(problem) == traffic.id


def test_a_deleted_researcher_disappears_from_suggestions(db):
    burglary, traffic, problem = two_people_and_a_burglary_problem(db)
    researchers.delete_profile(burglary)
    assert [int(s.researcher_id) for s in matching.rank_problem(problem).suggestions] == [traffic.id]


def test_hiding_a_profile_reaches_the_next_suggestion_run(db):
    burglary, traffic, problem = two_people_and_a_burglary_problem(db)
    researchers.set_hidden(burglary, True)
    result = matching.rank_problem(problem)
    assert [int(s.researcher_id) for s in result.suggestions] == [traffic.id]
    assert dict(result.exclusions)[burglary.id] == "hidden"


def test_changes_in_one_transaction_move_the_version_once_and_share_its_stamp(db):
    burglary, traffic, _ = two_people_and_a_burglary_problem(db)
    version = corpus.current_version()

    burglary.statement = "Burglary of garden sheds."
    db.session.flush()
    traffic.publications.append(Publication(title="Speed cameras", abstract="Crashes fell."))
    db.session.flush()
    newcomer = make_researcher(statement="Shoplifting.")
    db.session.add(newcomer)
    db.session.commit()

    assert corpus.current_version() == version + 1
    assert {stamp_of(r.id) for r in (burglary, traffic, newcomer)} == {version + 1}


def test_bookkeeping_and_unconfirmed_registrations_leave_the_version_alone(db):
    burglary, _, _ = two_people_and_a_burglary_problem(db)
    version = corpus.current_version()
    burglary.link_nonce = "followed-a-sign-in-link"
    burglary.reminder_sent_at = utcnow()
    db.session.add(make_researcher(statement="Not confirmed yet.", confirmed_at=None))
    db.session.commit()
    assert corpus.current_version() == version


def test_a_failed_transaction_leaves_the_version_where_it_was(db):
    burglary, _, _ = two_people_and_a_burglary_problem(db)
    version = corpus.current_version()
    burglary.statement = "Never saved."
    db.session.flush()
    db.session.rollback()
    assert corpus.current_version() == version
    burglary.statement = "Saved."
    db.session.commit()
    assert corpus.current_version() == version + 1 and stamp_of(burglary.id) == version + 1


def test_renaming_a_centre_stamps_its_members(db):
    burglary, traffic, _ = two_people_and_a_burglary_problem(db)
    centre = ResearchCentre(name="Crime Lab", university="Example University", state="MA")
    burglary.centre = centre
    db.session.commit()
    version = corpus.current_version()
    centre.name = "Crime Science Lab"
    db.session.commit()
    assert corpus.current_version() == version + 1
    assert stamp_of(burglary.id) == version + 1 and stamp_of(traffic.id) < version + 1


@pytest.mark.skipif(not is_postgres(), reason="the version row's lock is PostgreSQL's (SQLite has one writer)")
def test_concurrent_changes_commit_their_versions_in_order(db):
    first, second = make_researcher(), make_researcher()
    db.session.add_all([first, second])
    db.session.commit()
    version, engine, first_id, second_id = corpus.current_version(), _db.engine, first.id, second.id

    def change_second() -> None:
        with Session(engine) as two:
            two.get(Researcher, second_id).statement = "Second change."
            two.commit()

    with Session(engine) as one:
        one.get(Researcher, first_id).statement = "First change."
        one.flush()  # takes version + 1 and holds the version row until it commits
        other = threading.Thread(target=change_second)
        other.start()
        wait_for_a_blocked_lock(engine)
        one.commit()
    other.join()

    assert stamp_of(first_id) == version + 1 and stamp_of(second_id) == version + 2
    assert corpus.current_version() == version + 2


def wait_for_a_blocked_lock(engine, patience: float = 30.0) -> None:
    """Poll until some transaction waits for a row lock (fails after `patience` seconds)."""
    deadline = time.monotonic() + patience
    with engine.connect() as connection:
        while connection.execute(text("SELECT count(*) FROM pg_locks WHERE NOT granted")).scalar() == 0:
            assert time.monotonic() < deadline, "the second change never waited for the first"
            time.sleep(0.05)
            connection.rollback()


def test_sync_sees_a_change_that_committed_after_it_even_with_an_old_clock(app, db):
    """The old catch-up re-read profiles whose updated_at fell within 5 s of the last sync: a transaction
    that began earlier and committed after the sync was missed for good."""
    burglary, traffic, problem = two_people_and_a_burglary_problem(db)
    with Session(_db.engine) as other_request:  # a slow request editing a profile
        slow = other_request.get(Researcher, traffic.id)
        slow.statement = "Residential burglary, break-ins and burglary prevention on the same blocks."
        slow.keywords = ["residential burglary", "break-ins"]
        slow.updated_at = utcnow() - timedelta(minutes=1)  # when that request started
        other_request.flush()
        assert top_researcher(problem) == burglary.id  # a sync meanwhile sees only committed profiles
        other_request.commit()

    assert top_researcher(problem) == traffic.id


def test_while_a_refit_runs_the_old_index_answers(app, db):
    burglary, traffic, problem = two_people_and_a_burglary_problem(db)
    state = index_cache.process_index(app)
    old_index = state.index
    fitting, release = threading.Event(), threading.Event()

    class SlowIndex(ranking.TextIndex):
        def fit(self, profiles):
            profiles = list(profiles)
            fitting.set()
            release.wait(timeout=60)
            return super().fit(profiles)

    state.make_index = SlowIndex
    try:
        # One profile of two changed: the index advises a refit, which starts in the background.
        researchers.update_profile(traffic, *edited(
            traffic, statement="Residential burglary, break-ins and burglary prevention on the same blocks.",
            keywords=["residential burglary", "break-ins"]))
        assert top_researcher(problem) == traffic.id  # answered at once, by the synced old index
        assert fitting.wait(timeout=30)
        assert top_researcher(problem) == traffic.id
        with index_cache.current_index() as index:
            assert index is old_index and state.refit_thread.is_alive()
    finally:
        release.set()
    index_cache.wait_for_refit(app)

    with index_cache.current_index() as index:
        assert isinstance(index, SlowIndex) and len(index) == 2
    assert top_researcher(problem) == traffic.id


def test_refresh_index_refits_and_swaps_for_the_task_queue(app, db):
    _, traffic, problem = two_people_and_a_burglary_problem(db)
    old_index = index_cache.process_index(app).index
    traffic.statement = "Residential burglary, break-ins and burglary prevention on the same blocks."
    traffic.keywords = ["residential burglary", "break-ins"]
    db.session.commit()

    index_cache.refresh_index(full=True)

    state = index_cache.process_index(app)
    assert state.index is not old_index and state.version == corpus.current_version()
    assert top_researcher(problem) == traffic.id


def test_each_app_has_its_own_index(tmp_path):
    """Two apps on two databases: each suggests only its own researchers."""
    apps = []
    for name in ("one", "two"):
        application = create_app(type(f"App{name}", (TestConfig,), {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / name}.sqlite3"}))
        with application.app_context():
            _db.create_all()
            _db.session.add(make_researcher(name=f"Burglary expert {name}", statement="Burglary in the city."))
            _db.session.commit()
        apps.append(application)
    try:
        for application, name in zip(apps, ("one", "two"), strict=True):
            with application.app_context():
                problem = make_problem()
                _db.session.add(problem)
                _db.session.commit()
                ranked = matching.rank_problem(problem).suggestions
                names = [_db.session.get(Researcher, int(s.researcher_id)).name for s in ranked]
                assert names == [f"Burglary expert {name}"]
                assert _db.session.scalar(select(func.count(Researcher.id))) == 1
        first, second = (index_cache.process_index(a) for a in apps)
        assert first is not second and first.index is not second.index
    finally:
        for application in apps:
            index_cache.wait_for_refit(application)
            with application.app_context():
                _db.engine.dispose()


def test_the_workers_minutely_job_catches_its_index_up_before_any_ranking_asks(app, db):
    from matcher import tasks

    burglary, _, _ = two_people_and_a_burglary_problem(db)
    newcomer = make_researcher(name="Nora Newcomer", statement="Hot spots policing experiments.")
    db.session.add(newcomer)
    db.session.commit()
    state = index_cache.process_index(app)
    assert str(newcomer.id) not in state.index.ids_  # nothing has asked the index since

    tasks.keep_index_fresh.call_local()
    assert str(newcomer.id) in state.index.ids_ and str(burglary.id) in state.index.ids_
