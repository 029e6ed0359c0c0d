"""Load test: the site under gunicorn (4 workers) on PostgreSQL, 16 concurrent visitors on loopback.

    python -m bench.bench_load                      # 500 problem statements, 500 registrations
    python -m bench.bench_load --small              # the reduced run CI uses

Agencies submit problem statements and researchers register (each through the real form, with its CSRF
token) while other visitors browse the directory. Afterwards every submission is checked in the database:
stored exactly once, with its suggestions (problems) or its confirmation e-mail (registrations). Prints
throughput and p50/p95 latency per page type; exits non-zero when a check fails.
"""

from __future__ import annotations

import argparse
import os
import queue
import random
import sys
import tempfile
import threading
import time
import uuid
from collections import defaultdict

from bench.serve import (
    Browser,
    connect,
    csrf_token,
    drop_database,
    prepare_database,
    recreate_database,
    site_env,
    start_gunicorn,
)

PLACES = [("Boston", "MA", "02108"), ("Chicago", "IL", "60601"), ("Denver", "CO", "80202"),
          ("Atlanta", "GA", "30303"), ("Seattle", "WA", "98101"), ("Austin", "TX", "78701")]
PROBLEMS = [
    ("Car break-ins around downtown garages", ["vehicle-crime", "hot-spots"],
     "Thefts from vehicles in downtown parking garages doubled since spring; patrols had no clear effect."),
    ("Shootings among a few street groups", ["gun-violence", "focused-deterrence"],
     "Most shootings involve members of a handful of crews; we want to try a focused deterrence call-in."),
    ("Repeat overdose calls", ["drug-markets"],
     "Overdose calls keep coming from the same blocks; we want to link survivors with treatment."),
    ("Residential burglary near-repeats", ["burglary", "repeat-victimization"],
     "Break-ins cluster in time and space after a first burglary; we want to warn neighbours quickly."),
    ("People in crisis and repeat 911 callers", ["mental-health-crisis"],
     "Officers answer many calls about people in crisis; we are considering a co-responder program."),
]
STATEMENTS = [
    "I evaluate place-based crime prevention with randomized trials in partnership with police agencies.",
    "My research covers gun violence, street groups and focused deterrence strategies in large cities.",
    "I study opioid markets, overdose response and treatment referral programs with public health partners.",
    "I work on burglary, repeat victimization and near-repeat patterns using crime mapping and GIS.",
    "I evaluate crisis intervention teams and co-responder models for mental health calls.",
]


def problem_form(token: str, n: int, marker: str) -> dict:
    title, topics, text = random.choice(PROBLEMS)
    city, state, zip_code = random.choice(PLACES)
    return {
        "csrf_token": token, "agency_name": f"Load Test Police Department {n}", "agency_type": "municipal-police",
        "city": city, "state": state, "zip": zip_code, "contact_name": "Dana Whitfield", "contact_role": "Analyst",
        "email": f"agency{n}.{marker}@example.gov", "phone": "(617) 555-0142", "title": f"{title} [{marker}]",
        "description": text + " We keep incident data and calls for service.", "topics": topics,
        "help_wanted": ["advice", "evaluation"], "data_available": ["incidents-rms", "cad"],
        "evaluation_design": "quasi-experimental", "timeline": "This fall", "funding": "none",
        "max_distance_miles": "100", "website": "",
    }


def registration_form(token: str, n: int, marker: str) -> dict:
    return {
        "csrf_token": token, "name": f"Load Researcher {n}", "email": f"researcher{n}.{marker}@example.edu",
        "position": "Associate Professor", "institution": "Example State University", "department": "Criminology",
        "centre_id": "0", "city": "Cambridge", "state": "MA", "zip": "02139", "remote": "y",
        "statement": random.choice(STATEMENTS), "keywords": "hot spots, evaluation",
        "topics": ["burglary", "hot-spots"], "methods": ["rct"], "help_offered": ["evaluation", "advice"],
        "terms": ["free"], "capacity": "2", "conflicts": "", "submit": "1", "website": "",
    }


class Recorder:
    """Latency and outcome of every request, by page type (thread-safe)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.error_samples: list[str] = []

    def timed(self, page: str, browser: Browser, path: str, expect: int, data: dict | None = None):
        """Send one request, record its latency; the reply when it had the expected status, else None."""
        start = time.perf_counter()
        try:
            reply = browser.request("POST" if data is not None else "GET", path, data)
        except OSError as error:
            reply, problem = None, f"{page}: {error}"
        else:
            problem = None if reply.status == expect else f"{page}: HTTP {reply.status}"
        elapsed = time.perf_counter() - start
        with self.lock:
            self.latencies[page].append(elapsed)
            if problem:
                self.errors[page] += 1
                if len(self.error_samples) < 10:
                    self.error_samples.append(problem)
        return reply if problem is None else None


def visitor(base: str, tasks: queue.Queue, recorder: Recorder, deadline: float, marker: str,
            researcher_ids: list[int], submitted: dict[str, list[int]]) -> None:
    """One visitor: takes tasks until none are left or time is up."""
    while time.monotonic() < deadline:
        try:
            kind, n = tasks.get_nowait()
        except queue.Empty:
            return
        browser = Browser(base)
        if kind == "problem":
            page = recorder.timed("agency form (GET)", browser, "/agencies/submit", 200)
            if page and recorder.timed("submit problem (POST)", browser, "/agencies/submit", 303,
                                       problem_form(csrf_token(page.body), n, marker)):
                submitted["problem"].append(n)
        elif kind == "registration":
            page = recorder.timed("registration form (GET)", browser, "/researchers/register", 200)
            if page and recorder.timed("register researcher (POST)", browser, "/researchers/register", 302,
                                       registration_form(csrf_token(page.body), n, marker)):
                submitted["registration"].append(n)
        elif kind == "search":
            words = random.choice(["burglary", "gun+violence", "overdose", "crisis", "hot+spots", ""])
            state = random.choice(["", "MA", "IL", "CA"])
            recorder.timed("directory search", browser,
                           f"/directory/?q={words}&state={state}&page={random.randint(1, 2)}", 200)
        elif kind == "profile":
            recorder.timed("researcher profile", browser, f"/directory/researchers/{random.choice(researcher_ids)}",
                           200)
        else:
            recorder.timed("home page", browser, "/", 200)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def print_table(recorder: Recorder, wall: float, title: str) -> None:
    print(f"\n{title}")
    header = f"| {'page type':28} | {'requests':>8} | {'req/s':>7} | {'p50 ms':>7} | {'p95 ms':>7} | {'errors':>6} |"
    print(header)
    print("|" + "|".join("-" * (len(part)) for part in header.split("|")[1:-1]) + "|")
    total = 0
    for page in sorted(recorder.latencies):
        values = recorder.latencies[page]
        total += len(values)
        print(f"| {page:28} | {len(values):8} | {len(values) / wall:7.1f} | {percentile(values, 0.5) * 1000:7.0f} "
              f"| {percentile(values, 0.95) * 1000:7.0f} | {recorder.errors[page]:6} |")
    every = [v for values in recorder.latencies.values() for v in values]
    print(f"| {'all requests':28} | {total:8} | {total / wall:7.1f} | {percentile(every, 0.5) * 1000:7.0f} "
          f"| {percentile(every, 0.95) * 1000:7.0f} | {sum(recorder.errors.values()):6} |")


def verify(url: str, marker: str, submitted: dict[str, list[int]], problems: int, registrations: int) -> list[str]:
    """Every submission stored exactly once with its suggestions / confirmation; return what is wrong."""
    wrong = []
    with connect(url) as connection:
        rows = connection.execute(
            "SELECT p.title, count(DISTINCT p.id), count(s.id) FROM problems p "
            "LEFT JOIN suggestions s ON s.problem_id = p.id WHERE p.title LIKE %s GROUP BY p.title",
            (f"%[{marker}]",)).fetchall()
        per_agency = connection.execute(
            "SELECT agency_name, count(*) FROM problems WHERE title LIKE %s GROUP BY agency_name",
            (f"%[{marker}]",)).fetchall()
        stored = {name: n for name, n in per_agency}
        for n in submitted["problem"]:
            name = f"Load Test Police Department {n}"
            if stored.get(name) != 1:
                wrong.append(f"problem {n} stored {stored.get(name, 0)} times")
        without = connection.execute(
            "SELECT count(*) FROM problems p WHERE p.title LIKE %s AND NOT EXISTS "
            "(SELECT 1 FROM suggestions s WHERE s.problem_id = p.id)", (f"%[{marker}]",)).fetchone()[0]
        if without:
            wrong.append(f"{without} problem statements have no suggestions")
        del rows
        people = dict(connection.execute(
            "SELECT r.email, count(*) FROM researchers r WHERE r.email LIKE %s GROUP BY r.email",
            (f"%.{marker}@example.edu",)).fetchall())
        mails = dict(connection.execute(
            "SELECT o.\"to\", count(*) FROM outbox_messages o WHERE o.\"to\" LIKE %s GROUP BY o.\"to\"",
            (f"%.{marker}@example.edu",)).fetchall())
        for n in submitted["registration"]:
            email = f"researcher{n}.{marker}@example.edu"
            if people.get(email) != 1:
                wrong.append(f"registration {n} stored {people.get(email, 0)} times")
            if mails.get(email) != 1:
                wrong.append(f"registration {n} has {mails.get(email, 0)} confirmation e-mails")
    if len(submitted["problem"]) != problems:
        wrong.append(f"only {len(submitted['problem'])} of {problems} problem statements were accepted")
    if len(submitted["registration"]) != registrations:
        wrong.append(f"only {len(submitted['registration'])} of {registrations} registrations were accepted")
    return wrong


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--problems", type=int, default=500)
    parser.add_argument("--registrations", type=int, default=500)
    parser.add_argument("--browsing", type=int, default=None, help="directory page views (default: as many as "
                        "submissions)")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--time-limit", type=float, default=900, help="seconds for the whole load phase")
    parser.add_argument("--small", action="store_true", help="30 problems, 30 registrations (CI)")
    parser.add_argument("--server", default=os.environ.get("BENCH_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432"))
    parser.add_argument("--database", default="load_bench")
    parser.add_argument("--redis", default=os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/13"))
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args(argv)
    if args.small:
        args.problems, args.registrations = 30, 30
    browsing = args.browsing if args.browsing is not None else args.problems + args.registrations
    args.clients = max(1, min(args.clients, 64))
    random.seed(7)

    url = recreate_database(args.server, args.database)
    env = site_env(url, args.redis, "1000000 per hour")  # one client address: the limits are not the subject
    log_dir = tempfile.mkdtemp(prefix="bench_load_")
    instance = None
    try:
        prepare_database(env)
        with connect(url) as connection:
            researcher_ids = [row[0] for row in connection.execute(
                "SELECT id FROM researchers WHERE confirmed_at IS NOT NULL AND NOT hidden")]
        instance = start_gunicorn(env, args.workers, os.path.join(log_dir, "gunicorn.log"))
        marker = uuid.uuid4().hex[:8]
        tasks: queue.Queue = queue.Queue()
        work = [("problem", n) for n in range(args.problems)] + [
            ("registration", n) for n in range(args.registrations)] + [
            (random.choice(["search", "search", "profile", "profile", "home"]), n) for n in range(browsing)]
        random.shuffle(work)
        for task in work:
            tasks.put(task)
        recorder = Recorder()
        submitted: dict[str, list[int]] = {"problem": [], "registration": []}
        start = time.monotonic()
        deadline = start + args.time_limit
        threads = [threading.Thread(target=visitor, daemon=True, args=(
            instance.base, tasks, recorder, deadline, marker, researcher_ids, submitted))
            for _ in range(args.clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=max(1.0, deadline - time.monotonic() + 60))
        wall = time.monotonic() - start
        print_table(recorder, wall, f"Load: {args.problems} problem statements, {args.registrations} registrations, "
                    f"{browsing} directory views; {args.clients} clients, gunicorn {args.workers} workers, "
                    f"PostgreSQL; {wall:.1f} s")
        wrong = verify(url, marker, submitted, args.problems, args.registrations)
        if tasks.qsize():
            wrong.append(f"time limit reached with {tasks.qsize()} tasks left")
        if recorder.error_samples:
            wrong += recorder.error_samples
        if wrong:
            print("\nFAILED:\n  " + "\n  ".join(wrong[:30]))
            print(f"gunicorn log: {instance.log_path}")
            return 1
        print(f"\nOK: {len(submitted['problem'])} problem statements stored exactly once, each with suggestions; "
              f"{len(submitted['registration'])} registrations stored exactly once, each with its confirmation.")
        return 0
    finally:
        if instance is not None:
            instance.stop()
        if not args.keep:
            drop_database(args.server, args.database)


if __name__ == "__main__":
    sys.exit(main())
