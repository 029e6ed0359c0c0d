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


# Two shims until bench/ catches up (bench/ is being changed elsewhere):
# - production refuses to start without SITE_URL, which bench/serve.py's site_env leaves empty: it is given the
#   loopback address the benchmarks talk to;
# - "Manage my profile" queues its sign-in link beside the response, so bench_instances' sign_in_link, which
#   reads the outbox at once, waits for the message (up to 10 s).
WITH_SHIMS = """
import importlib, sys, time
import bench.serve as serve
plain_env = serve.site_env
serve.site_env = lambda *args: {**plain_env(*args), "SITE_URL": "http://127.0.0.1"}
module = importlib.import_module(sys.argv.pop(1))
if hasattr(module, "sign_in_link"):
    plain_link = module.sign_in_link
    def waiting_sign_in_link(*args):
        deadline = time.monotonic() + 10
        while True:
            try:
                return plain_link(*args)
            except (TypeError, AttributeError):
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
    module.sign_in_link = waiting_sign_in_link
sys.exit(module.main())
"""


def run_bench(module: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", WITH_SHIMS, module, "--server", server_of(os.environ["TEST_DATABASE_URL"]), *args],
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
