"""Settings read from environment variables, with safe development defaults."""

from __future__ import annotations

import os
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# Published in the repository: signs nothing outside `flask --debug run` and the tests.
DEV_SECRET_KEY = "dev-only-not-secret"
# The shortest SECRET_KEY production accepts, in bytes.
MIN_PRODUCTION_KEY_BYTES = 32
# Where `make run` serves the site: the base of e-mailed links in development when SITE_URL is not set.
DEV_SITE_URL = "http://127.0.0.1:5000"


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _normalise_database_url(url: str) -> str:
    """Accept the common postgres:// spellings and use the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def load_zone(name: str) -> ZoneInfo:
    """The zone with this IANA name ('America/New_York'), or a RuntimeError that says how to fix the setting."""
    try:
        return ZoneInfo((name or "").strip())
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise RuntimeError(
            f"TIMEZONE must be an IANA time zone name such as America/New_York, America/Chicago or UTC, "
            f"not {name!r}. (If every name fails, install the system's tzdata package or the tzdata "
            "Python package.)") from error


class Config:
    """Production-capable settings; every value can be set from the environment."""

    ENV_NAME = os.environ.get("MATCHER_ENV", "development")
    # Without SECRET_KEY, development reads instance/secret_key (`make run` writes one on first run).
    SECRET_KEY = os.environ.get("SECRET_KEY", "")
    SECRET_KEY_FILE = os.environ.get("SECRET_KEY_FILE", "")  # default: secret_key in the instance folder
    SQLALCHEMY_DATABASE_URI = _normalise_database_url(os.environ.get("DATABASE_URL", ""))
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_CONTENT_LENGTH", 1024 * 1024))

    # Mail: with no MAIL_SERVER, messages are logged and stay readable in the outbox.
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", 25))
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
    MAIL_USE_TLS = _bool("MAIL_USE_TLS", False)
    MAIL_SENDER = os.environ.get("MAIL_SENDER", "Research Partners <no-reply@research-partners.example>")
    COORDINATOR_EMAILS = [
        e.strip() for e in os.environ.get("COORDINATOR_EMAILS", "").split(",") if e.strip()
    ]
    # The only base of links in e-mails (never the request's Host); required in production.
    SITE_URL = os.environ.get("SITE_URL", "")
    # Delivery: an SMTP conversation gives up after MAIL_TIMEOUT seconds; a failed message is tried again after
    # MAIL_RETRY_SECONDS, then twice as long each time, until MAIL_MAX_ATTEMPTS, then left "dead" in the outbox
    # for a coordinator to resend. Messages waiting MAIL_SWEEP_AFTER_SECONDS past their time are queued again.
    MAIL_TIMEOUT = float(os.environ.get("MAIL_TIMEOUT", 10))
    MAIL_RETRY_SECONDS = float(os.environ.get("MAIL_RETRY_SECONDS", 60))
    MAIL_MAX_ATTEMPTS = int(os.environ.get("MAIL_MAX_ATTEMPTS", 6))
    MAIL_SWEEP_AFTER_SECONDS = int(os.environ.get("MAIL_SWEEP_AFTER_SECONDS", 300))
    # Messages a public form may send one address in a day (sign-in and confirmation links, agency receipts).
    MAIL_PER_RECIPIENT_PER_DAY = int(os.environ.get("MAIL_PER_RECIPIENT_PER_DAY", 5))
    # The contact relay: messages relayed a day per sender address and per researcher; how long the sender's
    # confirmation link and the researcher's opt-out link work (seconds).
    CONTACT_PER_SENDER_PER_DAY = int(os.environ.get("CONTACT_PER_SENDER_PER_DAY", 3))
    CONTACT_PER_RESEARCHER_PER_DAY = int(os.environ.get("CONTACT_PER_RESEARCHER_PER_DAY", 5))
    CONTACT_LINK_MAX_AGE = int(os.environ.get("CONTACT_LINK_MAX_AGE", 2 * 24 * 3600))
    CONTACT_OPT_OUT_LINK_MAX_AGE = int(os.environ.get("CONTACT_OPT_OUT_LINK_MAX_AGE", 365 * 24 * 3600))
    # Host names the site answers to (others get 400); by default SITE_URL's host (and, outside production,
    # 127.0.0.1 and localhost).
    TRUSTED_HOSTS = [h.strip() for h in os.environ.get("TRUSTED_HOSTS", "").split(",") if h.strip()] or None

    # The task queue (Huey): redis://host:6379/0 in production; empty = an SQLite file in the instance folder.
    TASK_QUEUE_URL = os.environ.get("TASK_QUEUE_URL", "")
    TASK_QUEUE_NAME = os.environ.get("TASK_QUEUE_NAME", "matcher")
    # Run each task at once where it is enqueued, without a worker (the tests; never in production).
    TASKS_IMMEDIATE = _bool("TASKS_IMMEDIATE", False)

    # Sessions and cookies.
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", ENV_NAME == "production")
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    PERMANENT_SESSION_LIFETIME = int(os.environ.get("SESSION_LIFETIME_SECONDS", 8 * 3600))

    # Links sent by e-mail (seconds).
    CONFIRM_LINK_MAX_AGE = int(os.environ.get("CONFIRM_LINK_MAX_AGE", 7 * 24 * 3600))
    SIGNIN_LINK_MAX_AGE = int(os.environ.get("SIGNIN_LINK_MAX_AGE", 3600))
    RESEARCHER_SESSION_SECONDS = int(os.environ.get("RESEARCHER_SESSION_SECONDS", 2 * 3600))
    # A form's CSRF token lives as long as its session, not one hour: a long statement or profile typed slowly
    # is never refused for its age (a late save after a researcher's session ended is kept as a draft).
    WTF_CSRF_TIME_LIMIT = None
    PROFILE_STALE_DAYS = int(os.environ.get("PROFILE_STALE_DAYS", 365))

    # Abuse protection.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_ENABLED = _bool("RATELIMIT_ENABLED", True)
    RATELIMIT_HEADERS_ENABLED = True
    FORM_RATE_LIMIT = os.environ.get("FORM_RATE_LIMIT", "10 per hour")  # accepted posts of one public form
    FORM_POST_LIMIT = os.environ.get("FORM_POST_LIMIT", "60 per hour")  # every post, mistakes included
    # Failed coordinator sign-ins, counted per account from one client address, per client address, and per
    # account from anywhere (a higher ceiling; reaching it e-mails the coordinator an unlock link).
    SIGNIN_ACCOUNT_CLIENT_LIMIT = os.environ.get("SIGNIN_ACCOUNT_CLIENT_LIMIT", "5 per 15 minutes")
    SIGNIN_CLIENT_LIMIT = os.environ.get("SIGNIN_CLIENT_LIMIT", "20 per 15 minutes")
    SIGNIN_ACCOUNT_LIMIT = os.environ.get("SIGNIN_ACCOUNT_LIMIT", "50 per hour")
    # How many reverse proxies stand in front (their X-Forwarded-* headers are trusted).
    PROXY_COUNT = int(os.environ.get("PROXY_COUNT", 0))

    # Matching: weights of each part of the blended score.
    MATCH_WEIGHTS = {
        "text": float(os.environ.get("MATCH_WEIGHT_TEXT", 0.60)),
        "topics": float(os.environ.get("MATCH_WEIGHT_TOPICS", 0.15)),
        "help": float(os.environ.get("MATCH_WEIGHT_HELP", 0.05)),
        "distance": float(os.environ.get("MATCH_WEIGHT_DISTANCE", 0.10)),
        "terms": float(os.environ.get("MATCH_WEIGHT_TERMS", 0.05)),
        "capacity": float(os.environ.get("MATCH_WEIGHT_CAPACITY", 0.05)),
    }
    SUGGESTIONS_PER_PROBLEM = int(os.environ.get("SUGGESTIONS_PER_PROBLEM", 10))
    # Global assignment considers each problem's best N stored suggestions.
    ASSIGNMENT_TOP_N = int(os.environ.get("ASSIGNMENT_TOP_N", 40))

    # The programme's time zone (an IANA name): dates and times on pages and in e-mails are shown in it, and
    # "today" (deadlines, dates that may not lie in the future) is judged in it. The agencies and researchers
    # are in the United States, where UTC's midnight falls in the previous evening; Eastern time is where most
    # of them live. A programme run from elsewhere sets its own; create_app refuses an unknown name.
    TIMEZONE = os.environ.get("TIMEZONE", "America/New_York")

    SEED_DIR = os.environ.get(
        "SEED_DIR", os.path.join(os.path.dirname(os.path.dirname(__file__)), "seed")
    )


class TestConfig(Config):
    """Settings for the test suite: isolated database, no CSRF, no rate limits, fast links."""

    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "test-secret-key"
    SQLALCHEMY_DATABASE_URI = _normalise_database_url(
        os.environ.get("TEST_DATABASE_URL", "sqlite://")
    )
    WTF_CSRF_ENABLED = False
    RATELIMIT_ENABLED = False
    MAIL_SERVER = ""
    SITE_URL = "http://localhost"
    SESSION_COOKIE_SECURE = False
    COORDINATOR_EMAILS = ["coordinators@example.org"]
    # Tasks run where they are enqueued; tests about asynchrony start a real consumer (tests/fixtures/worker.py).
    TASKS_IMMEDIATE = True
    TASK_QUEUE_URL = "memory://"
    # Existing tests read times as UTC; the time zone tests set a zone of their own.
    TIMEZONE = "UTC"
