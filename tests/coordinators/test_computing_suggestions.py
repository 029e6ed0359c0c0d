"""Rankings as jobs: the pages say "Computing suggestions…" until the worker has stored them."""

from __future__ import annotations

from sqlalchemy import func, select

from matcher.models import Problem, Suggestion
from matcher.services import agency_requests
from matcher.task_queue import huey
from tests.factories import make_researcher

STATEMENT = dict(
    agency_name="Eastville Police Department", agency_type="municipal-police", contact_name="Pat Chief",
    email="pat@example.gov", city="Boston", state="MA", zip="02108", title="Break-ins on the east side",
    description="Residential burglary keeps hitting the same blocks; near-repeat break-ins.",
    topics=["burglary"], help_wanted=["evaluation"],
)


def _suggestion_count(db, problem_id: int) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(Suggestion).where(Suggestion.problem_id == problem_id))


def test_a_new_problem_shows_computing_until_the_worker_ranks_it(db, coord_client, worker):
    db.session.add(make_researcher(name="Ada Nearrepeat", statement="Near-repeat residential burglary."))
    db.session.commit()
    problem_id = agency_requests.submit_problem(dict(STATEMENT))[0].id
    assert huey.pending_count() >= 1 and _suggestion_count(db, problem_id) == 0

    page = coord_client.get(f"/coordinators/problems/{problem_id}").get_data(as_text=True)
    assert "Computing suggestions…" in page and "Ada Nearrepeat" not in page
    assert "Computing suggestions…" in coord_client.get("/coordinators/queue").get_data(as_text=True)

    worker.start()
    worker.wait_until(lambda: _suggestion_count(db, problem_id))
    page = coord_client.get(f"/coordinators/problems/{problem_id}").get_data(as_text=True)
    assert "Ada Nearrepeat" in page and "Computing suggestions…" not in page
    assert "Computing suggestions…" not in coord_client.get("/coordinators/queue").get_data(as_text=True)
    assert db.session.get(Problem, problem_id).suggestions_computed_at is not None


def test_recompute_is_queued_and_lands_later(db, coord_client, worker):
    db.session.add(make_researcher(name="Ada Nearrepeat", statement="Near-repeat residential burglary."))
    db.session.commit()
    problem_id = agency_requests.submit_problem(dict(STATEMENT))[0].id
    worker.start()
    worker.wait_until(lambda: _suggestion_count(db, problem_id))
    worker.stop()
    first = db.session.get(Problem, problem_id).suggestions_computed_at

    response = coord_client.post(f"/coordinators/problems/{problem_id}/recompute", follow_redirects=True)
    assert "Suggestions are being recomputed" in response.get_data(as_text=True)
    assert "Ada Nearrepeat" in response.get_data(as_text=True)  # the earlier ranking stays on show meanwhile

    def recomputed():
        db.session.expire_all()
        return db.session.get(Problem, problem_id).suggestions_computed_at > first
    worker.start()
    worker.wait_until(recomputed)


def test_the_periodic_catch_up_ranks_problems_left_without_suggestions(db, coord_client):
    from matcher import tasks
    from tests.factories import make_problem

    db.session.add_all([make_researcher(name="Ada Nearrepeat"), make_problem()])
    db.session.commit()
    problem_id = db.session.scalar(select(Problem.id))
    assert _suggestion_count(db, problem_id) == 0
    tasks.catch_up_suggestions.call_local()
    assert _suggestion_count(db, problem_id) == 1
