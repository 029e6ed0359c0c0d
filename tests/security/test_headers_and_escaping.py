"""Security headers on every response, no inline script anywhere, and user text always escaped."""

from __future__ import annotations

import re

import pytest

from matcher.services import accounts, index_cache
from tests.security.conftest import ROLES, build_world, client_as, routes, url_of

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
STYLE_ATTRIBUTE = re.compile(r"<[^>]+\sstyle\s*=", re.I)
PAYLOAD = '<script>alert("xss")</script><img src=x onerror=alert(1)>'
RAW_MARKERS = ('<script>alert("xss")', "<img src=x onerror")


def assert_secure_headers(response, where) -> None:
    headers = response.headers
    policy = headers.get("Content-Security-Policy", "")
    assert "default-src 'self'" in policy and "script-src 'self'" in policy, where
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, where
    assert "frame-ancestors 'none'" in policy, where
    assert headers.get("X-Frame-Options") == "DENY", where
    assert headers.get("X-Content-Type-Options") == "nosniff", where
    assert headers.get("Referrer-Policy") == "same-origin", where


def assert_no_inline_code(html: str, where) -> None:
    """The CSP forbids inline scripts, handlers and style attributes: a page relying on them would break."""
    assert not INLINE_SCRIPT.search(html), where
    assert not EVENT_HANDLER.search(html), where
    assert not STYLE_ATTRIBUTE.search(html), where


@pytest.mark.parametrize("role", ROLES)
def test_every_get_route_sends_the_security_headers_and_no_inline_code(app, world, role):
    client = client_as(app, role)
    for rule in routes(app, "GET"):
        response = client.get(url_of(app, rule, world))
        assert_secure_headers(response, (role, rule.rule))
        if response.mimetype == "text/html":
            assert_no_inline_code(response.get_data(as_text=True), (role, rule.rule))
            assert response.headers.get("Cache-Control") == "no-store", (role, rule.rule)


def test_every_post_route_and_error_sends_the_security_headers(app, world):
    client = client_as(app, "coordinator")
    for rule in routes(app, "POST"):
        if rule.endpoint.endswith("sign_out"):
            continue
        response = client.post(url_of(app, rule, world), data={})
        assert_secure_headers(response, rule.rule)
    for path in ("/no-such-page", "/directory/researchers/999999", "/agencies/status/" + "A" * 43):
        assert_secure_headers(client.get(path), path)
    assert_secure_headers(client.put("/"), "PUT /")


@pytest.fixture
def hostile_world(app, db, monkeypatch):
    """The small site with markup typed into every free-text field."""
    index_cache.forget(app)
    accounts.reset_sign_in_throttle()
    return build_world(text=PAYLOAD)


@pytest.mark.parametrize("role", ROLES)
def test_markup_typed_by_users_is_shown_as_text_on_every_page(app, hostile_world, role):
    client = client_as(app, role)
    shown_escaped = []
    for rule in routes(app, "GET"):
        if rule.endpoint == "static":
            continue
        for query in ("", "?q=" + PAYLOAD + "&page=" + PAYLOAD + "&state=" + PAYLOAD):
            response = client.get(url_of(app, rule, hostile_world) + query)
            if response.mimetype != "text/html":
                response.close()  # a streamed download ends here, in its own request's context
                continue
            html = response.get_data(as_text=True)
            for marker in RAW_MARKERS:
                assert marker not in html, (role, rule.rule, query)
            if "&lt;script&gt;alert(" in html:
                shown_escaped.append(rule.endpoint)
    # The control: the payload does reach the pages, escaped, so the check above could fail.
    expected = {"directory.index", "directory.researcher", "directory.centre", "agencies.status"}
    if role == "coordinator":
        expected |= {"coordinators.problem", "coordinators.partnership", "coordinators.outbox", "coordinators.queue"}
    if role == "researcher":
        expected |= {"researchers.profile", "researchers.edit"}
    assert expected <= set(shown_escaped), expected - set(shown_escaped)


def test_hsts_when_the_site_is_https_only(client, config_override):
    assert "Strict-Transport-Security" not in client.get("/").headers  # http://localhost
    config_override(SITE_URL="https://partners.example.org")
    assert client.get("/").headers["Strict-Transport-Security"] == "max-age=31536000"
    assert client.get("/static/css/site.css").headers["Strict-Transport-Security"] == "max-age=31536000"
