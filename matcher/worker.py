"""For Huey's own consumer: `huey_consumer matcher.worker.huey -k thread -w 2` does what `flask worker` does."""

from matcher import create_app, tasks  # noqa: F401 (tasks registers the jobs)
from matcher.task_queue import huey, use_app_for_tasks

app = create_app()
use_app_for_tasks(app)

__all__ = ["huey"]
