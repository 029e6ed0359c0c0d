"""Signed, expiring tokens for the links we e-mail: one salt per purpose, so a token made for one
purpose never opens another."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

SALTS = {
    "confirm": "researcher-confirm-email",
    "sign-in": "researcher-sign-in",
}
MAX_AGE_SETTINGS = {
    "confirm": "CONFIRM_LINK_MAX_AGE",
    "sign-in": "SIGNIN_LINK_MAX_AGE",
}


class LinkError(ValueError):
    """A link could not be used; `expired` tells an old link from a broken or forged one."""

    def __init__(self, expired: bool) -> None:
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


@dataclass(frozen=True)
class LinkClaim:
    """What a valid link vouches for: a researcher id and the address the link was sent to."""

    researcher_id: int
    email: str


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALTS[purpose])


def max_age(purpose: str) -> int:
    """How many seconds a link of this purpose stays valid."""
    return int(current_app.config[MAX_AGE_SETTINGS[purpose]])


def make_token(purpose: str, researcher_id: int, email: str) -> str:
    """A signed token for this researcher and address."""
    return _serializer(purpose).dumps({"r": researcher_id, "e": email.lower()})


def read_token(purpose: str, token: str) -> LinkClaim:
    """Check the signature and age of a token; raise LinkError when it cannot be used."""
    try:
        payload = _serializer(purpose).loads(token, max_age=max_age(purpose))
    except SignatureExpired:
        raise LinkError(expired=True) from None
    except BadSignature:
        raise LinkError(expired=False) from None
    if not isinstance(payload, dict) or not isinstance(payload.get("r"), int):
        raise LinkError(expired=False)
    return LinkClaim(researcher_id=payload["r"], email=str(payload.get("e", "")))


def lifetime_in_words(seconds: int) -> str:
    """A link's lifetime in words: '1 hour', '7 days'."""
    if seconds >= 2 * 86400:
        return f"{seconds // 86400} days"
    if seconds >= 7200:
        return f"{seconds // 3600} hours"
    if seconds >= 3600:
        return "1 hour"
    return f"{max(seconds // 60, 1)} minutes"
