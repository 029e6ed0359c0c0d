"""Signed, expiring, single-use tokens for the links we e-mail: one salt per purpose, so a token made for
one purpose never opens another. A token carries the researcher's id and their current link nonce (never the
e-mail address); the nonce changes when a link is used, at sign-out and when a newer link is sent."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

SALTS = {
    "confirm": "researcher-confirm-email",
    "sign-in": "researcher-sign-in",
    "change-email": "researcher-change-email",
}
MAX_AGE_SETTINGS = {
    "confirm": "CONFIRM_LINK_MAX_AGE",
    "sign-in": "SIGNIN_LINK_MAX_AGE",
    "change-email": "CONFIRM_LINK_MAX_AGE",
}


class LinkError(ValueError):
    """A link could not be used; `expired` tells an old link, `used` one already used or replaced by a newer
    link, from a broken or forged one."""

    def __init__(self, expired: bool, used: bool = False) -> None:
        super().__init__("expired" if expired else "used" if used else "invalid")
        self.expired = expired
        self.used = used


@dataclass(frozen=True)
class LinkClaim:
    """What a well-signed, unexpired link vouches for: a researcher id and the link nonce it was made with."""

    researcher_id: int
    nonce: str
    email: str = ""  # the new address, for a change-of-address link


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALTS[purpose])


def max_age(purpose: str) -> int:
    """How many seconds a link of this purpose stays valid."""
    return int(current_app.config[MAX_AGE_SETTINGS[purpose]])


def make_token(purpose: str, researcher_id: int, nonce: str, email: str = "") -> str:
    """A signed token for this researcher, valid while their link nonce stays `nonce` (with the new address,
    for a change of address)."""
    payload = {"r": researcher_id, "n": nonce}
    if email:
        payload["e"] = email
    return _serializer(purpose).dumps(payload)


def read_token(purpose: str, token: str) -> LinkClaim:
    """Check the signature and age of a token; raise LinkError when it cannot be used."""
    try:
        payload = _serializer(purpose).loads(token, max_age=max_age(purpose))
    except SignatureExpired:
        raise LinkError(expired=True) from None
    except BadSignature:
        raise LinkError(expired=False) from None
    if not isinstance(payload, dict) or not isinstance(payload.get("r"), int) \
            or not isinstance(payload.get("n"), str) or not payload["n"]:
        raise LinkError(expired=False)
    email = payload.get("e", "")
    if not isinstance(email, str):
        raise LinkError(expired=False)
    return LinkClaim(researcher_id=payload["r"], nonce=payload["n"], email=email)


def lifetime_in_words(seconds: int) -> str:
    """A link's lifetime in words: '1 hour', '7 days'."""
    if seconds >= 2 * 86400:
        return f"{seconds // 86400} days"
    if seconds >= 7200:
        return f"{seconds // 3600} hours"
    if seconds >= 3600:
        return "1 hour"
    return f"{max(seconds // 60, 1)} minutes"
