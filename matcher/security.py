"""Security headers applied to every response."""

from flask import Flask, Response, current_app

from matcher.extensions import limiter

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'self'; "
    "object-src 'none'"
)


def add_security_headers(response: Response) -> Response:
    """Set CSP, framing, sniffing and referrer headers."""
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("X-Content-Type-Options", "nosniff")
    # Private status and sign-in links carry secrets in the URL: never leak them.
    headers.setdefault("Referrer-Policy", "no-referrer")
    if response.mimetype == "text/html":
        headers.setdefault("Cache-Control", "no-store")
    return response


def init_app(app: Flask) -> None:
    """Register the header hook."""
    app.after_request(add_security_headers)


def form_rate_limit():
    """Per-client limit on POSTs of a public form (FORM_RATE_LIMIT, e.g. '10 per hour')."""
    return limiter.limit(lambda: current_app.config["FORM_RATE_LIMIT"], methods=["POST"])
