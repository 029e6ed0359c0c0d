"""Coordinator accounts: creation, password checks and changes, deactivation; ending sessions."""

from __future__ import annotations

import math
import time
from functools import cache

from flask import current_app
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter
from sqlalchemy import func, select, update
from werkzeug.security import check_password_hash, generate_password_hash

from matcher.extensions import db
from matcher.models import Coordinator
from matcher.models.types import new_nonce, utcnow
from matcher.services import audit


# A hash to compare against when the e-mail is unknown, so timing does not reveal accounts.
@cache
def _dummy_hash() -> str:
    """A hash made once, on first use (not at import: scrypt is deliberately slow)."""
    return generate_password_hash("not-a-real-password")


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


def _find_coordinator(email: str) -> Coordinator:
    email = (email or "").strip().lower()
    coordinator = db.session.scalar(select(Coordinator).where(func.lower(Coordinator.email) == email))
    if coordinator is None:
        raise AccountError(f"There is no coordinator with the e-mail {email}.")
    return coordinator


def change_password(email: str, password: str) -> Coordinator:
    """Give a coordinator a new password; every session of theirs ends."""
    if len(password) < 10:
        raise AccountError("The password must be at least 10 characters long.")
    coordinator = _find_coordinator(email)
    coordinator.password_hash = generate_password_hash(password)
    coordinator.session_nonce = new_nonce()
    audit.record("system", "coordinator.password_changed", "coordinator", coordinator.id)
    db.session.commit()
    return coordinator


def deactivate(email: str) -> Coordinator:
    """Stop a coordinator from signing in; every session of theirs ends."""
    coordinator = _find_coordinator(email)
    coordinator.active = False
    coordinator.session_nonce = new_nonce()
    audit.record("system", "coordinator.deactivated", "coordinator", coordinator.id)
    db.session.commit()
    return coordinator


def end_sessions(account) -> None:
    """End every session of this coordinator or researcher: a copied cookie no longer opens anything.

    A bare UPDATE, so a researcher's profile does not look edited (its updated_at stays)."""
    model = type(account)
    values = {"session_nonce": new_nonce()}
    if "updated_at" in model.__table__.c:
        values["updated_at"] = model.updated_at
    db.session.execute(update(model).where(model.id == account.id).values(**values))
    db.session.commit()


def authenticate(email: str, password: str) -> Coordinator | None:
    """The active coordinator with this e-mail and password, or None."""
    email = (email or "").strip().lower()
    coordinator = db.session.scalar(select(Coordinator).where(func.lower(Coordinator.email) == email))
    if coordinator is None or not coordinator.active:
        check_password_hash(_dummy_hash(), password or "")
        return None
    if not check_password_hash(coordinator.password_hash, password or ""):
        return None
    coordinator.last_sign_in_at = utcnow()
    db.session.commit()
    return coordinator


# --- Slowing down repeated failed sign-ins ---------------------------------------------------------
# Failures are counted per account (the e-mail typed, known or not) and per client address in the
# rate-limit storage (RATELIMIT_STORAGE_URI, shared by every process when it is Redis). Only failures
# count; a successful sign-in clears the account's count.

def _throttle():
    """This app's moving-window limiter over the configured storage (created on first use)."""
    throttle = current_app.extensions.get("signin_throttle")
    if throttle is None:
        storage = storage_from_string(current_app.config.get("RATELIMIT_STORAGE_URI") or "memory://")
        throttle = current_app.extensions["signin_throttle"] = MovingWindowRateLimiter(storage)
    return throttle


def _limits(email: str, client: str):
    config = current_app.config
    return [
        (parse(config["SIGNIN_ACCOUNT_LIMIT"]), "signin-account", (email or "").strip().lower(),
         "Too many failed sign-ins for this account."),
        (parse(config["SIGNIN_CLIENT_LIMIT"]), "signin-client", client or "unknown",
         "Too many failed sign-ins from your network."),
    ]


def sign_in_blocked(email: str, client: str) -> str | None:
    """A message saying how long to wait when this account or client failed too often, else None."""
    throttle = _throttle()
    for limit, namespace, key, reason in _limits(email, client):
        if not throttle.test(limit, namespace, key):
            reset_at = throttle.get_window_stats(limit, namespace, key).reset_time
            minutes = max(1, math.ceil((reset_at - time.time()) / 60))
            unit = "minute" if minutes == 1 else "minutes"
            return f"{reason} Please wait {minutes} {unit} and try again."
    return None


def record_failed_sign_in(email: str, client: str) -> None:
    """Count one failed attempt against the account and the client."""
    throttle = _throttle()
    for limit, namespace, key, _ in _limits(email, client):
        throttle.hit(limit, namespace, key)


def clear_failed_sign_ins(email: str) -> None:
    """Forget the account's failures after a successful sign-in."""
    throttle = _throttle()
    limit, namespace, key, _ = _limits(email, "")[0]
    throttle.clear(limit, namespace, key)


def reset_sign_in_throttle() -> None:
    """Forget every counted failure (tests, or an administrator unblocking everyone)."""
    _throttle().storage.reset()
