"""The message an action leaves for the card it came from: shown at that card after the redirect to its #anchor,
not at the top of the page (where a long page would leave it out of sight)."""

from __future__ import annotations

from flask import redirect, session, url_for

KEY = "card_notice"


def notice(page: str, anchor: str, message: str, category: str = "success") -> dict:
    """A message for the card `anchor` on one page (`page` names it, e.g. "problem-12")."""
    return {"page": page, "anchor": anchor, "message": message, "category": category}


def back_to_card(page: str, anchor: str, message: str, endpoint: str, **values):
    """Redirect (303) to the card `anchor` of the page at `endpoint`, leaving its message for that card."""
    session[KEY] = notice(page, anchor, message)
    return redirect(url_for(endpoint, _anchor=anchor, **values), code=303)


def take(page: str) -> dict | None:
    """The message left for one of this page's cards, once (a message for another page stays)."""
    left = session.get(KEY)
    return session.pop(KEY) if left and left.get("page") == page else None


def expired(page: str, anchor: str, form) -> dict | None:
    """The refusal of a form whose CSRF token expired, for its card (None when the token was fine)."""
    if "csrf_token" in form and form.csrf_token.errors:
        return notice(page, anchor, "This form has expired. Press the button again to send it.", "error")
    return None
