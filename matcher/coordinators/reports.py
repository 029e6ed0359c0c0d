"""Reports: the dashboard and CSV exports."""

from __future__ import annotations

from flask import Response, abort, render_template, stream_with_context
from flask_login import current_user

from matcher.auth import coordinator_required
from matcher.coordinators import bp
from matcher.models.types import utcnow
from matcher.services import audit_log, contact_relay
from matcher.services import reports as service


@bp.get("/reports")
@coordinator_required
def reports():
    """Counts by status, topic, state and agency type; time to introduction; acceptance."""
    return render_template("coordinators/reports.html", figures=service.dashboard(), exports=list(service.EXPORTS),
                           contacts=contact_relay.report_figures())


@bp.get("/reports/<name>.csv")
@coordinator_required
def export(name: str):
    """Download problems, suggestions, partnerships or the audit log as CSV."""
    chunks = service.export_csv(name)
    if chunks is None:
        abort(404)
    audit_log.record_export(name, current_user._get_current_object())
    filename = f"{name}-{utcnow():%Y-%m-%d}.csv"
    return Response(  # streamed: a large export never sits whole in memory
        stream_with_context(chunks), mimetype="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"},
    )
