"""Coordinator accounts: creation, password checks and changes, deactivation; ending sessions."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from functools import cache

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer
from limits import RateLimitItem, parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter
from sqlalchemy import func, select, update
from werkzeug.security import check_password_hash, generate_password_hash

from matcher.extensions import db
from matcher.models import Coordinator
from matcher.models.types import new_nonce, utcnow
from matcher.services import audit
from matcher.services.transactions import unit_of_work


# A hash to compare against when the e-mail is unknown, so timing does not reveal accounts.
@cache
def _dummy_hash() -> str:
    """A hash made once, on first use (not at import: scrypt is deliberately slow)."""
    return generate_password_hash("not-a-real-password")


class AccountError(ValueError):
    """A coordinator account could not be created."""


MIN_PASSWORD_LENGTH = 10


def check_password_length(password: str) -> None:
    """Refuse a password shorter than MIN_PASSWORD_LENGTH."""
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise AccountError(f"The password must be at least {MIN_PASSWORD_LENGTH} characters long.")


def find_coordinator(email: str) -> Coordinator | None:
    """The coordinator with this e-mail address (case and surrounding spaces ignored), or None."""
    address = (email or "").strip().lower()
    return db.session.scalar(select(Coordinator).where(func.lower(Coordinator.email) == address))


def create_coordinator(email: str, password: str, name: str = "") -> Coordinator:
    """Create a coordinator with a hashed password."""
    email = email.strip().lower()
    check_password_length(password)
    if find_coordinator(email) is not None:
        raise AccountError(f"A coordinator with the e-mail {email} already exists.")
    coordinator = Coordinator(email=email, name=name, password_hash=generate_password_hash(password))
    with unit_of_work():
        db.session.add(coordinator)
        db.session.flush()
        audit.record("system", "coordinator.created", "coordinator", coordinator.id, email=email)
    return coordinator


def _find_coordinator(email: str) -> Coordinator:
    coordinator = find_coordinator(email)
    if coordinator is None:
        raise AccountError(f"There is no coordinator with the e-mail {(email or '').strip().lower()}.")
    return coordinator


def change_password(email: str, password: str) -> Coordinator:
    """Give a coordinator a new password; every session of theirs ends."""
    check_password_length(password)
    password_hash = generate_password_hash(password)
    with unit_of_work():
        coordinator = _find_coordinator(email)
        coordinator.password_hash = password_hash
        coordinator.session_nonce = new_nonce()
        audit.record("system", "coordinator.password_changed", "coordinator", coordinator.id)
    return coordinator


def deactivate(email: str) -> Coordinator:
    """Stop a coordinator from signing in; every session of theirs ends."""
    with unit_of_work():
        coordinator = _find_coordinator(email)
        coordinator.active = False
        coordinator.session_nonce = new_nonce()
        audit.record("system", "coordinator.deactivated", "coordinator", coordinator.id)
    return coordinator


def end_sessions(account) -> None:
    """End every session of this coordinator or researcher: a copied cookie no longer opens anything.

    A bare UPDATE, so a researcher's profile does not look edited (its updated_at stays)."""
    model = type(account)
    values = {"session_nonce": new_nonce()}
    if "updated_at" in model.__table__.c:
        values["updated_at"] = model.updated_at
    with unit_of_work():
        db.session.execute(update(model).where(model.id == account.id).values(**values))


def authenticate(email: str, password: str) -> Coordinator | None:
    """The active coordinator with this e-mail and password, or None."""
    coordinator = find_coordinator(email)
    if coordinator is None or not coordinator.active:
        check_password_hash(_dummy_hash(), password or "")
        return None
    if not check_password_hash(coordinator.password_hash, password or ""):
        return None
    with unit_of_work():
        coordinator.last_sign_in_at = utcnow()
    return coordinator


# --- Slowing down repeated failed sign-ins ---------------------------------------------------------
# Failures are counted in the rate-limit storage (RATELIMIT_STORAGE_URI, shared by every process when it is
# Redis), keyed by the e-mail typed (known or not): per account and client address together, so a stranger
# guessing from elsewhere cannot lock a coordinator out; per client address; and per account from anywhere,
# a higher ceiling against guessing from many addresses. Reaching that ceiling e-mails the coordinator an
# unlock link. Only failures count; a successful sign-in clears the account's counts for that client.

UNLOCK_SALT = "coordinator-unlock"
UNLOCK_LINK_MAX_AGE = 3600


@dataclass(frozen=True)
class _Limit:
    item: RateLimitItem
    namespace: str
    key: str
    reason: str


def _throttle():
    """This app's moving-window limiter over the configured storage (created on first use)."""
    throttle = current_app.extensions.get("signin_throttle")
    if throttle is None:
        storage = storage_from_string(current_app.config.get("RATELIMIT_STORAGE_URI") or "memory://")
        throttle = current_app.extensions["signin_throttle"] = MovingWindowRateLimiter(storage)
    return throttle


def _account(email: str) -> str:
    return (email or "").strip().lower()


def _pair_limit(email: str, client: str) -> _Limit:
    return _Limit(parse(current_app.config["SIGNIN_ACCOUNT_CLIENT_LIMIT"]), "signin-account-client",
                  f"{_account(email)}|{client or 'unknown'}", "Too many failed sign-ins for this account from here.")


def _client_limit(client: str) -> _Limit:
    return _Limit(parse(current_app.config["SIGNIN_CLIENT_LIMIT"]), "signin-client", client or "unknown",
                  "Too many failed sign-ins from your network.")


def _account_limit(email: str) -> _Limit:
    return _Limit(parse(current_app.config["SIGNIN_ACCOUNT_LIMIT"]), "signin-account", _account(email),
                  "Too many failed sign-ins for this account from many places, so it is locked. We have e-mailed "
                  "its owner a link that unlocks it.")


def _limits(email: str, client: str) -> list[_Limit]:
    return [_pair_limit(email, client), _client_limit(client), _account_limit(email)]


def _wait_words(limit: _Limit) -> str:
    reset_at = _throttle().get_window_stats(limit.item, limit.namespace, limit.key).reset_time
    minutes = max(1, math.ceil((reset_at - time.time()) / 60))
    return f"{minutes} minute" if minutes == 1 else f"{minutes} minutes"


def sign_in_blocked(email: str, client: str) -> str | None:
    """A message saying why and how long to wait when sign-in is paused for this account or client, else None."""
    throttle = _throttle()
    for limit in _limits(email, client):
        if not throttle.test(limit.item, limit.namespace, limit.key):
            return f"{limit.reason} Please wait {_wait_words(limit)} and try again."
    return None


def record_failed_sign_in(email: str, client: str) -> tuple[str, list[int]]:
    """Count one failed attempt; a sentence on the attempts left before sign-in from here is paused, and the
    ids of any message queued (the unlock link, when this failure locked the account)."""
    throttle = _throttle()
    for limit in _limits(email, client):
        throttle.hit(limit.item, limit.namespace, limit.key)
    account = _account_limit(email)
    message_ids = [] if throttle.test(account.item, account.namespace, account.key) else _queue_unlock_link(email)
    pair = _pair_limit(email, client)
    left = min(throttle.get_window_stats(limit.item, limit.namespace, limit.key).remaining
               for limit in (pair, _client_limit(client)))
    if left <= 0:
        return f"Sign-in from here is now paused for {_wait_words(pair)}.", message_ids
    attempts = "1 attempt" if left == 1 else f"{left} attempts"
    return f"{attempts} left before sign-in from here is paused for {_wait_words(pair)}.", message_ids


def _queue_unlock_link(email: str) -> list[int]:
    """E-mail the account's owner a link that lifts the account-wide lock (nothing for an unknown address)."""
    from matcher.mail import external_url, queue_email

    coordinator = find_coordinator(email)
    if coordinator is None or not coordinator.active:
        return []
    token = URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=UNLOCK_SALT).dumps(
        {"c": coordinator.id, "n": coordinator.session_nonce})
    with unit_of_work():
        message = queue_email(coordinator.email, "Sign-in to your Research Partners account is locked",
                              "coordinator_unlock", coordinator=coordinator,
                              link=external_url("coordinators.unlock", token=token))
        audit.record("system", "coordinator.locked", "coordinator", coordinator.id)
    return [message.id]


def unlock(token: str) -> Coordinator | None:
    """Follow an unlock link: the account-wide count is forgotten. None when the link is expired or forged."""
    try:
        payload = URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=UNLOCK_SALT).loads(
            token, max_age=UNLOCK_LINK_MAX_AGE)
    except BadSignature:
        return None
    if not isinstance(payload, dict) or not isinstance(payload.get("c"), int):
        return None
    coordinator = db.session.get(Coordinator, payload["c"])
    if coordinator is None or not coordinator.active or payload.get("n") != coordinator.session_nonce:
        return None
    limit = _account_limit(coordinator.email)
    _throttle().clear(limit.item, limit.namespace, limit.key)
    with unit_of_work():
        audit.record("system", "coordinator.unlocked", "coordinator", coordinator.id)
    return coordinator


def clear_failed_sign_ins(email: str, client: str) -> None:
    """Forget the account's failures from this client after a successful sign-in."""
    limit = _pair_limit(email, client)
    _throttle().clear(limit.item, limit.namespace, limit.key)


def reset_sign_in_throttle() -> None:
    """Forget every counted failure (tests, or an administrator unblocking everyone)."""
    _throttle().storage.reset()
