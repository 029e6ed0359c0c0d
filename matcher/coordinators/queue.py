"""The review queue: problem statements by status, with filters and search."""

from __future__ import annotations

import math

from flask import render_template, request

from matcher.auth import coordinator_required
from matcher.coordinators import bp
from matcher.coordinators.forms import QueueFilterForm
from matcher.services import problem_queue, problem_review


@bp.get("/queue")
@coordinator_required
def queue():
    """Problems, oldest new first, narrowed by status, topic, state, agency type and search."""
    form = QueueFilterForm(request.args)
    filters = problem_queue.QueueFilters()
    if form.validate():
        filters = problem_queue.QueueFilters(
            status=form.status.data or "", topic=form.topic.data or "", state=form.state.data or "",
            agency_type=form.agency_type.data or "", q=(form.q.data or "").strip(), page=form.page.data or 1,
        )
    problems, total = problem_queue.queue_page(filters)
    pages = max(1, math.ceil(total / problem_queue.PAGE_SIZE))
    return render_template(
        "coordinators/queue.html", form=form, problems=problems, total=total, filters=filters,
        page=filters.page, pages=pages, counts=problem_queue.status_counts(),
        computing={p.id for p in problems if problem_review.suggestions_pending(p)},
    )
