"""The outbox: messages are stored in the caller's transaction; once it commits, one delivery job per message
is put on the task queue (matcher.tasks), which sends it, retrying with growing delays before giving up ("dead").
The outbox stays the record of what was sent; a periodic sweep re-queues messages whose job was lost."""

from __future__ import annotations

import re
import smtplib
from datetime import timedelta
from email.message import EmailMessage
from urllib.parse import urlsplit

from flask import current_app, has_app_context, render_template
from sqlalchemy import event, func, inspect, select, update
from sqlalchemy.orm import Session

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
    deliver_after_this_commit(message)
    return message


# Session.info key: the messages this transaction stored, to be put on the queue once it commits.
AWAITING_COMMIT = "matcher.outbox.awaiting_commit"


def deliver_after_this_commit(message: OutboxMessage) -> None:
    """Put a delivery job for the message on the queue once the current transaction commits."""
    db.session.info.setdefault(AWAITING_COMMIT, []).append(message)


@event.listens_for(Session, "after_commit")
def _enqueue_deliveries(session: Session) -> None:
    # No SQL may run on the committing session here: ids come from the identity map (set at flush), and the
    # job runs in an app context of its own, with a session of its own.
    if session.in_nested_transaction():  # SQLAlchemy fires this for a released SAVEPOINT too: wait for the real commit
        return
    messages = session.info.pop(AWAITING_COMMIT, [])
    ids = list(dict.fromkeys(inspect(m).identity[0] for m in messages if inspect(m).identity))
    if not ids or not has_app_context():
        return
    from matcher.task_queue import enqueue_safely
    from matcher.tasks import deliver_message

    for message_id in ids:
        enqueue_safely(deliver_message, message_id)


@event.listens_for(Session, "after_soft_rollback")
def _forget_deliveries(session: Session, previous_transaction) -> None:
    # Only when the whole transaction is undone: a savepoint's rollback keeps the outer unit's messages (its own
    # messages are left without an identity, which the commit hook skips).
    if previous_transaction.parent is None:
        session.info.pop(AWAITING_COMMIT, None)


# Messages anyone can make us send to any address by filling in a public form.
UNVERIFIED_KINDS = ("researcher_confirm", "researcher_sign_in", "agency_problem_received", "agency_status_links",
                    "researcher_change_email")


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
        outcome = _send(db.session.get(OutboxMessage, message_id))
        counts["failed" if outcome == "dead" else outcome] += 1
    return counts


def deliver_one(message_id: int) -> str | None:
    """Send one pending or failed message: 'sent', 'logged', 'failed' (to retry) or 'dead' (no attempts
    left); None when it is not waiting (already sent, or another worker has it)."""
    if not _claim(message_id, ["pending", "failed"]):
        return None
    return _send(db.session.get(OutboxMessage, message_id))


def retry_delay(attempts: int) -> float:
    """Seconds to wait before the next attempt after `attempts` failed ones: MAIL_RETRY_SECONDS, doubling."""
    return current_app.config["MAIL_RETRY_SECONDS"] * 2 ** max(attempts - 1, 0)


def overdue_message_ids() -> list[int]:
    """Messages whose delivery job seems lost: pending, or failed and past their retry time, for longer than
    MAIL_SWEEP_AFTER_SECONDS (messages a crash left 'sending' are released first)."""
    release_stuck_messages()
    now, grace = utcnow(), timedelta(seconds=current_app.config["MAIL_SWEEP_AFTER_SECONDS"])
    pending = db.session.scalars(select(OutboxMessage.id).where(
        OutboxMessage.status == "pending", OutboxMessage.created_at < now - grace).order_by(OutboxMessage.id))
    failed = db.session.execute(select(OutboxMessage.id, OutboxMessage.attempts, OutboxMessage.claimed_at)
                                .where(OutboxMessage.status == "failed").order_by(OutboxMessage.id))
    overdue = [message_id for message_id, attempts, claimed_at in failed
               if (claimed_at or now) + timedelta(seconds=retry_delay(attempts)) + grace < now]
    return [*pending, *overdue]


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
        with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config["MAIL_TIMEOUT"]) as smtp:
            if config.get("MAIL_USE_TLS"):
                smtp.starttls()
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
            smtp.send_message(_as_email(message, config["MAIL_SENDER"]))
    except Exception as error:  # whatever went wrong, the message must not stay 'sending'
        current_app.logger.warning("Could not send message %s to %s (attempt %s): %s",
                                   message.id, message.to, message.attempts, error)
        gave_up = message.attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]
        message.status, message.last_error = ("dead" if gave_up else "failed"), str(error)[:500]
        db.session.commit()
        return message.status
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
