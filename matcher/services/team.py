"""Running the workspace as a team: listing, inviting, (de)activating coordinators, own password changes and
password resets by e-mailed link, and the audit events of signing in and out.

Invitation and reset links are signed, expiring tokens carrying the coordinator's id and link nonce; the nonce
changes when a link is used or a newer one is sent, so each link works once and only the newest one works.
"""

from __future__ import annotations

import hmac
import secrets
from datetime import timedelta

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from matcher.extensions import db
from matcher.models import Coordinator, OutboxMessage
from matcher.models.types import new_nonce, utcnow
from matcher.services import audit
from matcher.services.accounts import AccountError, check_password_length, find_coordinator
from matcher.services.links import LinkError, lifetime_in_words
from matcher.services.transactions import unit_of_work

LINK_SALTS = {"invite": "coordinator-invite", "reset": "coordinator-password-reset"}
LINK_MAX_AGES = {"invite": ("COORDINATOR_INVITE_LINK_MAX_AGE", 3 * 86400),
                 "reset": ("COORDINATOR_RESET_LINK_MAX_AGE", 2 * 3600)}
LINK_ENDPOINTS = {"invite": "coordinators.accept_invitation", "reset": "coordinators.reset_password"}


class WrongPasswordError(AccountError):
    """The current password typed to authorise a change is not the account's."""


def actor(coordinator: Coordinator) -> str:
    """How a coordinator appears in the audit log."""
    return f"coordinator:{coordinator.id}"


def _normalised(email: str) -> str:
    return (email or "").strip().lower()


def list_coordinators() -> list[Coordinator]:
    """Every coordinator account, active ones first, then by name and e-mail."""
    return list(db.session.scalars(
        select(Coordinator).order_by(Coordinator.active.desc(), func.lower(Coordinator.name), Coordinator.email)))


# --- E-mailed links --------------------------------------------------------------------------------------------

def link_max_age(purpose: str) -> int:
    """How many seconds an invitation or reset link stays valid."""
    setting, default = LINK_MAX_AGES[purpose]
    configured = current_app.config.get(setting)
    return default if configured is None else int(configured)


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=LINK_SALTS[purpose])


def _queue_link(coordinator: Coordinator, purpose: str, subject: str, **context) -> int:
    """Give the account a new link nonce (older links stop working) and queue the e-mail; the caller commits."""
    from matcher.mail import external_url, queue_email

    coordinator.link_nonce = new_nonce()
    token = _serializer(purpose).dumps({"c": coordinator.id, "n": coordinator.link_nonce})
    message = queue_email(
        coordinator.email, subject, f"coordinator_{purpose}", coordinator=coordinator,
        link=external_url(LINK_ENDPOINTS[purpose], token=token),
        lifetime=lifetime_in_words(link_max_age(purpose)), **context)
    db.session.flush()
    return message.id


def coordinator_for_link(purpose: str, token: str) -> Coordinator:
    """The active coordinator a link was made for; LinkError when it is forged, expired, used or replaced."""
    try:
        payload = _serializer(purpose).loads(token, max_age=link_max_age(purpose))
    except SignatureExpired:
        raise LinkError(expired=True) from None
    except BadSignature:
        raise LinkError(expired=False) from None
    if not isinstance(payload, dict) or not isinstance(payload.get("c"), int) \
            or not isinstance(payload.get("n"), str) or not payload["n"]:
        raise LinkError(expired=False)
    coordinator = db.session.get(Coordinator, payload["c"])
    if coordinator is None or not coordinator.active:
        raise LinkError(expired=False)
    if not hmac.compare_digest(coordinator.link_nonce.encode(), payload["n"].encode()):
        raise LinkError(expired=False, used=True)
    return coordinator


def set_password_from_link(purpose: str, token: str, password: str) -> Coordinator:
    """Use an invitation or reset link once: the new password is set and every other session ends."""
    check_password_length(password)
    coordinator = coordinator_for_link(purpose, token)
    with unit_of_work():
        # Compare-and-set on the nonce: of two submissions of the same link, only one gets through.
        changed = db.session.execute(
            update(Coordinator)
            .where(Coordinator.id == coordinator.id, Coordinator.link_nonce == coordinator.link_nonce)
            .values(link_nonce=new_nonce(), session_nonce=new_nonce(),
                    password_hash=generate_password_hash(password)))
        if changed.rowcount != 1:
            raise LinkError(expired=False, used=True)
        action = "coordinator.invitation_accepted" if purpose == "invite" else "coordinator.password_reset"
        audit.record(actor(coordinator), action, "coordinator", coordinator.id)
    db.session.refresh(coordinator)
    return coordinator


def invite(email: str, name: str, inviter: Coordinator | None) -> tuple[Coordinator, int]:
    """Create an account without a usable password and e-mail its owner a "set your password" link; the
    account and the id of the queued message. No inviter means the system (flask invite-coordinator)."""
    email = _normalised(email)
    name = (name or "").strip()
    if find_coordinator(email) is not None:
        raise AccountError(f"A coordinator with the e-mail {email} already exists.")
    try:
        with unit_of_work():
            return _create_invited(email, name, inviter)
    except IntegrityError:  # the same address invited twice at the same moment
        raise AccountError(f"A coordinator with the e-mail {email} already exists.") from None


def _create_invited(email: str, name: str, inviter: Coordinator | None) -> tuple[Coordinator, int]:
    # A hash of a secret nobody knows: no password opens the account, and checking one takes as long as
    # checking a real one (no hint that the account is new).
    coordinator = Coordinator(email=email, name=name, password_hash=generate_password_hash(secrets.token_urlsafe(32)))
    db.session.add(coordinator)
    db.session.flush()
    message_id = _queue_link(coordinator, "invite", "You are invited to the Research Partners workspace",
                             inviter=inviter)
    audit.record(actor(inviter) if inviter else "system", "coordinator.invited", "coordinator", coordinator.id,
                 email=email)
    return coordinator, message_id


def _resets_sent_today(coordinator: Coordinator) -> int:
    since = utcnow() - timedelta(days=1)
    return db.session.scalar(select(func.count()).select_from(OutboxMessage).where(
        OutboxMessage.to == coordinator.email, OutboxMessage.kind == "coordinator_reset",
        OutboxMessage.created_at >= since))


def request_password_reset(email: str) -> list[int]:
    """E-mail a reset link to the active account with this address; nothing for any other address (the page
    answers the same either way), nor once MAIL_PER_RECIPIENT_PER_DAY links went to it in a day, so the form
    cannot flood a coordinator's mailbox. The ids of the queued messages."""
    coordinator = find_coordinator(email)
    if coordinator is None or not coordinator.active:
        with unit_of_work():
            audit.record("anonymous", "coordinator.password_reset_requested_unknown", "coordinator", None,
                         email=_normalised(email)[:254])
        return []
    if _resets_sent_today(coordinator) >= current_app.config["MAIL_PER_RECIPIENT_PER_DAY"]:
        with unit_of_work():
            audit.record("anonymous", "coordinator.password_reset_capped", "coordinator", coordinator.id)
        return []
    with unit_of_work():
        message_id = _queue_link(coordinator, "reset", "Choose a new password for Research Partners")
        audit.record("anonymous", "coordinator.password_reset_requested", "coordinator", coordinator.id)
    return [message_id]


# --- Changing the team --------------------------------------------------------------------------------------

def set_active(coordinator_id: int, active: bool, by: Coordinator) -> Coordinator:
    """Deactivate (ending every session at once) or reactivate a coordinator. The last active coordinator
    cannot be deactivated: then nobody could run the workspace."""
    with unit_of_work():
        # Lock the active accounts (PostgreSQL), so two coordinators deactivating each other at the same
        # moment cannot both succeed.
        still_active = list(db.session.scalars(
            select(Coordinator).where(Coordinator.active).order_by(Coordinator.id).with_for_update()))
        coordinator = db.session.get(Coordinator, coordinator_id)
        if coordinator is None:
            raise AccountError("There is no such coordinator.")
        if coordinator.active == active:
            return coordinator
        if not active:
            if [c.id for c in still_active] == [coordinator.id]:
                raise AccountError(f"{coordinator.display_name} is the last active coordinator, "
                                   "so the account stays active. Invite or reactivate someone first.")
            coordinator.session_nonce = new_nonce()
            coordinator.link_nonce = new_nonce()
        coordinator.active = active
        audit.record(actor(by), "coordinator.activated" if active else "coordinator.deactivated",
                     "coordinator", coordinator.id)
    return coordinator


def change_own_password(coordinator: Coordinator, current: str, new: str) -> Coordinator:
    """Change the signed-in coordinator's password after checking the current one; every session ends (the
    caller signs this one in again with the new session identity)."""
    if not check_password_hash(coordinator.password_hash, current or ""):
        raise WrongPasswordError("That is not your current password.")
    check_password_length(new)
    with unit_of_work():
        coordinator.password_hash = generate_password_hash(new)
        coordinator.session_nonce = new_nonce()
        audit.record(actor(coordinator), "coordinator.password_changed", "coordinator", coordinator.id)
    return coordinator


def why_session_ended(identity: str) -> str:
    """A sentence for a coordinator whose session identity ("coordinator:<id>:<nonce>") no longer opens
    anything: deactivated, or signed out by a password change or a sign-out elsewhere."""
    raw_id = identity.split(":")[1] if identity.count(":") >= 1 else ""
    coordinator = db.session.get(Coordinator, int(raw_id)) if raw_id.isdigit() and len(raw_id) <= 10 else None
    if coordinator is None or not coordinator.active:
        return ("Your coordinator account has been deactivated, so you are signed out. If this is a mistake, "
                "ask another coordinator to reactivate it.")
    return "Your session has ended (you signed out elsewhere, or your password was changed). Please sign in again."


# --- Signing in and out, for the audit log ---------------------------------------------------------------------

def record_sign_in(coordinator: Coordinator, client: str) -> None:
    """Note a successful sign-in."""
    with unit_of_work():
        audit.record(actor(coordinator), "coordinator.signed_in", "coordinator", coordinator.id, client=client)


def record_failed_sign_in(email: str, client: str) -> None:
    """Note a failed sign-in: the e-mail typed (never the password) and the account it names, if any."""
    known = find_coordinator(email)
    with unit_of_work():
        audit.record("anonymous", "coordinator.sign_in_failed", "coordinator", known.id if known else None,
                     email=(email or "").strip()[:254], client=client)


def record_sign_out(coordinator: Coordinator) -> None:
    """Add the sign-out to the current transaction (ending the sessions commits it)."""
    audit.record(actor(coordinator), "coordinator.signed_out", "coordinator", coordinator.id)
