"""Research Partners: matching criminal-justice agencies with university researchers."""

from __future__ import annotations

import logging
import os
import sys
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from matcher.config import DEV_SECRET_KEY, DEV_SITE_URL, MIN_PRODUCTION_KEY_BYTES, Config, load_zone

if TYPE_CHECKING:  # Flask is imported when an app is built, so `import matcher.ranking` stays Flask-free
    from flask import Flask


def create_app(config: type[Config] | dict | None = None) -> Flask:
    """Build the application: config, extensions, blueprints, CLI, error pages."""
    from flask import Flask

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=os.path.join(root, "templates"),
        static_folder=os.path.join(root, "static"),
    )
    load_config(app, config)
    trust_proxies(app)
    configure_logging(app)
    register_converters(app)
    register_extensions(app)
    register_blueprints(app)
    register_commands(app)
    register_request_hooks(app)
    return app


def load_config(app: Flask, config: type[Config] | dict | None) -> None:
    """Apply the config class (or a dict of overrides) and the SQLite default."""
    app.config.from_object(Config)
    if isinstance(config, dict):
        app.config.update(config)
    elif config is not None:
        app.config.from_object(config)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        os.makedirs(app.instance_path, exist_ok=True)
        path = os.path.join(app.instance_path, "matcher.sqlite3")
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{path}"
    apply_secret_key(app)
    apply_site_url(app)
    load_zone(app.config["TIMEZONE"])  # an unknown TIMEZONE stops the start with a clear message


def apply_secret_key(app: Flask) -> None:
    """A real SECRET_KEY everywhere but debug and tests: from the environment, else (outside production) the
    instance folder's secret_key file; at least MIN_PRODUCTION_KEY_BYTES in production."""
    key = app.config.get("SECRET_KEY") or ""
    if key == DEV_SECRET_KEY:
        key = ""
    if app.config["ENV_NAME"] == "production":
        if len(key.encode()) < MIN_PRODUCTION_KEY_BYTES:
            raise RuntimeError(f"Set SECRET_KEY to a random value of at least {MIN_PRODUCTION_KEY_BYTES} bytes "
                               "before running in production, e.g. python3 -c 'import secrets; "
                               "print(secrets.token_hex(32))'.")
        return
    if not key:
        key = read_secret_key_file(app)
    if not key:
        if not (app.debug or app.testing):
            raise RuntimeError(
                "Set SECRET_KEY, or run `make run` once to write a random one into instance/secret_key. The "
                "published development key is only used by `flask --debug run` and the tests.")
        key = DEV_SECRET_KEY
    app.config["SECRET_KEY"] = key


def read_secret_key_file(app: Flask) -> str:
    """The key in SECRET_KEY_FILE (by default instance/secret_key), or '' when there is none."""
    path = app.config.get("SECRET_KEY_FILE") or os.path.join(app.instance_path, "secret_key")
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read().strip()
    except FileNotFoundError:
        return ""


def apply_site_url(app: Flask) -> None:
    """Check SITE_URL (required in production, else the address `make run` serves) and trust only its host."""
    production = app.config["ENV_NAME"] == "production"
    site = (app.config.get("SITE_URL") or "").strip().rstrip("/")
    if not site:
        if production:
            raise RuntimeError("Set SITE_URL to the site's public address (e.g. https://partners.example.org) "
                               "before running in production: every e-mailed link is built from it.")
        site = DEV_SITE_URL
    parts = urlsplit(site)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise RuntimeError(f"SITE_URL must look like https://partners.example.org, not {site!r}.")
    app.config["SITE_URL"] = site
    if not app.config.get("TRUSTED_HOSTS"):
        loopback = [] if production else ["127.0.0.1", "localhost"]
        app.config["TRUSTED_HOSTS"] = list(dict.fromkeys([parts.hostname, *loopback]))


def trust_proxies(app: Flask) -> None:
    """Behind PROXY_COUNT reverse proxies, take the client's address and scheme from their headers."""
    count = app.config.get("PROXY_COUNT", 0)
    if count:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)


def configure_logging(app: Flask) -> None:
    """Send the app's log records to stderr."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    app.logger.handlers[:] = [handler]
    app.logger.setLevel(logging.DEBUG if app.debug else logging.INFO)


def register_converters(app: Flask) -> None:
    """URL converters, before any route is added: `<int:…>` holds only ids the database can store."""
    from matcher import converters

    converters.init_app(app)


def register_extensions(app: Flask) -> None:
    """Bind every extension object to this app."""
    from matcher import auth, task_queue
    from matcher.extensions import csrf, db, limiter, login_manager, migrate
    from matcher.services import index_cache

    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(app.root_path), "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    auth.init_login(login_manager)
    login_manager.init_app(app)
    index_cache.init_app(app)
    task_queue.init_app(app)


def register_blueprints(app: Flask) -> None:
    """Mount one blueprint per area of the site."""
    from matcher.agencies import bp as agencies_bp
    from matcher.coordinators import bp as coordinators_bp
    from matcher.directory import bp as directory_bp
    from matcher.errors import register_error_pages
    from matcher.home import bp as home_bp
    from matcher.researchers import bp as researchers_bp

    app.register_blueprint(home_bp)
    app.register_blueprint(directory_bp, url_prefix="/directory")
    app.register_blueprint(researchers_bp, url_prefix="/researchers")
    app.register_blueprint(agencies_bp, url_prefix="/agencies")
    app.register_blueprint(coordinators_bp, url_prefix="/coordinators")
    register_error_pages(app)


def register_commands(app: Flask) -> None:
    """Add the `flask` commands."""
    from matcher.cli import register_cli

    register_cli(app)


def register_request_hooks(app: Flask) -> None:
    """Security headers on every response; template helpers."""
    from matcher import security, template_helpers

    security.init_app(app)
    template_helpers.init_app(app)
