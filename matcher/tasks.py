"""The jobs the task queue runs: delivering e-mail, ranking researchers, and the periodic catch-ups.

Each runs in an app context of its own (see matcher.task_queue): a worker builds the app with create_app().
"""

from __future__ import annotations

from flask import current_app
from huey import crontab
from huey.exceptions import TaskLockedException

from matcher import mail
from matcher.extensions import db
from matcher.models import OutboxMessage, Problem
from matcher.services import agency_requests, index_cache, matching, team
from matcher.services import researchers as researcher_service
from matcher.task_queue import enqueue_safely, huey, periodic_task, task

RANKING_LOCK_SECONDS = 900  # a worker killed mid-ranking must not block the problem's rankings for good


@task()
def deliver_message(message_id: int) -> None:
    """Send one outbox message; after a failure try again later (1, 2, 4… × MAIL_RETRY_SECONDS) until
    MAIL_MAX_ATTEMPTS, then leave it 'dead' for a coordinator to resend."""
    if mail.deliver_one(message_id) == "failed":
        attempts = db.session.get(OutboxMessage, message_id).attempts
        deliver_message.schedule((message_id,), delay=mail.retry_delay(attempts))


@task()
def send_sign_in_link(email: str) -> None:
    """'Manage my profile': look the address up and, if it has a profile, queue a sign-in link."""
    researcher_service.request_sign_in(email)


@task()
def send_password_reset(email: str) -> None:
    """'Forgot your password?': look the address up and, if it is an active coordinator's, e-mail a reset link."""
    team.request_password_reset(email)


@task()
def send_status_links(email: str) -> None:
    """'Send me my status links again': look the address up and, if it sent statements, e-mail their links."""
    agency_requests.send_status_links(email)


@task()
def compute_suggestions(problem_id: int, only_if_missing: bool = False) -> None:
    """Rank researchers for one problem and store the suggestions (decisions are kept); with only_if_missing,
    only if it was never ranked (a page viewed several times before the first ranking queues it each time)."""
    problem = db.session.get(Problem, problem_id)
    if problem is None or (only_if_missing and problem.suggestions_computed_at is not None):
        return
    try:
        lock = _ranking_lock(problem_id)
    except TaskLockedException:  # another worker is ranking it; the periodic catch-up sees any change since
        current_app.logger.info("Suggestions for problem %s are being computed already", problem_id)
        return
    try:
        matching.refresh_suggestions_safely(problem)
    finally:
        lock.release()


def _ranking_lock(problem_id: int):
    """Hold the problem's ranking lock: one that expires where the storage can (Redis, memory), so a worker
    killed mid-ranking cannot block it for good; the SQLite storage only keeps locks without expiry."""
    try:
        lock = huey.lock_task(f"suggestions-{problem_id}", ttl=RANKING_LOCK_SECONDS)
        lock.acquire()
    except NotImplementedError:
        lock = huey.lock_task(f"suggestions-{problem_id}")
        lock.acquire()
    return lock


@periodic_task(crontab(minute="*"))
def sweep_outbox() -> None:
    """Every minute: re-queue messages whose delivery job was lost, release those a crash left 'sending'."""
    for message_id in mail.overdue_message_ids():
        enqueue_safely(deliver_message, message_id)


@periodic_task(crontab(minute="*/5"))
def catch_up_suggestions() -> None:
    """Every five minutes: rank the open problems whose suggestions are missing or outdated."""
    run = matching.compute_missing_suggestions()
    if run.failed:
        current_app.logger.warning("Could not compute suggestions for problems %s", run.failed)


@periodic_task(crontab(minute="*"))
def keep_index_fresh() -> None:
    """Every minute: catch this worker's text index up with profile changes (a refit, when one is due, runs
    beside the old index), so a ranking job rarely waits for it."""
    index_cache.refresh_index()
