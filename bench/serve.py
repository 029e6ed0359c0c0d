"""Helpers shared by the deployment benchmarks: a database of their own, gunicorn instances, an HTTP client.

Everything stays on 127.0.0.1. The benchmarks create their own PostgreSQL database (never `test`) and
remove it afterwards unless asked to keep it.
"""

from __future__ import annotations

import html
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.client import HTTPConnection

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.dirname(sys.executable)
FORBIDDEN_DATABASES = {"test", "postgres", "template0", "template1"}


def free_port() -> int:
    """A loopback TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url(server: str, name: str) -> str:
    """The URL of database `name` on the server of `server` (a postgresql+psycopg:// URL)."""
    parts = urllib.parse.urlsplit(server)
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, "/" + name, "", ""))


def recreate_database(server: str, name: str) -> str:
    """Drop and create database `name`; return its URL."""
    import psycopg

    if name in FORBIDDEN_DATABASES:
        raise SystemExit(f"refusing to use the database {name!r}")
    admin = database_url(server, "postgres").replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    return database_url(server, name)


def drop_database(server: str, name: str) -> None:
    import psycopg

    admin = database_url(server, "postgres").replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def connect(url: str):
    """A psycopg connection to a database URL."""
    import psycopg

    return psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True)


def site_env(url: str, redis_url: str, form_limit: str, task_queue_url: str = "") -> dict[str, str]:
    """Production-like settings: real secret, PostgreSQL, Redis for rate limits, mail only logged.

    Jobs (mail, rankings) go to task_queue_url for separately started workers; without one they run inside
    the request that queues them (TASKS_IMMEDIATE), so a benchmark without workers still sees suggestions."""
    env = dict(os.environ)
    env.update({
        "FLASK_APP": "wsgi", "MATCHER_ENV": "production", "SECRET_KEY": secrets.token_hex(32),
        "DATABASE_URL": url, "RATELIMIT_STORAGE_URI": redis_url, "FORM_RATE_LIMIT": form_limit,
        "FORM_POST_LIMIT": "1000000 per hour",  # the flood guard on every post is not what these measure
        "SESSION_COOKIE_SECURE": "0",  # plain HTTP on loopback; behind the TLS proxy this stays on
        "MAIL_SERVER": "", "COORDINATOR_EMAILS": "coordinators@example.org", "SITE_URL": "",
    })
    if task_queue_url:
        env["TASK_QUEUE_URL"] = task_queue_url
    else:
        env["TASKS_IMMEDIATE"] = "1"
    return env


def prepare_database(env: dict[str, str]) -> None:
    """Migrate and load the sample data (with their suggestions)."""
    for args in (["db", "upgrade"], ["seed"]):
        subprocess.run([os.path.join(BIN, "flask"), *args], cwd=ROOT, env=env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=600)


@dataclass
class Instance:
    """One gunicorn instance serving the site."""

    port: int
    process: subprocess.Popen
    log_path: str

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)


def start_gunicorn(env: dict[str, str], workers: int, log_path: str, timeout: float = 60) -> Instance:
    """Start gunicorn on a free loopback port and wait until it answers."""
    port = free_port()
    log = open(log_path, "w")  # noqa: SIM115 (kept open for the server's lifetime)
    process = subprocess.Popen(
        [os.path.join(BIN, "gunicorn"), "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
         "--timeout", "120", "wsgi:app"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    instance = Instance(port, process, log_path)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited early; see {log_path}")
        try:
            if Browser(instance.base).get("/").status == 200:
                return instance
        except OSError:
            pass
        time.sleep(0.3)
    instance.stop()
    raise SystemExit(f"gunicorn did not answer within {timeout} s; see {log_path}")


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: str

    @property
    def location(self) -> str:
        return self.headers.get("location", "")


@dataclass
class Browser:
    """A minimal HTTP client with its own cookies, like one visitor's browser (loopback only)."""

    base: str
    timeout: float = 30
    cookies: dict[str, str] = field(default_factory=dict)

    def request(self, method: str, path: str, data: dict | list | None = None) -> Reply:
        parts = urllib.parse.urlsplit(self.base)
        if parts.hostname != "127.0.0.1":
            raise ValueError("the benchmarks only talk to 127.0.0.1")
        connection = HTTPConnection(parts.hostname, parts.port, timeout=self.timeout)
        headers = {"Host": parts.netloc}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if data is not None:
            body = urllib.parse.urlencode(data, doseq=True).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
            for name, value in response.getheaders():
                if name.lower() == "set-cookie":
                    key, _, rest = value.partition("=")
                    self.cookies[key.strip()] = rest.split(";", 1)[0]
            return Reply(response.status, {k.lower(): v for k, v in response.getheaders()}, text)
        finally:
            connection.close()

    def get(self, path: str) -> Reply:
        return self.request("GET", path)

    def post(self, path: str, data) -> Reply:
        return self.request("POST", path, data)


CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def csrf_token(page: str) -> str:
    """The CSRF token of the first form on a page."""
    match = CSRF.search(page)
    if not match:
        raise ValueError("no CSRF token on the page")
    return match.group(1)


class FormScraper(HTMLParser):
    """The values a browser would send for the form whose action ends with `action`."""

    def __init__(self, action: str) -> None:
        super().__init__(convert_charrefs=True)
        self.action, self.inside, self.values = action, False, []
        self._textarea: str | None = None
        self._select: str | None = None
        self._option: dict | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = (a.get("action") or "").endswith(self.action) and a.get("method", "").lower() == "post"
        if not self.inside:
            return
        if tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind in ("submit", "button"):
                return
            self.values.append((a["name"], a.get("value", "y" if kind == "checkbox" else "")))
        elif tag == "textarea":
            self._textarea = a.get("name")
            self.values.append((self._textarea, ""))
        elif tag == "select":
            self._select = a.get("name")
        elif tag == "option" and self._select and "selected" in a:
            self.values.append((self._select, a.get("value", "")))

    def handle_data(self, data):
        if self._textarea is not None:
            name, value = self.values[-1]
            self.values[-1] = (name, value + data)

    def handle_endtag(self, tag):
        if tag == "textarea":
            if self._textarea is not None:
                name, value = self.values[-1]
                self.values[-1] = (name, value[1:] if value.startswith("\n") else value)
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "form":
            self.inside = False


def form_values(page: str, action: str) -> list[tuple[str, str]]:
    """The (name, value) pairs of a form on a page, as the browser would post them."""
    scraper = FormScraper(action)
    scraper.feed(page)
    return [(name, html.unescape(value)) for name, value in scraper.values]
