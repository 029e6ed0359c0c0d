"""`flask worker`: run the task queue's jobs (e-mail, rankings) and its periodic sweeps."""

import logging

import click
from flask import current_app

from matcher.task_queue import huey, use_app_for_tasks


@click.command("worker")
@click.option("--threads", default=2, show_default=True, help="Jobs run at once by this worker.")
@click.option("--no-periodic", "periodic", flag_value=False, default=True,
              help="Leave the periodic sweeps to another worker.")
def worker_command(threads: int, periodic: bool) -> None:
    """Run queued jobs until stopped (Ctrl-C or SIGTERM lets running jobs finish)."""
    from matcher import tasks  # noqa: F401 (registers the jobs)

    if huey.immediate:
        raise click.UsageError("TASKS_IMMEDIATE is set: jobs run where they are queued, a worker has nothing to do.")
    use_app_for_tasks(current_app._get_current_object())
    log = logging.getLogger("huey")
    log.handlers[:] = current_app.logger.handlers
    log.setLevel(logging.INFO)
    # Redis blocks until a job comes; SQLite storage is polled, at most a second apart.
    # SIGTERM (honcho, Procfile platforms) stops gracefully too: running jobs finish first.
    huey.create_consumer(workers=threads, worker_type="thread", periodic=periodic, max_delay=1.0,
                         graceful_signal="TERM").run()
