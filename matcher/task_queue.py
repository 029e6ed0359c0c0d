"""The task queue (Huey): slow work (e-mail, ranking) runs in worker processes, not inside requests.

Storage comes from TASK_QUEUE_URL: redis://… in production, sqlite:///path (by default a file in the
instance folder, so development needs nothing but Python), or memory:// (one process only). With
TASKS_IMMEDIATE (the tests) a task runs at once where it is enqueued. There is one queue per process, and the
last app built configures it (a process builds one app; the tests put it back after each test).
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable

from flask import Flask, current_app, has_app_context
from huey import Huey
from huey.storage import MemoryStorage, RedisStorage, SqliteStorage

# Built once, so task functions can be decorated at import time; init_app points it at the app's storage.
huey = Huey("matcher", results=False, immediate=True)
_worker_app: Flask | None = None


def init_app(app: Flask) -> None:
    """Point the queue at the storage TASK_QUEUE_URL names (default: instance/tasks.sqlite3)."""
    url = app.config.get("TASK_QUEUE_URL") or ""
    if not url:
        os.makedirs(app.instance_path, exist_ok=True)
        url = "sqlite:///" + os.path.join(app.instance_path, "tasks.sqlite3")
    storage_class, storage_kwargs = _storage_for(url)
    huey.name = app.config.get("TASK_QUEUE_NAME") or "matcher"
    huey.storage_class, huey.storage_kwargs = storage_class, storage_kwargs
    huey._immediate = bool(app.config.get("TASKS_IMMEDIATE"))
    huey.storage = huey.create_storage()
    app.extensions["task_queue"] = huey


def _storage_for(url: str) -> tuple[type, dict]:
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisStorage, {"url": url}
    if url.startswith("sqlite:///"):
        return SqliteStorage, {"filename": url[len("sqlite:///"):]}
    if url == "memory://":
        return MemoryStorage, {}
    raise RuntimeError(f"TASK_QUEUE_URL must start with redis://, rediss://, sqlite:/// or be memory://, "
                       f"not {url!r}.")


def use_app_for_tasks(app: Flask | None) -> None:
    """The app a worker runs tasks in (`flask worker` and matcher.worker pass one built by create_app())."""
    global _worker_app
    _worker_app = app


def _app_for_task() -> Flask:
    if has_app_context():  # enqueued in immediate mode: the caller's app
        return current_app._get_current_object()
    if _worker_app is None:
        raise RuntimeError("No app to run tasks in: start workers with `flask worker` "
                           "(or `huey_consumer matcher.worker.huey`).")
    return _worker_app


def in_app_context(work: Callable) -> Callable:
    """Run work in an app context of its own, so it gets a fresh database session (never the caller's)."""

    @functools.wraps(work)
    def run(*args, **kwargs):
        with _app_for_task().app_context():
            return work(*args, **kwargs)

    return run


def task(**options) -> Callable:
    """A Huey task that runs in its own app context."""
    return lambda work: huey.task(name=work.__name__, **options)(in_app_context(work))


def periodic_task(schedule, **options) -> Callable:
    """A periodic Huey task that runs in its own app context."""
    return lambda work: huey.periodic_task(schedule, name=work.__name__, **options)(in_app_context(work))


def enqueue_safely(job: Callable, *args) -> bool:
    """Enqueue a job; if the queue cannot be reached, log it (the periodic sweeps catch up) and go on."""
    try:
        job(*args)
    except Exception:
        current_app.logger.exception("Could not enqueue %s%s; a periodic sweep will catch up",
                                     getattr(job, "name", job), args)
        return False
    return True
