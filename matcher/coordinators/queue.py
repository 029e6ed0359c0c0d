"""The review queue: problem statements by status and owner, with filters, search and bulk actions."""

from __future__ import annotations

import math

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from matcher import taxonomy
from matcher.auth import coordinator_required
from matcher.coordinators import bp
from matcher.coordinators.forms import NOBODY, BulkActionForm, OwnerQueueFilterForm, owner_choices
from matcher.services import ownership, problem_queue, problem_review
from matcher.services.coordination import CoordinationError


def _filters(form: OwnerQueueFilterForm) -> problem_queue.QueueFilters:
    if not form.validate():
        return problem_queue.QueueFilters(me=current_user.id)
    return problem_queue.QueueFilters(
        status=form.status.data or "", topic=form.topic.data or "", state=form.state.data or "",
        agency_type=form.agency_type.data or "", q=(form.q.data or "").strip(), page=form.page.data or 1,
        owner=form.owner.data or "", me=current_user.id,
    )


def _bulk_form(**kwargs) -> BulkActionForm:
    form = BulkActionForm(prefix="bulk", **kwargs)
    form.owner.choices = owner_choices(ownership.active_coordinators(), me=current_user)
    return form


def render_queue(bulk: BulkActionForm | None = None, refusals: dict[int, str] | None = None, code: int = 200):
    """The queue for the filters in the address; a bulk action sent with errors keeps its ticks and messages."""
    form = OwnerQueueFilterForm(request.args)
    filters = _filters(form)
    problems, total = problem_queue.queue_page(filters)
    if bulk is None:
        bulk = _bulk_form(formdata=None)
        if request.args.get("select") == "all":  # "Select all on this page" without JavaScript
            bulk.problem_ids.data = [p.id for p in problems]
    pages = max(1, math.ceil(total / problem_queue.PAGE_SIZE))
    return render_template(
        "coordinators/queue.html", form=form, problems=problems, total=total, filters=filters,
        page=filters.page, pages=pages, counts=problem_queue.status_counts(),
        computing={p.id for p in problems if problem_review.suggestions_pending(p)},
        activity=problem_queue.activity_for(problems), bulk=bulk, selected=set(bulk.problem_ids.data or []),
        refusals=refusals or {}, owner_counts=problem_queue.owner_counts(current_user.id),
    ), code


@bp.get("/queue")
@coordinator_required
def queue():
    """Problems, oldest new first, narrowed by status, owner, topic, state, agency type and search."""
    return render_queue()


@bp.post("/queue/bulk")
@coordinator_required
def bulk_action():
    """Assign the ticked problems, or change their status: all of them, or none with each refusal said."""
    form = _bulk_form()
    if not form.validate_on_submit() or not (form.assign.data or form.change_status.data):
        return render_queue(bulk=form, code=400)
    ids = form.problem_ids.data
    try:
        if form.assign.data:
            owner = _chosen_owner(form.owner.data)
            outcome = ownership.assign_many(ids, owner, current_user, seen_owners=_seen_owners(ids))
            done = f"Assigned to {ownership.display_name(owner) if owner else 'nobody'}"
        else:
            outcome = ownership.change_status_many(ids, form.status.data, current_user, note=form.note.data or "")
            done = f"Moved to {taxonomy.label(taxonomy.PROBLEM_STATUSES, form.status.data)}"
    except ownership.BulkRefused as refused:
        flash(str(refused), "error")
        return render_queue(bulk=form, refusals=dict(refused.refusals), code=409)
    except CoordinationError as error:
        flash(str(error), "error")
        return render_queue(bulk=form, code=409)
    flash(_summary(done, outcome))
    filters = {name: value for name, value in request.args.items() if name != "select"}
    return redirect(url_for("coordinators.queue", **filters), code=303)


def _chosen_owner(choice: str):
    if choice == NOBODY:
        return None
    if choice == "me":
        return current_user
    return ownership.find_active_coordinator(int(choice))


def _seen_owners(ids: list[int]) -> dict[int, int | None]:
    """Each ticked problem's owner as the page showed it (hidden `seen_owner-<id>` fields)."""
    seen = {}
    for problem_id in ids:
        raw = request.form.get(f"seen_owner-{problem_id}")
        if raw is not None:
            seen[problem_id] = int(raw) if raw.isascii() and raw.isdigit() else None
    return seen


def _summary(done: str, outcome: ownership.BulkOutcome) -> str:
    numbers = ", ".join(f"#{p.id}" for p in outcome.changed)
    text = f"{done}: {numbers}." if outcome.changed else "Nothing to change."
    if outcome.unchanged:
        text += " Already so: " + ", ".join(f"#{p.id}" for p in outcome.unchanged) + "."
    return text
