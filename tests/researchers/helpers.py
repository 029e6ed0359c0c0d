"""Form data for researcher tests."""

from __future__ import annotations

import html as html_lib
import re

from sqlalchemy import select

from matcher.extensions import db
from matcher.models import OutboxMessage

TEXT_LIMITS = {"name": 120, "position": 120, "institution": 200, "department": 200, "city": 100,
               "statement": 5000}


def profile_data(**overrides) -> dict:
    """A complete, valid registration as the browser would post it."""
    data = {
        "name": "Dana Whitfield", "email": "dana.whitfield@example.edu", "position": "Associate Professor",
        "institution": "Example State University", "department": "Criminology", "centre_id": "0",
        "city": "Cambridge", "state": "MA", "zip": "02139", "remote": "y",
        "statement": "I study near-repeat burglary and evaluate place-based prevention with police partners.",
        "keywords": "near-repeat, CPTED, hot spots", "topics": ["burglary", "hot-spots"],
        "methods": ["rct"], "help_offered": ["evaluation", "advice"], "terms": ["free"],
        "grad_students": "y", "accepts_messages": "y", "capacity": "3", "conflicts": "Springfield Police Department",
        "publications-0-title": "Near-repeat burglary in small cities", "publications-0-year": "2019",
        "publications-0-abstract": "Burglaries cluster in space and time; we test target hardening.",
        "publications-0-link": "10.1234/nrb.2019",
        "publications-1-title": "", "publications-1-year": "", "publications-1-abstract": "",
        "publications-1-link": "",
        "publications-2-title": "", "publications-2-year": "", "publications-2-abstract": "",
        "publications-2-link": "",
        "submit": "1",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def publications(count: int, start: int = 0) -> dict:
    """Form data for `count` filled publication rows."""
    data = {}
    for i in range(start, start + count):
        data.update({f"publications-{i}-title": f"Study number {i + 1}", f"publications-{i}-year": "2020",
                     f"publications-{i}-abstract": f"Abstract {i + 1}", f"publications-{i}-link": ""})
    return data


def outbox_to(address: str) -> list[OutboxMessage]:
    """Messages stored for this address, oldest first."""
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.to == address)
                                   .order_by(OutboxMessage.id)))


def link_in(message: OutboxMessage) -> str:
    """The (path of the) only link in a stored message."""
    found = re.findall(r"https?://[^/\s]+(/\S+)", message.body)
    assert len(found) == 1, message.body
    return found[0]


def error_beside(html: str, field_id: str) -> str:
    """The error text shown beside a field ('' when none)."""
    match = re.search(rf'id="{re.escape(field_id)}-error"[^>]*>(.*?)</p>', html, re.S)
    return html_lib.unescape(match.group(1).strip()) if match else ""
