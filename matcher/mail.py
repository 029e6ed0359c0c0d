"""The outbox: messages are stored in the caller's transaction, then sent after it commits."""

from __future__ import annotations

import re
import smtplib
from datetime import timedelta
from email.message import EmailMessage
from urllib.parse import urlsplit

from flask import current_app, render_template
from sqlalchemy import func, select, update

from matcher.extensions import db
from matcher.models import OutboxMessage
from matcher.models.types import utcnow


def queue_email(to: str, subject: str, template: str, kind: str = "", reply_to: str = "",
                **context) -> OutboxMessage:
    """Store a message rendered from templates/emails/<template>.txt (with an optional Reply-To); the caller
    commits."""
    body = render_template(f"emails/{template}.txt", **context)
    subject = " ".join(subject.split())[:200]  # agency text may carry line breaks; headers cannot
    message = OutboxMessage(to=to, subject=subject, body=body, kind=kind or template, reply_to=reply_to)
    db.session.add(message)
    return message


# Messages anyone can make us send to any address by filling in a public form.
UNVERIFIED_KINDS = ("researcher_confirm", "researcher_sign_in", "agency_problem_received")


def recipient_at_daily_cap(address: str) -> bool:
    """Whether public forms already sent this address MAIL_PER_RECIPIENT_PER_DAY messages in the last day:
    then no more go out, so nobody can use the forms to flood someone's mailbox."""
    since = utcnow() - timedelta(days=1)
    sent = db.session.scalar(
        select(func.count()).select_from(OutboxMessage)
        .where(func.lower(OutboxMessage.to) == (address or "").strip().lower(),
               OutboxMessage.kind.in_(UNVERIFIED_KINDS), OutboxMessage.created_at >= since)
    )
    return sent >= current_app.config["MAIL_PER_RECIPIENT_PER_DAY"]


def coordinator_addresses() -> list[str]:
    """Where notices for coordinators go: COORDINATOR_EMAILS, else every active coordinator."""
    from matcher.models import Coordinator

    configured = current_app.config.get("COORDINATOR_EMAILS") or []
    if configured:
        return list(configured)
    return list(db.session.scalars(select(Coordinator.email).where(Coordinator.active)))


def deliver_after_commit(message_ids: list[int]) -> None:
    """Send messages a service just committed; on any failure they wait in the outbox for `flask send-mail`."""
    try:
        deliver_pending(ids=message_ids)
    except Exception:
        db.session.rollback()
        current_app.logger.exception("Could not deliver outbox messages %s; they stay queued", message_ids)


def deliver_pending(ids: list[int] | None = None, include_failed: bool = False) -> dict[str, int]:
    """Send pending messages (all, or the given ids); each is claimed first so it goes out once."""
    if include_failed:
        release_stuck_messages()
    states = ["pending", "failed"] if include_failed else ["pending"]
    query = select(OutboxMessage.id).where(OutboxMessage.status.in_(states)).order_by(OutboxMessage.id)
    if ids is not None:
        query = query.where(OutboxMessage.id.in_(ids))
    counts = {"sent": 0, "logged": 0, "failed": 0}
    for message_id in list(db.session.scalars(query)):
        if not _claim(message_id, states):
            continue
        message = db.session.get(OutboxMessage, message_id)
        outcome = _send(message)
        counts[outcome] += 1
    return counts


def release_stuck_messages(older_than: timedelta = timedelta(minutes=15)) -> int:
    """Mark messages left 'sending' by a crashed process as failed, so they can be sent again."""
    result = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.status == "sending", OutboxMessage.claimed_at < utcnow() - older_than)
        .values(status="failed", last_error="Sending was interrupted; will retry.")
    )
    db.session.commit()
    return result.rowcount


def _claim(message_id: int, states: list[str]) -> bool:
    """Mark a message as being sent, unless another process already did."""
    result = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status.in_(states))
        .values(status="sending", attempts=OutboxMessage.attempts + 1, claimed_at=utcnow())
    )
    db.session.commit()
    return result.rowcount == 1


def _send(message: OutboxMessage) -> str:
    """Send one claimed message over SMTP, or log it when no server is configured."""
    config = current_app.config
    if not config.get("MAIL_SERVER"):
        current_app.logger.info(
            "E-mail (no MAIL_SERVER set) to %s: %s\n%s", message.to, message.subject, message.body
        )
        message.status, message.sent_at = "logged", utcnow()
        db.session.commit()
        return "logged"
    try:
        with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=10) as smtp:
            if config.get("MAIL_USE_TLS"):
                smtp.starttls()
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
            smtp.send_message(_as_email(message, config["MAIL_SENDER"]))
    except Exception as error:  # whatever went wrong, the message must not stay 'sending'

        current_app.logger.warning("Could not send message %s to %s: %s", message.id, message.to, error)
        message.status, message.last_error = "failed", str(error)[:500]
        db.session.commit()
        return "failed"
    message.status, message.sent_at, message.last_error = "sent", utcnow(), ""
    db.session.commit()
    return "sent"


def _as_email(message: OutboxMessage, sender: str) -> EmailMessage:
    email = EmailMessage()
    email["From"] = sender
    email["To"] = message.to
    email["Subject"] = message.subject
    if message.reply_to:
        email["Reply-To"] = message.reply_to
    email.set_content(message.body)
    return email


def external_url(endpoint: str, **values) -> str:
    """An absolute link for e-mails, built from SITE_URL alone: never from the request's Host header."""
    site = current_app.config.get("SITE_URL")
    if not site:
        raise RuntimeError("SITE_URL is not set: e-mailed links cannot be built.")
    parts = urlsplit(site)
    adapter = current_app.url_map.bind(parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme)
    return adapter.build(endpoint, values, force_external=True)


PRIVATE_LINK_NOTE = "[private link: only the recipient can open it]"


def hide_private_links(text: str) -> str:
    """The text with the secret of every bearer link removed (sign-in, confirmation, agency status): what
    coordinators see in the outbox, so they cannot act as a researcher or an agency."""
    prefixes = sorted({re.escape(rule.rule.split("<token>")[0]) for rule in current_app.url_map.iter_rules()
                       if "token" in rule.arguments}, key=len, reverse=True)
    if not prefixes:
        return text
    return re.sub(rf"({'|'.join(prefixes)})[^\s/]+\S*", rf"\g<1>{PRIVATE_LINK_NOTE}", text)
