"""The shipped gunicorn settings: a few slow clients cannot pin the site (the default sync worker is pinned)."""

from __future__ import annotations

import os
import runpy
import socket
import subprocess
import time
import urllib.request

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CONFIG = os.path.join(ROOT, "deploy", "gunicorn.conf.py")
GUNICORN = os.path.join(ROOT, ".venv", "bin", "gunicorn")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_the_config_uses_threaded_workers_and_short_timeouts():
    settings = runpy.run_path(CONFIG)
    assert settings["worker_class"] == "gthread" and settings["threads"] >= 4
    assert settings["timeout"] <= 60 and settings["keepalive"] <= 10
    assert settings["limit_request_line"] <= 8190 and settings["limit_request_fields"] <= 100


@pytest.mark.skipif(not os.path.exists(GUNICORN), reason="gunicorn is not installed in .venv")
def test_three_slow_clients_do_not_pin_a_one_worker_site(tmp_path):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = dict(os.environ, SECRET_KEY="k" * 64, MATCHER_ENV="development", GUNICORN_BIND=f"127.0.0.1:{port}",
               DATABASE_URL=f"sqlite:///{tmp_path / 'site.sqlite3'}", GUNICORN_WORKERS="1", GUNICORN_THREADS="4")
    server = subprocess.Popen([GUNICORN, "-c", CONFIG, "wsgi:app"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, start_new_session=True)
    slow: list[socket.socket] = []
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{base}/static/css/site.css", timeout=1).read()
                break
            except OSError:
                assert time.monotonic() < deadline and server.poll() is None, "gunicorn did not start"
                time.sleep(0.2)
        for _ in range(3):  # each sends half a request and stalls
            connection = socket.create_connection(("127.0.0.1", port))
            connection.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            slow.append(connection)
        started = time.monotonic()
        assert urllib.request.urlopen(f"{base}/static/css/site.css", timeout=5).status == 200
        assert time.monotonic() - started < 5
    finally:
        for connection in slow:
            connection.close()
        os.killpg(server.pid, 15)
        server.wait(timeout=30)
