"""The contact relay: anyone may write a short message to a listed researcher who accepts messages. The sender
confirms their address by an e-mailed link; then the message goes to the researcher by e-mail with Reply-To set
to that address. The researcher's address is never shown; caps per sender and per researcher limit the flow.
One transaction per operation; e-mails are queued in it and sent by the caller after the commit."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select

from matcher.extensions import db
from matcher.mail import external_url, queue_email
from matcher.models import ContactRequest, ContactStatus, Researcher
from matcher.models.types import utcnow
from matcher.services import audit
from matcher.services.links import lifetime_in_words
from matcher.services.transactions import unit_of_work

CONFIRM_SALT = "contact-relay-confirm"
OPT_OUT_SALT = "contact-relay-opt-out"
MESSAGE_FIELDS = ("sender_name", "organisation", "sender_email", "subject", "message")
DAY = timedelta(days=1)


class CapReached(Exception):
    """A daily cap is reached: nothing is stored or sent; the message says what happened, in plain words."""


class ContactLinkError(ValueError):
    """A confirmation or opt-out link that cannot be used: expired, already used, or broken."""

    def __init__(self, reason: str, request: ContactRequest | None = None) -> None:
        super().__init__(reason)
        self.reason = reason  # "expired", "used" or "invalid"
        self.request = request


@dataclass
class Outcome:
    """What an operation did: the contact request (when one applies) and the e-mails to send after commit."""

    request: ContactRequest | None = None
    message_ids: list[int] = field(default_factory=list)
    refused: str = ""  # why the message was not relayed, in words the sender reads


# --- who can be written to ---------------------------------------------------------------------


def accepts_messages(researcher: Researcher | None) -> bool:
    """Whether the public may write to this researcher: listed, and not opted out."""
    return researcher is not None and researcher.is_listed and researcher.accepts_messages


def writable_researcher(researcher_id: int) -> Researcher | None:
    """The listed researcher with this id who accepts messages, or None."""
    if not 0 < researcher_id < 2**31:
        return None
    researcher = db.session.get(Researcher, researcher_id)
    return researcher if accepts_messages(researcher) else None


# --- caps --------------------------------------------------------------------------------------


def _count(*conditions) -> int:
    return db.session.scalar(select(func.count()).select_from(ContactRequest).where(*conditions)) or 0


def sender_cap_problem(sender_email: str) -> str:
    """Why this address may send no more today, or "": requests it made count (a confirmation link went out
    for each, so nobody can use the form to flood an address), and so do messages relayed."""
    cap = current_app.config["CONTACT_PER_SENDER_PER_DAY"]
    since = utcnow() - DAY
    address = func.lower(ContactRequest.sender_email) == sender_email.strip().lower()
    made = _count(address, ContactRequest.created_at >= since)
    relayed = _count(address, ContactRequest.status == ContactStatus.RELAYED.value,
                     ContactRequest.confirmed_at >= since)
    if max(made, relayed) >= cap:
        return (f"You have already written {cap} message{'s' if cap != 1 else ''} through the site today, the most "
                "we relay from one address in a day. Please try again tomorrow; nothing was sent.")
    return ""


def researcher_cap_problem(researcher: Researcher) -> str:
    """Why this researcher may receive no more messages today, or ""."""
    cap = current_app.config["CONTACT_PER_RESEARCHER_PER_DAY"]
    relayed = _count(ContactRequest.researcher_id == researcher.id,
                     ContactRequest.status == ContactStatus.RELAYED.value,
                     ContactRequest.confirmed_at >= utcnow() - DAY)
    if relayed >= cap:
        return (f"{researcher.name} has received {cap} message{'s' if cap != 1 else ''} through the site today, "
                "the most we relay to one researcher in a day. Please try again tomorrow, or send a problem "
                "statement and ask for them; nothing was sent.")
    return ""


# --- writing and confirming --------------------------------------------------------------------


def submit_request(researcher: Researcher, values: dict) -> Outcome:
    """Store a message for a researcher and e-mail its sender a confirmation link; raise CapReached (storing
    and sending nothing) when the sender or the researcher is at a daily cap."""
    values = {name: values[name] for name in MESSAGE_FIELDS}
    with unit_of_work():
        problem = sender_cap_problem(values["sender_email"]) or researcher_cap_problem(researcher)
        if problem:
            raise CapReached(problem)
        request = ContactRequest(researcher_id=researcher.id, **values)
        db.session.add(request)
        db.session.flush()
        message = queue_email(
            request.sender_email, f"Confirm your address to send your message to {researcher.name}",
            "contact_confirm", kind="contact_confirm", request=request, researcher=researcher,
            confirm_url=external_url("directory.confirm_message", token=_confirm_token(request)),
            lifetime=lifetime_in_words(current_app.config["CONTACT_LINK_MAX_AGE"]),
        )
        audit.record("public", "contact.requested", "contact_request", request.id, researcher_id=researcher.id)
    return Outcome(request=request, message_ids=[message.id])


def confirm_and_relay(token: str) -> Outcome:
    """Follow a sender's confirmation link: relay the message to the researcher with Reply-To the sender's
    address. Raise ContactLinkError for an expired, used or broken link; a cap or an opt-out since the message
    was written comes back as `refused`, with nothing sent."""
    request = _request_from_token(token)
    with unit_of_work():
        researcher = request.researcher
        if not accepts_messages(researcher):
            request.status = ContactStatus.REFUSED.value
            request.outcome_note = "The researcher no longer accepts messages."
            audit.record("public", "contact.refused", "contact_request", request.id, reason="not accepting")
            return Outcome(request=request, refused="This researcher no longer accepts messages through the site, "
                                                    "so your message was not sent.")
        problem = sender_cap_problem_at_confirmation(request) or researcher_cap_problem(researcher)
        if problem:  # the link stays usable: the sender may follow it again tomorrow
            return Outcome(request=request, refused=problem)
        request.status, request.confirmed_at = ContactStatus.RELAYED.value, utcnow()
        request.token_nonce = ""  # a relayed message's link never works again
        message = queue_email(
            researcher.email, f"Message from {request.sender_name} ({request.organisation}): {request.subject}",
            "contact_relayed", kind="contact_relayed", reply_to=request.sender_email, request=request,
            researcher=researcher,
            opt_out_url=external_url("directory.stop_messages", token=opt_out_token(researcher)),
            profile_url=external_url("researchers.manage"),
        )
        audit.record("public", "contact.relayed", "contact_request", request.id, researcher_id=researcher.id)
    return Outcome(request=request, message_ids=[message.id])


def sender_cap_problem_at_confirmation(request: ContactRequest) -> str:
    """The sender's cap when they confirm: only messages already relayed today count."""
    cap = current_app.config["CONTACT_PER_SENDER_PER_DAY"]
    relayed = _count(func.lower(ContactRequest.sender_email) == request.sender_email.lower(),
                     ContactRequest.status == ContactStatus.RELAYED.value,
                     ContactRequest.confirmed_at >= utcnow() - DAY)
    if relayed >= cap:
        return (f"You have already sent {cap} message{'s' if cap != 1 else ''} through the site today, the most "
                "we relay from one address in a day. Follow this link again tomorrow; nothing was sent.")
    return ""


def _confirm_token(request: ContactRequest) -> str:
    return _serializer(CONFIRM_SALT).dumps({"c": request.id, "n": request.token_nonce})


def _request_from_token(token: str) -> ContactRequest:
    """The awaiting request a confirmation link names; an expired link marks its request expired."""
    serializer = _serializer(CONFIRM_SALT)
    try:
        payload = serializer.loads(token, max_age=current_app.config["CONTACT_LINK_MAX_AGE"])
    except SignatureExpired as error:
        request = _request_for(serializer.load_payload(error.payload)) if error.payload else None
        if request is not None and request.status == ContactStatus.AWAITING.value:
            with unit_of_work():
                request.status = ContactStatus.EXPIRED.value
        raise ContactLinkError("used" if request is not None and request.status == ContactStatus.RELAYED.value
                               else "expired", request) from None
    except BadSignature:
        raise ContactLinkError("invalid") from None
    request = _request_for(payload)
    if request is None:
        raise ContactLinkError("invalid")
    if request.status == ContactStatus.RELAYED.value:
        raise ContactLinkError("used", request)
    if request.status != ContactStatus.AWAITING.value:
        raise ContactLinkError(request.status, request)  # refused or expired
    if request.token_nonce != payload["n"]:
        raise ContactLinkError("invalid")
    return request


def _request_for(payload) -> ContactRequest | None:
    if not isinstance(payload, dict) or not isinstance(payload.get("c"), int) or not isinstance(payload.get("n"), str):
        return None
    return db.session.get(ContactRequest, payload["c"])


# --- opting out --------------------------------------------------------------------------------


def opt_out_token(researcher: Researcher) -> str:
    """A signed link token that stops messages to this researcher."""
    return _serializer(OPT_OUT_SALT).dumps({"r": researcher.id})


def researcher_from_opt_out_token(token: str) -> Researcher:
    """The researcher an opt-out link names; ContactLinkError when it is expired or broken."""
    try:
        payload = _serializer(OPT_OUT_SALT).loads(token, max_age=current_app.config["CONTACT_OPT_OUT_LINK_MAX_AGE"])
    except SignatureExpired:
        raise ContactLinkError("expired") from None
    except BadSignature:
        raise ContactLinkError("invalid") from None
    researcher = db.session.get(Researcher, payload.get("r")) if isinstance(payload, dict) \
        and isinstance(payload.get("r"), int) else None
    if researcher is None:
        raise ContactLinkError("invalid")
    return researcher


def stop_messages(researcher: Researcher) -> None:
    """Opt the researcher out of messages through the site."""
    with unit_of_work():
        if researcher.accepts_messages:
            researcher.accepts_messages = False
            audit.record(f"researcher:{researcher.id}", "contact.opted_out", "researcher", researcher.id)


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


# --- coordinators ------------------------------------------------------------------------------


def contact_requests_query():
    """Every contact request, newest first, with its researcher (for the coordinators' Contacts page)."""
    return select(ContactRequest).order_by(ContactRequest.created_at.desc(), ContactRequest.id.desc())


def shown_status(request: ContactRequest) -> str:
    """The request's status as coordinators should read it: an awaiting request past its link's life expired."""
    if request.status == ContactStatus.AWAITING.value and \
            request.created_at < utcnow() - timedelta(seconds=current_app.config["CONTACT_LINK_MAX_AGE"]):
        return ContactStatus.EXPIRED.value
    return request.status


def report_figures() -> dict[str, int]:
    """Contact requests for the reports page: all of them, and how many were relayed to researchers."""
    rows = dict(db.session.execute(
        select(ContactRequest.status, func.count()).group_by(ContactRequest.status)).all())
    return {"total": sum(rows.values()), "relayed": rows.get(ContactStatus.RELAYED.value, 0)}
