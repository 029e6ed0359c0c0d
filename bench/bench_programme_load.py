"""Load test at programme size: gunicorn (4 workers) on PostgreSQL holding 10,000 researchers and 2,000 problems.

    python -m bench.bench_programme_load                       # build the programme, measure, drop it
    python -m bench.bench_programme_load --keep                # keep the database for another run
    python -m bench.bench_programme_load --reuse               # measure on the database a --keep run left
    python -m bench.bench_programme_load --worker-cmd "flask worker --threads 4"   # rankings on task workers

`flask synthesize-programme` fills the database; a coordinator signs in; 16 clients then open coordinator
problem pages and the review queue, search the directory with varied words and filters, and submit problem
statements through the agency form (with its CSRF token). Prints p50/p95 per page and, with --count-queries,
the SQL statements one request of each page sends. Afterwards every submission must be stored exactly once
(and, unless --no-wait-suggestions, have its suggestions: computed in the request today, or by the task
workers started with --worker-cmd). Exits non-zero on any error.
"""

from __future__ import annotations

import argparse
import logging
import os
import queue
import random
import secrets
import shlex
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from urllib.parse import urlencode

from bench.bench_load import PLACES, PROBLEMS, Recorder, percentile
from bench.serve import (
    BIN,
    ROOT,
    Browser,
    connect,
    csrf_token,
    database_url,
    drop_database,
    recreate_database,
    site_env,
    start_gunicorn,
)
from matcher import taxonomy

TARGETS_MS = {"coordinator problem page": 150, "directory search": 100, "agency submission (POST)": 300}
SEARCH_WORDS = ["burglary", "gun violence", "overdose", "crisis intervention", "hot spots", "body-worn cameras",
                "domestic violence", "reentry", "gangs", "procedural justice", "randomized trial",
                "crime mapping", "juvenile", "robbery", "traffic safety", "opioids", "", ""]
AGENCY_TYPES = taxonomy.slugs(taxonomy.AGENCY_TYPES)


def flask(env: dict[str, str], *args: str, stdin: str | None = None, timeout: float = 3600) -> str:
    """Run one `flask` command in the project folder; its output."""
    done = subprocess.run([os.path.join(BIN, "flask"), *args], cwd=ROOT, env=env, input=stdin, text=True,
                          capture_output=True, timeout=timeout)
    if done.returncode:
        raise SystemExit(f"flask {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def build_programme(env: dict[str, str], args) -> float:
    """Migrate and synthesize the programme; seconds it took."""
    started = time.perf_counter()
    flask(env, "db", "upgrade")
    print(flask(env, "synthesize-programme", "--researchers", str(args.researchers), "--problems",
                str(args.problems), "--partnerships", str(args.partnerships), "--seed", str(args.seed)).rstrip())
    return time.perf_counter() - started


def sign_in(base: str, email: str, password: str) -> dict[str, str]:
    """Sign the coordinator in once; the session cookies every coordinator client shares."""
    browser = Browser(base, timeout=120)
    page = browser.get("/coordinators/sign-in")
    reply = browser.post("/coordinators/sign-in", {"csrf_token": csrf_token(page.body), "email": email,
                                                   "password": password})
    if reply.status not in (302, 303) or "sign-in" in reply.location:
        raise SystemExit(f"coordinator sign-in failed: HTTP {reply.status} {reply.location}")
    return dict(browser.cookies)


def submission(token: str, n: int, marker: str) -> dict:
    """An agency's problem statement from one of several agency types."""
    title, topics, text = random.choice(PROBLEMS)
    city, state, zip_code = random.choice(PLACES)
    agency_type = random.choice(AGENCY_TYPES)
    return {
        "csrf_token": token, "agency_name": f"Programme Load Agency {n}", "agency_type": agency_type,
        "city": city, "state": state, "zip": zip_code, "contact_name": "Dana Whitfield", "contact_role": "Analyst",
        "email": f"agency{n}.{marker}@example.gov", "phone": "(617) 555-0142", "title": f"{title} [{marker}]",
        "description": text + " We keep incident data and calls for service.", "topics": topics,
        "help_wanted": ["advice", "evaluation"], "data_available": ["incidents-rms", "cad"],
        "evaluation_design": "quasi-experimental", "timeline": "This fall", "funding": "none",
        "max_distance_miles": "100", "website": "",
    }


def search_path() -> str:
    """A directory search with varied words and filters."""
    params = [("q", random.choice(SEARCH_WORDS))]
    if random.random() < 0.4:
        params.append(("state", random.choice(["MA", "IL", "CA", "TX", "NY", "VA", "PA"])))
    if random.random() < 0.3:
        params.append(("topic", random.choice(taxonomy.slugs(taxonomy.TOPICS))))
    if random.random() < 0.2:
        params.append(("method", random.choice(taxonomy.slugs(taxonomy.METHODS))))
    if random.random() < 0.15:
        params += [("zip", random.choice(PLACES)[2]), ("miles", "100")]
    params.append(("page", str(random.choice([1, 1, 1, 2, 3]))))
    return "/directory/?" + urlencode(params)


def queue_path() -> str:
    """The review queue, sometimes narrowed by status, topic, state or agency type."""
    params = {}
    if random.random() < 0.5:
        params["status"] = random.choice(["new", "under-review", "introduced", "partnered"])
    if random.random() < 0.3:
        params["topic"] = random.choice(taxonomy.slugs(taxonomy.TOPICS))
    if random.random() < 0.2:
        params["agency_type"] = random.choice(AGENCY_TYPES)
    params["page"] = str(random.choice([1, 1, 2, 5]))
    return "/coordinators/queue?" + urlencode(params)


def client(base: str, cookies: dict[str, str], tasks: queue.Queue, recorder: Recorder, deadline: float,
           marker: str, problem_ids: list[int], submitted: list[int], timeout: float) -> None:
    """One client: takes tasks until none are left or time is up."""
    while time.monotonic() < deadline:
        try:
            kind, n = tasks.get_nowait()
        except queue.Empty:
            return
        if kind == "submit":
            browser = Browser(base, timeout=timeout)
            page = recorder.timed("agency form (GET)", browser, "/agencies/submit", 200)
            if page and recorder.timed("agency submission (POST)", browser, "/agencies/submit", 303,
                                       submission(csrf_token(page.body), n, marker)):
                submitted.append(n)
        elif kind == "search":
            recorder.timed("directory search", Browser(base, timeout=timeout), search_path(), 200)
        elif kind == "problem":
            recorder.timed("coordinator problem page", Browser(base, timeout=timeout, cookies=dict(cookies)),
                           f"/coordinators/problems/{random.choice(problem_ids)}", 200)
        else:
            recorder.timed("coordinator queue", Browser(base, timeout=timeout, cookies=dict(cookies)), queue_path(),
                           200)


def count_queries(url: str, problem_id: int, coordinator_email: str,
                  password: str) -> dict[str, tuple[int, float]]:
    """Per page: SQL statements of one warm request and the median ms of three, one at a time (in-process test
    client on the same database, no other load from this benchmark)."""
    from sqlalchemy import event

    from matcher import create_app
    from matcher.config import TestConfig
    from matcher.extensions import db

    app = create_app(type("CountConfig", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": url, "TESTING": False}))
    app.logger.setLevel(logging.WARNING)  # not the logged e-mails of the counted submission
    statements = []
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    web = app.test_client()
    signed_in = web.post("/coordinators/sign-in", data={"email": coordinator_email, "password": password})
    if signed_in.status_code != 302:
        raise SystemExit(f"in-process coordinator sign-in failed: HTTP {signed_in.status_code}")

    def fresh_submission() -> dict:
        form = submission("", 0, "count-" + uuid.uuid4().hex[:6])
        del form["csrf_token"]
        return form

    pages = {
        "coordinator problem page": lambda: web.get(f"/coordinators/problems/{problem_id}"),
        "coordinator queue": lambda: web.get("/coordinators/queue?status=new"),
        "directory search": lambda: web.get("/directory/?q=burglary&state=MA"),
        "agency submission (POST)": lambda: web.post("/agencies/submit", data=fresh_submission()),
    }
    measured = {}
    for page, send in pages.items():
        send()  # warm: the text indexes are fitted on first use
        times, counts = [], []
        for _ in range(3):
            statements.clear()
            started = time.perf_counter()
            reply = send()
            times.append(time.perf_counter() - started)
            counts.append(len(statements) if reply.status_code < 400 else -reply.status_code)
        measured[page] = (max(counts), sorted(times)[1] * 1000)
    return measured


def verify(url: str, marker: str, submitted: list[int], expected: int, wait_suggestions: float) -> list[str]:
    """Every submission stored exactly once (with its suggestions, waiting up to wait_suggestions s)."""
    wrong = []
    with connect(url) as connection:
        stored = dict(connection.execute(
            "SELECT agency_name, count(*) FROM problems WHERE title LIKE %s GROUP BY agency_name",
            (f"%[{marker}]",)).fetchall())
        for n in submitted:
            if stored.get(f"Programme Load Agency {n}") != 1:
                wrong.append(f"submission {n} stored {stored.get(f'Programme Load Agency {n}', 0)} times")
        # A submission whose reply timed out may be stored (once) without being counted as accepted.
        wrong += [f"{name} stored {times} times" for name, times in stored.items() if times > 1]
        if wait_suggestions >= 0:
            deadline = time.monotonic() + wait_suggestions
            while True:
                without = connection.execute(
                    "SELECT count(*) FROM problems p WHERE p.title LIKE %s AND NOT EXISTS "
                    "(SELECT 1 FROM suggestions s WHERE s.problem_id = p.id)", (f"%[{marker}]",)).fetchone()[0]
                if not without or time.monotonic() > deadline:
                    break
                time.sleep(1)
            if without:
                wrong.append(f"{without} submissions have no suggestions after {wait_suggestions:.0f} s")
    if len(submitted) != expected:
        wrong.append(f"only {len(submitted)} of {expected} submissions were accepted")
    return wrong


def print_table(recorder: Recorder, wall: float, title: str, queries: dict[str, tuple[int, float]]) -> None:
    print(f"\n{title}\n")
    header = (f"| {'page':26} | {'requests':>8} | {'p50 ms':>7} | {'p95 ms':>7} | {'target p95':>10} "
              f"| {'SQL/request':>11} | {'alone ms':>8} | {'errors':>6} |")
    print(header)
    print("|" + "|".join("-" * len(part) for part in header.split("|")[1:-1]) + "|")
    for page in sorted(recorder.latencies):
        values = recorder.latencies[page]
        target = f"≤ {TARGETS_MS[page]}" if page in TARGETS_MS else ""
        sql, alone = (str(queries[page][0]), f"{queries[page][1]:.0f}") if page in queries else ("", "")
        print(f"| {page:26} | {len(values):8} | {percentile(values, 0.5) * 1000:7.0f} "
              f"| {percentile(values, 0.95) * 1000:7.0f} | {target:>10} | {sql:>11} | {alone:>8} "
              f"| {recorder.errors[page]:6} |")
    total = sum(len(v) for v in recorder.latencies.values())
    print(f"\n{total} requests in {wall:.1f} s ({total / wall:.1f} req/s)")


def start_workers(command: str, env: dict[str, str], log_dir: str) -> subprocess.Popen:
    """The task-queue workers, in their own process group (stopped afterwards)."""
    log = open(os.path.join(log_dir, "workers.log"), "w")  # noqa: SIM115 (kept open while they run)
    return subprocess.Popen(shlex.split(command), cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--researchers", type=int, default=10_000)
    parser.add_argument("--problems", type=int, default=2_000)
    parser.add_argument("--partnerships", type=int, default=800)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--requests", type=int, default=400, help="requests per page kind (submissions: half)")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--worker-cmd", default="", help="also start these task-queue workers (a shell-quoted "
                        "command run in the project folder with the site's environment)")
    parser.add_argument("--wait-suggestions", type=float, default=120, help="seconds to wait for the submissions' "
                        "suggestions afterwards (-1: do not check them)")
    parser.add_argument("--count-queries", action=argparse.BooleanOptionalAction, default=True,
                        help="count the SQL statements of one request per page (in-process)")
    parser.add_argument("--request-timeout", type=float, default=120, help="seconds before a client gives up on "
                        "a reply (counted as an error)")
    parser.add_argument("--time-limit", type=float, default=1200, help="seconds for the load phase")
    parser.add_argument("--server", default=os.environ.get("BENCH_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432"))
    parser.add_argument("--database", default="programme_load")
    parser.add_argument("--redis", default=os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/13"))
    parser.add_argument("--task-queue", default=os.environ.get("BENCH_TASK_QUEUE", "redis://127.0.0.1:6379/12"),
                        help="the queue the web processes and --worker-cmd workers share")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", action="store_true", help="use the programme a --keep run left (no rebuild)")
    args = parser.parse_args(argv)
    args.clients = max(1, min(args.clients, 64))
    random.seed(args.seed)

    url = database_url(args.server, args.database) if args.reuse else recreate_database(args.server, args.database)
    if args.worker_cmd:
        import redis

        redis.Redis.from_url(args.task_queue).flushdb()  # no job left from an earlier run
    # One client address: the limits are not the subject. Without workers, rankings run inside the request.
    env = site_env(url, args.redis, "1000000 per hour", task_queue_url=args.task_queue if args.worker_cmd else "")
    env["SITE_URL"] = "http://127.0.0.1"  # production refuses to start without it; no e-mail leaves anyway
    log_dir = tempfile.mkdtemp(prefix="bench_programme_")
    instance = workers = None
    try:
        build = None if args.reuse else build_programme(env, args)
        password = secrets.token_urlsafe(16)
        with connect(url) as connection:
            problem_ids = [row[0] for row in connection.execute(
                "SELECT id FROM problems WHERE status IN ('new', 'under-review', 'introduced', 'partnered') "
                "ORDER BY id")]
            researchers = connection.execute("SELECT count(*) FROM researchers").fetchone()[0]
        marker = uuid.uuid4().hex[:8]
        coordinator = f"load.{marker}@example.org"
        flask(env, "create-coordinator", coordinator, stdin=f"{password}\n{password}\n")
        instance = start_gunicorn(env, args.workers, os.path.join(log_dir, "gunicorn.log"))
        if args.worker_cmd:
            workers = start_workers(args.worker_cmd, env, log_dir)
        cookies = sign_in(instance.base, coordinator, password)
        # Fit each worker's text index before timing: the first request after a start pays for it.
        for _ in range(args.workers * 3):
            Browser(instance.base, timeout=300).get("/directory/?q=burglary")
            Browser(instance.base, cookies=dict(cookies), timeout=300).get(f"/coordinators/problems/{problem_ids[0]}")
        submissions = args.requests // 2
        work = ([("problem", n) for n in range(args.requests)] + [("search", n) for n in range(args.requests)]
                + [("submit", n) for n in range(submissions)] + [("queue", n) for n in range(args.requests // 2)])
        random.shuffle(work)
        tasks: queue.Queue = queue.Queue()
        for task in work:
            tasks.put(task)
        recorder, submitted = Recorder(), []
        start = time.monotonic()
        deadline = start + args.time_limit
        threads = [threading.Thread(target=client, daemon=True, args=(
            instance.base, cookies, tasks, recorder, deadline, marker, problem_ids, submitted, args.request_timeout))
            for _ in range(args.clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=max(1.0, deadline - time.monotonic() + 60))
        wall = time.monotonic() - start
        wrong = verify(url, marker, submitted, submissions, args.wait_suggestions)
        queries = count_queries(url, problem_ids[len(problem_ids) // 2], coordinator,
                                                  password) if args.count_queries else {}
        load = os.getloadavg()
        built = f"built in {build:.0f} s" if build is not None else "reused"
        print_table(recorder, wall, f"Programme load: {researchers} researchers, {len(problem_ids)} open problems "
                    f"({built}); {args.clients} clients, gunicorn {args.workers} workers"
                    f"{', task workers: ' + args.worker_cmd if args.worker_cmd else ''}, PostgreSQL; "
                    f"load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} on {os.cpu_count()} cores", queries)
        if tasks.qsize():
            wrong.append(f"time limit reached with {tasks.qsize()} tasks left")
        wrong += recorder.error_samples
        if wrong:
            print("\nFAILED:\n  " + "\n  ".join(wrong[:30]))
            print(f"logs: {log_dir}")
            return 1
        print(f"\nOK: {len(submitted)} submissions stored exactly once"
              f"{', each with suggestions' if args.wait_suggestions >= 0 else ''}; no errors.")
        return 0
    finally:
        if workers is not None:
            stop(workers)
        if instance is not None:
            instance.stop()
        if not args.keep:
            drop_database(args.server, args.database)


if __name__ == "__main__":
    sys.exit(main())
