"""Researcher profiles: registration, confirmation, sign-in links, edits, hiding, deletion and yearly
reconfirmation (research centres are in services.centres). One transaction per operation."""

from __future__ import annotations

import hmac
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from matcher.extensions import db
from matcher.mail import coordinator_addresses, external_url, queue_email, recipient_at_daily_cap
from matcher.models import ProfileDraft, Publication, Researcher
from matcher.models.types import new_nonce, utcnow
from matcher.publications import newest_first, normalise_link
from matcher.services import audit, centres, links
from matcher.services.geo import lookup_zip
from matcher.services.transactions import unit_of_work

# Profile fields a researcher can set (e-mail is set once, at registration).
PROFILE_FIELDS = (
    "name", "position", "institution", "department", "city", "state", "zip", "remote",
    "statement", "keywords", "topics", "methods", "help_offered", "terms", "grad_students", "capacity",
    "conflicts", "orcid", "website", "accepts_messages",
)
MAX_PUBLICATIONS = 20


@dataclass
class Outcome:
    """The result of an operation: the profile (when one applies) and the e-mails to send."""

    researcher: Researcher | None = None
    message_ids: list[int] = field(default_factory=list)


def actor(researcher: Researcher) -> str:
    """The audit-log actor for a researcher."""
    return f"researcher:{researcher.id}"


def find_by_email(email: str) -> Researcher | None:
    """The researcher with this address (case-insensitive), or None."""
    address = (email or "").strip().lower()
    if not address:
        return None
    return db.session.scalar(select(Researcher).where(func.lower(Researcher.email) == address))


# --- registration and links -------------------------------------------------------------------


def register(email: str, values: dict, publications: list[dict]) -> Outcome:
    """Create an unlisted profile and e-mail a confirmation link; for a known address, e-mail a
    sign-in link instead and create nothing. The caller shows the same page either way."""

    def operation() -> Outcome:
        known = find_by_email(email)
        if known is not None:
            audit.record("anonymous", "researcher.registration_for_known_address", "researcher", known.id)
            if recipient_at_daily_cap(known.email):
                return Outcome(None, [])
            return Outcome(None, [_queue_sign_in(known, reason="registration")])
        researcher = Researcher(email=email.strip().lower())
        _apply_profile(researcher, values, publications)
        db.session.add(researcher)
        db.session.flush()
        centres.choose_centre(researcher, values.get("centre_id"))
        message = queue_email(
            researcher.email, "Confirm your Research Partners profile", "researcher_confirm",
            researcher=researcher, link=_link("confirm", researcher),
            lifetime=links.lifetime_in_words(links.max_age("confirm")),
        )
        audit.record(actor(researcher), "researcher.registered", "researcher", researcher.id)
        return Outcome(researcher, [message])

    try:
        with unit_of_work():
            outcome = operation()
    except IntegrityError:
        # The same address registered at the same moment: treat it as a known address.
        return request_sign_in(email, reason="registration")
    return Outcome(outcome.researcher, [m.id for m in outcome.message_ids])


def request_sign_in(email: str, reason: str = "manage") -> Outcome:
    """E-mail a sign-in link when the address has a profile; do nothing visible otherwise."""

    def operation() -> Outcome:
        researcher = find_by_email(email)
        if researcher is None:
            return Outcome()
        if recipient_at_daily_cap(researcher.email):
            audit.record("anonymous", "researcher.sign_in_link_capped", "researcher", researcher.id)
            return Outcome(researcher, [])
        message = _queue_sign_in(researcher, reason=reason)
        audit.record(actor(researcher), "researcher.sign_in_link_sent", "researcher", researcher.id)
        return Outcome(researcher, [message])

    with unit_of_work():
        outcome = operation()
    return Outcome(outcome.researcher, [m.id for m in outcome.message_ids])


# --- a new e-mail address, proven before it is used ----------------------------------------------


class EmailTaken(ValueError):
    """Another profile already uses the address."""


def request_email_change(researcher: Researcher, new_email: str) -> None:
    """E-mail a confirmation link to the new address; the profile keeps the old one until it is followed."""
    new_email = new_email.strip()
    if find_by_email(new_email) is not None:
        raise EmailTaken("Another profile already uses this address. Sign in with it instead, or choose another.")
    if recipient_at_daily_cap(new_email):
        raise EmailTaken("We have sent this address several messages today already. Please try again tomorrow.")
    with unit_of_work():
        token = links.make_token("change-email", researcher.id, _change_link_nonce(researcher), email=new_email)
        queue_email(new_email, "Confirm your new e-mail address", "researcher_change_email", researcher=researcher,
                    link=external_url("researchers.confirm_new_email", token=token),
                    lifetime=links.lifetime_in_words(links.max_age("change-email")))
        audit.record(actor(researcher), "researcher.email_change_requested", "researcher", researcher.id)


def confirm_email_change(token: str) -> Researcher:
    """Follow the link sent to the new address, once: the profile takes it, and the old address is told."""
    researcher, nonce = researcher_from_link("change-email", token)
    new_email = links.read_token("change-email", token).email
    if not new_email:
        raise links.LinkError(expired=False)
    if find_by_email(new_email) not in (None, researcher):
        raise EmailTaken("Another profile took this address in the meantime, so yours was not changed.")
    with unit_of_work():
        if _change_link_nonce(researcher, expected=nonce) is None:
            raise links.LinkError(expired=False, used=True)
        old_email, researcher.email = researcher.email, new_email
        queue_email(old_email, "Your e-mail address was changed", "researcher_email_changed",
                    researcher=researcher, new_email=new_email, contact=", ".join(coordinator_addresses()))
        audit.record(actor(researcher), "researcher.email_changed", "researcher", researcher.id)
    return researcher


# --- what was typed after a session ended -------------------------------------------------------

DRAFT_HOURS = 24


def keep_draft(researcher: Researcher, form_data: list[list[str]]) -> None:
    """Keep the profile form as posted after the session ended (replacing an earlier draft), and e-mail a
    sign-in link that brings it back."""
    with unit_of_work():
        db.session.execute(delete(ProfileDraft).where(ProfileDraft.researcher_id == researcher.id))
        db.session.add(ProfileDraft(researcher_id=researcher.id, form_data=form_data))
        audit.record(actor(researcher), "researcher.draft_kept", "researcher", researcher.id)
    request_sign_in(researcher.email, reason="resume")


def has_draft(researcher: Researcher) -> bool:
    """Whether a draft younger than DRAFT_HOURS waits for this researcher."""
    return _fresh_draft(researcher) is not None


def take_draft(researcher: Researcher) -> list[list[str]] | None:
    """The waiting draft's [name, value] pairs, removed as it is handed over (None when there is none)."""
    draft = _fresh_draft(researcher)
    if draft is None:
        return None
    with unit_of_work():
        db.session.execute(delete(ProfileDraft).where(ProfileDraft.researcher_id == researcher.id))
    return draft.form_data


def _fresh_draft(researcher: Researcher) -> ProfileDraft | None:
    since = utcnow() - timedelta(hours=DRAFT_HOURS)
    return db.session.scalar(select(ProfileDraft).where(ProfileDraft.researcher_id == researcher.id,
                                                        ProfileDraft.created_at >= since))


def _queue_sign_in(researcher: Researcher, reason: str):
    return queue_email(
        researcher.email, "Your Research Partners sign-in link", "researcher_sign_in",
        researcher=researcher, link=_link("sign-in", researcher), reason=reason,
        lifetime=links.lifetime_in_words(links.max_age("sign-in")), draft_hours=DRAFT_HOURS,
    )


def _link(purpose: str, researcher: Researcher) -> str:
    """A new link; every link sent to this researcher before stops working."""
    endpoint = "researchers.confirm" if purpose == "confirm" else "researchers.sign_in"
    if researcher.id is None:
        db.session.flush()
    return external_url(endpoint, token=links.make_token(purpose, researcher.id, _change_link_nonce(researcher)))


def _change_link_nonce(researcher: Researcher, expected: str | None = None) -> str | None:
    """Give the researcher a new link nonce (only if it is still `expected`, when given); None when it was not.

    A bare UPDATE, so the profile does not look edited; the condition makes a link usable once even when two
    requests follow it at the same moment."""
    nonce = new_nonce()
    query = update(Researcher).where(Researcher.id == researcher.id)
    if expected is not None:
        query = query.where(Researcher.link_nonce == expected)
    if db.session.execute(query.values(link_nonce=nonce, updated_at=Researcher.updated_at)).rowcount != 1:
        return None
    set_committed_value(researcher, "link_nonce", nonce)
    return nonce


def researcher_from_link(purpose: str, token: str) -> tuple[Researcher, str]:
    """The researcher a link was sent to, and the link's nonce; LinkError when expired, forged, already used
    (or replaced by a newer link), or the profile is gone."""
    claim = links.read_token(purpose, token)
    researcher = db.session.get(Researcher, claim.researcher_id)
    if researcher is None:
        raise links.LinkError(expired=False)
    if not hmac.compare_digest(researcher.link_nonce.encode(), claim.nonce.encode()):
        raise links.LinkError(expired=False, used=True)
    return researcher, claim.nonce


def end_sessions_and_links(researcher: Researcher) -> None:
    """Sign-out: every session of the researcher ends and every link sent to them stops working."""
    with unit_of_work():
        db.session.execute(update(Researcher).where(Researcher.id == researcher.id).values(
            session_nonce=new_nonce(), link_nonce=new_nonce(), updated_at=Researcher.updated_at))


def confirm_from_link(purpose: str, token: str) -> Researcher:
    """Follow a confirmation or sign-in link, once: the address is proven, so the profile is (re)confirmed
    and, unless hidden, listed."""
    researcher, nonce = researcher_from_link(purpose, token)

    def operation() -> Researcher:
        if _change_link_nonce(researcher, expected=nonce) is None:
            raise links.LinkError(expired=False, used=True)
        first_time = researcher.confirmed_at is None
        researcher.confirmed_at = utcnow()
        if first_time:
            audit.record(actor(researcher), "researcher.confirmed", "researcher", researcher.id)
            centres.announce_request(researcher)
        audit.record(actor(researcher), f"researcher.link_followed.{purpose}", "researcher", researcher.id)
        return researcher

    with unit_of_work():
        return operation()


# --- self-service -----------------------------------------------------------------------------


def update_profile(researcher: Researcher, values: dict, publications: list[dict]) -> Researcher:
    """Save an edited profile and its publications."""

    def operation() -> Researcher:
        _apply_profile(researcher, values, publications)
        if "centre_id" in values:
            centres.choose_centre(researcher, values["centre_id"])
        researcher.updated_at = utcnow()
        audit.record(actor(researcher), "researcher.updated", "researcher", researcher.id)
        return researcher

    with unit_of_work():
        return operation()


def set_hidden(researcher: Researcher, hidden: bool) -> Researcher:
    """Hide a profile (unlisted and never matched) or show it again."""

    def operation() -> Researcher:
        if researcher.hidden == hidden:
            return researcher
        researcher.hidden = hidden
        audit.record(actor(researcher), "researcher.hidden" if hidden else "researcher.shown",
                     "researcher", researcher.id)
        if hidden:
            centres.profile_hidden(researcher)
        return researcher

    with unit_of_work():
        return operation()


def delete_profile(researcher: Researcher) -> None:
    """Delete a profile with its publications; the audit log keeps an entry without personal data."""

    def operation() -> None:
        researcher_id = researcher.id
        centres.removing_profile(researcher)
        db.session.delete(researcher)
        db.session.flush()
        audit.record("researcher", "researcher.deleted", "researcher", researcher_id)

    with unit_of_work():
        operation()


def _apply_profile(researcher: Researcher, values: dict, publications: list[dict]) -> None:
    """Copy form values onto the profile, place it from its ZIP and replace its publications."""
    for name in PROFILE_FIELDS:
        if name in values:
            setattr(researcher, name, values[name])
    place = lookup_zip(researcher.zip)
    researcher.latitude = place.latitude if place else None
    researcher.longitude = place.longitude if place else None
    researcher.publications = [
        Publication(position=i, title=p["title"], year=p.get("year"), abstract=p.get("abstract", ""),
                    link=normalise_link(p.get("link")))
        for i, p in enumerate(newest_first(publications[:MAX_PUBLICATIONS]))
    ]


def profile_values(researcher: Researcher) -> dict:
    """The profile as form data, for the edit page."""
    values = {name: getattr(researcher, name) for name in PROFILE_FIELDS}
    values["centre_id"] = centres.requested_centre_id(researcher)
    values["publications"] = [
        {"title": p.title, "year": p.year, "abstract": p.abstract, "link": p.link}
        for p in researcher.publications
    ]
    return values


def is_stale(researcher: Researcher, now: datetime | None = None) -> bool:
    """Whether the profile has not been confirmed within PROFILE_STALE_DAYS."""
    if researcher.confirmed_at is None:
        return False
    return researcher.confirmed_at < (now or utcnow()) - timedelta(days=current_app.config["PROFILE_STALE_DAYS"])


def send_stale_reminders(now: datetime | None = None) -> list[int]:
    """E-mail a reconfirmation link to each listed profile gone stale and not yet reminded since;
    return the outbox ids."""
    now = now or utcnow()
    cutoff = now - timedelta(days=current_app.config["PROFILE_STALE_DAYS"])

    def operation() -> Outcome:
        due = db.session.scalars(
            select(Researcher)
            .where(Researcher.is_listed, Researcher.confirmed_at < cutoff,
                   or_(Researcher.reminder_sent_at.is_(None),
                       Researcher.reminder_sent_at < Researcher.confirmed_at))
            .order_by(Researcher.id)
        ).all()
        outcome = Outcome()
        for researcher in due:
            outcome.message_ids.append(queue_email(
                researcher.email, "Please reconfirm your Research Partners profile", "researcher_reminder",
                researcher=researcher, link=_link("confirm", researcher),
                lifetime=links.lifetime_in_words(links.max_age("confirm")),
            ))
            researcher.reminder_sent_at = now
            audit.record("system", "researcher.reminder_sent", "researcher", researcher.id)
        return outcome

    with unit_of_work():
        outcome = operation()
    return [m.id for m in outcome.message_ids]
