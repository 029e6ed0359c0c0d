"""Contacts: every message the public asked us to relay to a researcher, with its status."""

from __future__ import annotations

from flask import render_template

from matcher.auth import coordinator_required
from matcher.coordinators import bp
from matcher.extensions import db
from matcher.forms import requested_page
from matcher.services import contact_relay

PAGE_SIZE = 50


@bp.get("/contacts")
@coordinator_required
def contacts():
    """Who wrote to whom, when, what, and whether it was relayed; newest first."""
    page = db.paginate(contact_relay.contact_requests_query(), page=requested_page(), per_page=PAGE_SIZE,
                       error_out=False)
    return render_template("coordinators/contacts.html", page=page, shown_status=contact_relay.shown_status)
