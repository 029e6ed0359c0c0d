"""gunicorn settings for production: `.venv/bin/gunicorn -c deploy/gunicorn.conf.py wsgi:app`.

A slow client must not pin the site. Threaded workers (gthread) keep idle and keep-alive connections off the
worker threads, so a handful of slow clients do not hold every worker as they do with the default sync workers;
short timeouts drop stalled requests; request lines and headers are capped. The reverse proxy in front still
buffers whole requests and responses (nginx does by default) and times out slow clients itself: see README.
Every value can be changed through an environment variable.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", 4))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", 8))
# A worker silent for this long is restarted; a request still waiting for its client this long is dropped.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = 30
# Seconds an idle keep-alive connection is kept (the proxy reuses them).
keepalive = 5
# Request line, header count and header size caps (a request body is capped by MAX_CONTENT_LENGTH).
limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190
# Only the local proxy may say which scheme the client used.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
# A fresh worker now and then bounds slow leaks; jitter keeps workers from restarting together.
max_requests = 10000
max_requests_jitter = 1000
accesslog = "-"
