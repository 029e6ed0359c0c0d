"""Who is signed in: coordinators (password) and researchers (e-mailed link)."""

from __future__ import annotations

import hmac
import time
from functools import wraps

from flask import abort, session
from flask_login import LoginManager, current_user

from matcher.extensions import db

RESEARCHER_EXPIRY_KEY = "researcher_session_expires"


def load_user(identity: str):
    """Turn a session identity such as 'coordinator:3:<nonce>' back into its account, while the account's
    session nonce is unchanged (sign-out, a new password or deactivation change it) and it is active."""
    from matcher.models import Coordinator, Researcher

    kind, raw_id, nonce = (identity.split(":", 2) + ["", ""])[:3]
    if not raw_id.isdigit() or not nonce or len(raw_id) > 10:
        return None
    if kind == "coordinator":
        account = db.session.get(Coordinator, int(raw_id))
        if account is not None and not account.active:
            return None
    elif kind == "researcher":
        if session.get(RESEARCHER_EXPIRY_KEY, 0) < time.time():
            return None
        account = db.session.get(Researcher, int(raw_id))
    else:
        return None
    if account is None or not hmac.compare_digest(account.session_nonce.encode(), nonce.encode()):
        return None
    return account


def researcher_of_ended_session():
    """The researcher whose signed-in session in this browser has run out (its time, not a sign-out elsewhere:
    the account's session nonce must still match), or None."""
    from matcher.models import Researcher

    kind, raw_id, nonce = (str(session.get("_user_id", "")).split(":", 2) + ["", ""])[:3]
    if kind != "researcher" or not raw_id.isdigit() or len(raw_id) > 10 or not nonce:
        return None
    account = db.session.get(Researcher, int(raw_id))
    if account is None or not hmac.compare_digest(account.session_nonce.encode(), nonce.encode()):
        return None
    return account


def init_login(manager: LoginManager) -> None:
    """Configure Flask-Login for both kinds of account."""
    manager.user_loader(load_user)
    manager.login_view = "coordinators.sign_in"
    manager.login_message = "Please sign in as a coordinator to see that page."
    manager.session_protection = "strong"


def is_coordinator() -> bool:
    """Whether the current visitor is a signed-in coordinator."""
    from matcher.models import Coordinator

    return current_user.is_authenticated and isinstance(current_user._get_current_object(), Coordinator)


def is_researcher() -> bool:
    """Whether the current visitor is a researcher signed in through an e-mailed link."""
    from matcher.models import Researcher

    return current_user.is_authenticated and isinstance(current_user._get_current_object(), Researcher)


def coordinator_required(view):
    """Refuse the view to anyone but a signed-in coordinator (403 for researchers)."""
    from matcher.extensions import login_manager

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if not is_coordinator():
            abort(403)
        return view(*args, **kwargs)

    return wrapped
