"""Coordinator accounts: creation and password checks."""

from __future__ import annotations

from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from matcher.extensions import db
from matcher.models import Coordinator
from matcher.models.types import utcnow
from matcher.services import audit

# A hash to compare against when the e-mail is unknown, so timing does not reveal accounts.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


class AccountError(ValueError):
    """A coordinator account could not be created."""


def create_coordinator(email: str, password: str, name: str = "") -> Coordinator:
    """Create a coordinator with a hashed password."""
    email = email.strip().lower()
    if len(password) < 10:
        raise AccountError("The password must be at least 10 characters long.")
    if db.session.scalar(select(Coordinator).where(func.lower(Coordinator.email) == email)):
        raise AccountError(f"A coordinator with the e-mail {email} already exists.")
    coordinator = Coordinator(email=email, name=name, password_hash=generate_password_hash(password))
    db.session.add(coordinator)
    db.session.flush()
    audit.record("system", "coordinator.created", "coordinator", coordinator.id, email=email)
    db.session.commit()
    return coordinator


def authenticate(email: str, password: str) -> Coordinator | None:
    """The active coordinator with this e-mail and password, or None."""
    email = (email or "").strip().lower()
    coordinator = db.session.scalar(select(Coordinator).where(func.lower(Coordinator.email) == email))
    if coordinator is None or not coordinator.active:
        check_password_hash(_DUMMY_HASH, password or "")
        return None
    if not check_password_hash(coordinator.password_hash, password or ""):
        return None
    coordinator.last_sign_in_at = utcnow()
    db.session.commit()
    return coordinator
