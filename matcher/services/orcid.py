"""A small client for ORCID's public API (version 3.0): the works of a public record.

`http_get` is the only function that touches the network; tests replace it with recorded answers."""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request

from flask import current_app

log = logging.getLogger(__name__)

DEFAULT_API = "https://pub.orcid.org/v3.0"
DEFAULT_TIMEOUT_SECONDS = 5.0
MAX_ANSWER_BYTES = 5 * 1024 * 1024


class Unavailable(RuntimeError):
    """ORCID could not be reached, or answered with something other than the record."""


class NotFound(LookupError):
    """ORCID has no public record for this iD."""


class HttpError(Exception):
    """An HTTP answer other than 200, from `http_get`."""

    def __init__(self, status: int):
        super().__init__(f"HTTP {status}")
        self.status = status


def http_get(url: str, timeout: float) -> bytes:
    """GET url asking for JSON; HttpError for a non-200 answer, OSError when the server cannot be reached."""
    request = urllib.request.Request(url, headers={"Accept": "application/json",
                                                   "User-Agent": "ResearchPartners/1 (publication import)"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:  # noqa: S310 (fixed https address)
            return answer.read(MAX_ANSWER_BYTES + 1)
    except urllib.error.HTTPError as error:
        raise HttpError(error.code) from None


def fetch_works(orcid_id: str) -> dict:
    """The /works answer of a public ORCID record, as JSON; NotFound or Unavailable when it cannot be had."""
    config = current_app.config
    url = f"{config.get('ORCID_API_URL', DEFAULT_API).rstrip('/')}/{orcid_id}/works"
    try:
        body = http_get(url, timeout=config.get("ORCID_TIMEOUT_SECONDS", DEFAULT_TIMEOUT_SECONDS))
    except HttpError as error:
        if error.status in (404, 410):
            raise NotFound(orcid_id) from None
        log.warning("ORCID answered %s for %s", error.status, url)
        raise Unavailable(f"ORCID answered with an error ({error.status})") from None
    except (OSError, ValueError) as error:  # no route, DNS, refused, timed out, TLS
        log.warning("ORCID could not be reached: %s", error)
        raise Unavailable("ORCID could not be reached") from None
    if len(body) > MAX_ANSWER_BYTES:
        raise Unavailable("ORCID's answer was unexpectedly large")
    try:
        works = json.loads(body)
    except ValueError:
        raise Unavailable("ORCID's answer could not be read") from None
    if not isinstance(works, dict):
        raise Unavailable("ORCID's answer could not be read")
    return works
