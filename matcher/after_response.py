"""Work started as a response goes out and done beside it, so that how long a page takes reveals nothing."""

from __future__ import annotations

import threading
from collections.abc import Callable

from flask import after_this_request, current_app, has_request_context, request

ENVIRON_KEY = "matcher.after_response"
_running: set[threading.Thread] = set()


def after_response(work: Callable[..., object], *args) -> None:
    """Run work(*args) in an app context of its own, in a thread started once the response is ready (at once
    outside a request).

    Used where the answer must not depend on the work: 'Manage my profile' answers in the same time whether
    or not the address has a profile, because the look-up, the queueing and the sending happen beside the
    response. A failure is logged; the visitor has their answer already, and queued mail waits in the outbox.
    """
    app = current_app._get_current_object()
    if not has_request_context():
        work(*args)
        return
    pending = request.environ.get(ENVIRON_KEY)  # per request (an app context can outlive several in tests)
    if pending is None:
        pending = request.environ[ENVIRON_KEY] = []

        @after_this_request
        def start(response):
            thread = threading.Thread(target=_run, args=(app, pending), name="after-response", daemon=True)
            _running.add(thread)
            thread.start()
            return response

    pending.append((work, args))


def _run(app, pending: list) -> None:
    try:
        with app.app_context():
            for work, args in pending:
                try:
                    work(*args)
                except Exception:
                    app.logger.exception("Work after a response failed: %s", getattr(work, "__name__", work))
    finally:
        _running.discard(threading.current_thread())


def wait_for_work_after_responses(timeout: float = 30) -> None:
    """Wait until the work started beside earlier responses is done (tests, before they look at its effects)."""
    for thread in list(_running):
        thread.join(timeout)
