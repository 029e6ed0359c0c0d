"""Mail through the task queue: requests never wait for the mail server; failures are retried, then dead."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from matcher import tasks
from matcher.mail import queue_email
from matcher.models import OutboxMessage
from matcher.models.types import utcnow
from matcher.task_queue import huey
from tests.factories import make_researcher
from tests.fixtures.smtp import free_port


def _queue(app, to: str) -> OutboxMessage:
    with app.test_request_context():
        return queue_email(to, "Hello", "agency_problem_received", problem=None, status_url="https://example.org/s/x")


def _outbox(db) -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_a_sign_in_request_answers_at_once_while_the_mail_server_hangs_and_the_link_comes_later(
        app, db, client, worker, smtp_inbox, hanging_smtp, config_override):
    db.session.add(make_researcher(email="ada@example.edu"))
    db.session.commit()
    answering_port = app.config["MAIL_PORT"]
    config_override(MAIL_PORT=hanging_smtp.port, MAIL_TIMEOUT=2, MAIL_RETRY_SECONDS=0)
    worker.start()

    started = time.monotonic()
    response = client.post("/researchers/manage", data={"email": "ada@example.edu"})
    assert response.status_code == 302 and time.monotonic() - started < 1

    worker.wait_until(lambda: hanging_smtp.connections)  # the worker, not the request, waits on the server
    assert smtp_inbox.messages == []
    config_override(MAIL_PORT=answering_port)  # the relay answers again
    link = smtp_inbox.last_to("ada@example.edu", wait=20)
    assert "sign-in link" in link["Subject"]
    [message] = _outbox(db)
    assert (message.status, message.attempts) == ("sent", 2)


def test_manage_my_profile_queues_one_job_whether_or_not_the_address_has_a_profile(db, client, worker):
    db.session.add(make_researcher(email="ada@example.edu"))
    db.session.commit()
    client.post("/researchers/manage", data={"email": "ada@example.edu"})
    assert huey.pending_count() == 1
    client.post("/researchers/manage", data={"email": "nobody@example.edu"})
    assert huey.pending_count() == 2
    assert _outbox(db) == []  # nothing looked up inside the requests

    worker.start()
    worker.wait_until(lambda: [m for m in _outbox(db) if m.status == "logged"])
    assert [m.to for m in _outbox(db)] == ["ada@example.edu"]


def test_with_a_real_worker_a_refused_message_is_retried_then_dead(app, db, worker, config_override):
    config_override(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_RETRY_SECONDS=0, MAIL_MAX_ATTEMPTS=3)
    worker.start()
    _queue(app, "lost@example.org")
    db.session.commit()
    [message] = worker.wait_until(lambda: [m for m in _outbox(db) if m.status == "dead"])
    assert message.attempts == 3 and message.last_error


def _scheduled_retry_in_seconds() -> float:
    [retry] = huey.scheduled()
    assert retry.name == "deliver_message"
    return (retry.eta - datetime.now(UTC).replace(tzinfo=None)).total_seconds()


def test_retries_wait_longer_each_time_then_the_message_is_dead(app, db, config_override):
    config_override(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_RETRY_SECONDS=60, MAIL_MAX_ATTEMPTS=3)
    message = _queue(app, "lost@example.org")
    db.session.commit()  # delivery is tried at once (immediate mode) and refused
    message_id = message.id
    assert (message.status, message.attempts) == ("failed", 1)
    assert 55 < _scheduled_retry_in_seconds() <= 60

    huey.flush()
    tasks.deliver_message.call_local(message_id)  # the retry comes due
    assert [(m.status, m.attempts) for m in _outbox(db)] == [("failed", 2)]
    assert 115 < _scheduled_retry_in_seconds() <= 120

    huey.flush()
    tasks.deliver_message.call_local(message_id)
    assert [(m.status, m.attempts) for m in _outbox(db)] == [("dead", 3)]
    assert huey.scheduled() == []


def test_a_rolled_back_message_is_never_sent(app, db, smtp_inbox):
    _queue(app, "never@example.org")
    db.session.rollback()
    _queue(app, "kept@example.org")
    db.session.commit()
    assert [m["To"] for m in smtp_inbox.messages] == ["kept@example.org"]


def test_the_sweep_requeues_lost_and_stuck_messages_but_not_fresh_ones(db, smtp_inbox, config_override):
    config_override(MAIL_SWEEP_AFTER_SECONDS=300)
    long_ago = utcnow() - timedelta(hours=1)
    db.session.add_all([
        OutboxMessage(to="lost@example.org", subject="Lost job", body="B", created_at=long_ago),
        OutboxMessage(to="stuck@example.org", subject="Stuck", body="B", status="sending", attempts=1,
                      created_at=long_ago, claimed_at=long_ago),
        OutboxMessage(to="fresh@example.org", subject="Fresh", body="B"),
        OutboxMessage(to="later@example.org", subject="Retry not due", body="B", status="failed", attempts=1,
                      created_at=long_ago, claimed_at=utcnow()),
    ])
    db.session.commit()
    tasks.sweep_outbox.call_local()
    assert sorted(m["To"] for m in smtp_inbox.messages) == ["lost@example.org", "stuck@example.org"]
    states = {m.to: m.status for m in _outbox(db)}
    assert states == {"lost@example.org": "sent", "stuck@example.org": "sent", "fresh@example.org": "pending",
                      "later@example.org": "failed"}


def test_send_mail_still_sends_what_waits(db, runner, smtp_inbox):
    db.session.add(OutboxMessage(to="waiting@example.org", subject="Waiting", body="B"))
    db.session.commit()
    result = runner.invoke(args=["send-mail"])
    assert "sent 1" in result.output
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)
                             .where(OutboxMessage.status == "sent")) == 1


def test_a_ranking_job_runs_on_the_default_sqlite_storage(db, tmp_path):
    """`make run` keeps the queue in a SQLite file, whose locks cannot expire: the ranking job still runs."""
    from huey.storage import SqliteStorage

    from matcher import tasks
    from matcher.models import Suggestion
    from matcher.task_queue import huey
    from tests.factories import make_problem, make_researcher

    huey.storage = SqliteStorage(name="matcher", filename=str(tmp_path / "tasks.sqlite3"))  # restored afterwards
    problem = make_problem(description="Residential burglary keeps coming back to the same blocks.")
    db.session.add_all([problem, make_researcher(statement="Near-repeat burglary and break-ins.")])
    db.session.commit()
    tasks.compute_suggestions.call_local(problem.id)
    db.session.expire_all()
    assert db.session.query(Suggestion).filter_by(problem_id=problem.id).count() == 1
    tasks.compute_suggestions.call_local(problem.id)  # the lock was released: a second ranking runs too
    assert not huey.is_locked(f"suggestions-{problem.id}")
