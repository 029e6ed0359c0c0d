"""The reduced load test and the two-instance check, run as CI does (PostgreSQL and Redis needed)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.conftest import is_postgres

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not is_postgres(), reason="needs TEST_DATABASE_URL to point at PostgreSQL"),
]


def server_of(url: str) -> str:
    """The PostgreSQL server of TEST_DATABASE_URL (the benchmarks create their own databases there)."""
    return url.rsplit("/", 1)[0]


# Production refuses to start without SITE_URL, which bench/serve.py's site_env leaves empty: until it sets one,
# the benchmarks run with site_env wrapped to give the loopback address they talk to.
WITH_SITE_URL = """
import runpy, sys
import bench.serve as serve
plain = serve.site_env
serve.site_env = lambda *args: {**plain(*args), "SITE_URL": "http://127.0.0.1"}
runpy.run_module(sys.argv.pop(1), run_name="__main__")
"""


def run_bench(module: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", WITH_SITE_URL, module, "--server", server_of(os.environ["TEST_DATABASE_URL"]), *args],
        cwd=ROOT, capture_output=True, text=True, timeout=900,
    )


def test_reduced_load_test_stores_every_submission_once():
    result = run_bench("bench.bench_load", "--small", "--database", "load_bench_ci")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "| submit problem (POST)" in result.stdout
    assert "stored exactly once" in result.stdout


def test_two_instances_share_profiles_suggestions_and_rate_limits():
    result = run_bench("bench.bench_instances", "--database", "instances_bench_ci")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "OK:" in result.stdout
