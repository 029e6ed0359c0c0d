"""Security headers applied to every response, and the rate limits of public forms."""

import time
from collections.abc import Callable
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, request

from matcher.extensions import limiter

HSTS_SECONDS = 365 * 24 * 3600
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
    # Private status and sign-in links carry secrets in the URL: never send them to another site. Same-origin
    # (not no-referrer) because Flask-WTF checks, over HTTPS, that a form post's Referer is this site.
    headers.setdefault("Referrer-Policy", "same-origin")
    if response.mimetype == "text/html":
        headers.setdefault("Cache-Control", "no-store")
    if current_app.config.get("SITE_URL", "").startswith("https://"):
        # Served over TLS: browsers must never fall back to plain HTTP (a year, renewed on every visit).
        headers.setdefault("Strict-Transport-Security", f"max-age={HSTS_SECONDS}")
    return response


def refuse_nul_characters():
    """Refuse form or search input holding a NUL character: no one types it, and PostgreSQL cannot store it."""
    from matcher.errors import render_error

    sources = [request.args, request.form] if request.method == "POST" else [request.args]
    for values in sources:
        if any("\x00" in value for _, value in values.items(multi=True)):
            return render_error(400, "What you sent contains an invisible control character (NUL) that we cannot "
                                     "store. Remove it, for example by retyping the text, and try again.")
    return None


def init_app(app: Flask) -> None:
    """Register the header hook and the input check."""
    app.before_request(refuse_nul_characters)
    app.after_request(add_security_headers)


RefusedPage = Callable[[int], Response]


def form_rate_limit(refused_page: RefusedPage | None = None):
    """Per-client limits on a public form's POSTs: FORM_RATE_LIMIT counts accepted ones only (a redirect after
    success), so staff sharing one network are not refused for their typing mistakes; FORM_POST_LIMIT, more
    generous, counts every post against floods. A refused post gets refused_page(minutes to wait), which shows
    the form again with what was typed, or else the error page with the wait."""

    def on_breach(limit) -> Response:
        minutes = max(1, round((limit.reset_at - time.time()) / 60))
        if refused_page is not None:
            return refused_page(minutes)
        from matcher.errors import render_error

        body, code = render_error(429, "You have sent this form too often. Please wait about "
                                       f"{minutes_in_words(minutes)} and try again.")
        return current_app.make_response((body, code))

    def limits(decorated):
        accepted = limiter.limit(lambda: current_app.config["FORM_RATE_LIMIT"], methods=["POST"],
                                 deduct_when=lambda response: response.status_code in (302, 303),
                                 on_breach=on_breach, scope="accepted-posts")
        every = limiter.limit(lambda: current_app.config["FORM_POST_LIMIT"], methods=["POST"],
                              on_breach=on_breach, scope="all-posts")
        return every(accepted(decorated))

    return limits


def posted_from_this_site() -> bool:
    """Whether a post came from one of this site's own pages: its Origin (else its Referer) is this host."""
    return urlsplit(request.headers.get("Origin") or request.referrer or "").netloc == request.host


def expired_form_page(render: Callable[[], Response]):
    """Mark a view whose form, posted after its CSRF token expired (a session lost or replaced), is answered by
    render(): the form again, as typed, asking for one more press, instead of the error page that loses it.
    Only for posts from this site's own pages: a form posted from elsewhere is never shown as if typed here."""

    def mark(view):
        view.expired_form_page = render
        return view

    return mark


def minutes_in_words(minutes: int) -> str:
    """'1 minute', '25 minutes'."""
    return f"{minutes} minute{'s' if minutes != 1 else ''}"
