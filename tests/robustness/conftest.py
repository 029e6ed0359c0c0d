"""Hostile input for the property-based tests, and the hypothesis profile that keeps them quick."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st

from matcher.services import accounts, index_cache

settings.register_profile(
    "robustness",
    max_examples=int(os.environ.get("ROBUSTNESS_EXAMPLES", 30)),
    deadline=None,
    derandomize=bool(os.environ.get("CI")),
    # No shrinking: each example builds a small site, so shrinking can take minutes. The failing example
    # is still printed as found.
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                           HealthCheck.data_too_large],
)
robust = settings.get_profile("robustness")

FRAGMENTS = [
    "'; DROP TABLE problems; --", "\" OR 1=1 --", "%' OR '%'='", "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>", "{{ config }}", "{% raw %}", "${7*7}", "\x00", "\r\n\r\n", "\u202e",
    "\ufeff", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 🚓👮🏽‍♀️", "ÅÄÖ ñ ü ß", "中文字符", "null", "None", "-1", "0", "99999999999999999999",
    "1e309", "NaN", "²", "١٢", "３", "2147483648", "../../etc/passwd", "%00", "|burglary|", " ", "",
]


def hostile_text(max_size: int = 400) -> st.SearchStrategy[str]:
    """Random Unicode (control characters included), SQL/HTML fragments, blanks, and now and then a lot."""
    return st.one_of(
        st.text(max_size=max_size),
        st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x1F), max_size=20),
        st.sampled_from(FRAGMENTS),
        st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=5).map("".join),
        st.sampled_from(["x" * 10_000, "é" * 3_000, "word " * 40_000]),
    )


@pytest.fixture
def fresh_index(app, monkeypatch):
    """A new text index for this test, and no counted sign-in failures."""
    index_cache.forget(app)
    with app.app_context():
        accounts.reset_sign_in_throttle()


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: starts gunicorn instances (the deployment checks)")
