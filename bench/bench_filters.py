"""Benchmark slug-list filters and the report figures before and after slug lists became JSON arrays.

Run from the repository root:  python -m bench.bench_filters [--size 10000] [--repeat 20] [--database URL]
Builds the schema with the migrations in a temporary SQLite database (or in the empty PostgreSQL database at
--database, migrated back to empty afterwards), fills it with `size` researchers and `size` problem statements
(a third of them introduced to a researcher) and times, as the median of `repeat` runs:
- now (JSON arrays): counting researchers per topic, method and help kind and problems per topic with
  `has_slug` (JSONB `@>` on PostgreSQL, json_each on SQLite), and the dashboard figures (GROUP BY);
then migrates down to the '|a|b|' text lists (timing the conversion) and times the same on the same rows:
- before: the same counts with LIKE '%|slug|%', and the figures counted in Python over every problem's row, as
  reports.py did. It checks both give the same numbers, and migrates up again (timed).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from datetime import timedelta

from flask_migrate import downgrade, upgrade
from sqlalchemy import func, insert, select, text

from matcher import create_app, taxonomy
from matcher.config import TestConfig
from matcher.extensions import db
from matcher.models import Partnership, Problem, Researcher
from matcher.models.types import has_slug, utcnow
from matcher.services import reports

SEED = 5
TEXT_LISTS = "a0701dc0ffee"  # the last revision storing slug lists as '|a|b|' text
CASES = (  # what is counted, its vocabulary, table, column
    ("researchers per topic", taxonomy.TOPICS, Researcher.topics),
    ("researchers per method", taxonomy.METHODS, Researcher.methods),
    ("researchers per help kind", taxonomy.HELP_KINDS, Researcher.help_offered),
    ("problems per topic", taxonomy.TOPICS, Problem.topics),
)


def fill(size: int) -> None:
    """Researchers and problems with random slug lists; every third problem introduced to a researcher."""
    rng = random.Random(SEED)
    vocab = {name: taxonomy.slugs(getattr(taxonomy, name))
             for name in ("TOPICS", "METHODS", "HELP_KINDS", "TERMS", "PROBLEM_STATUSES", "AGENCY_TYPES",
                          "US_STATES")}
    now = utcnow()
    researchers, problems, partnerships = [], [], []
    for n in range(1, size + 1):
        researchers.append(dict(
            id=n, name=f"Researcher {n}", email=f"r{n}@example.edu", position="Professor", institution="U",
            city="Boston", state=rng.choice(vocab["US_STATES"]), zip="02108", statement="Policing.",
            keywords=[], topics=rng.sample(vocab["TOPICS"], rng.randint(1, 4)),
            methods=rng.sample(vocab["METHODS"], 2), help_offered=rng.sample(vocab["HELP_KINDS"], 2),
            terms=rng.sample(vocab["TERMS"], 1), conflicts=[], confirmed_at=now, created_at=now, updated_at=now))
        created = now - timedelta(days=rng.uniform(1, 700))
        problems.append(dict(
            id=n, status_token=f"token-{n}", agency_name=f"Agency {n}", agency_type=rng.choice(vocab["AGENCY_TYPES"]),
            contact_name="Pat", email=f"a{n}@example.gov", city="Boston", state=rng.choice(vocab["US_STATES"]),
            zip="02108", title="Break-ins", description="More break-ins.",
            topics=rng.sample(vocab["TOPICS"], rng.randint(1, 3)), help_wanted=rng.sample(vocab["HELP_KINDS"], 1),
            data_available=[], status=rng.choice(vocab["PROBLEM_STATUSES"]), created_at=created, updated_at=created))
        if n % 3 == 0:
            introduced = created + timedelta(days=rng.uniform(1, 60))
            partnerships.append(dict(problem_id=n, researcher_id=n, introduced_at=introduced))
    for rows, model in ((researchers, Researcher), (problems, Problem), (partnerships, Partnership)):
        for start in range(0, len(rows), 1000):
            db.session.execute(insert(model), rows[start:start + 1000])
    db.session.commit()


def count_with_json(column, vocabulary: taxonomy.Vocabulary) -> Callable[[], list[int]]:
    """Count, for every slug of the vocabulary, the rows whose JSON list holds it (has_slug)."""
    def run() -> list[int]:
        return [db.session.scalar(select(func.count()).select_from(column.table).where(has_slug(column, slug)))
                for slug, _ in vocabulary]
    return run


def count_with_like(column, vocabulary: taxonomy.Vocabulary) -> Callable[[], list[int]]:
    """Count, for every slug of the vocabulary, the rows whose '|a|b|' text holds it (LIKE, as before)."""
    query = text(f"SELECT count(*) FROM {column.table.name} WHERE {column.name} LIKE :pattern")

    def run() -> list[int]:
        return [db.session.scalar(query, {"pattern": f"%|{slug}|%"}) for slug, _ in vocabulary]
    return run


def figures_now() -> tuple:
    """The dashboard's problem figures as reports.py counts them now (GROUP BY)."""
    figures = reports.dashboard()
    return figures.total, figures.by_status, figures.by_topic, figures.by_state, figures.median_days_to_introduction


def figures_before() -> tuple:
    """The same figures as reports.py counted them before: every problem's row loaded, counted in Python."""
    rows = db.session.execute(text("SELECT status, topics, state, agency_type FROM problems")).all()
    topics = Counter(topic for row in rows for topic in row.topics.split("|") if topic)
    states = Counter(row.state for row in rows)
    firsts = db.session.execute(
        select(Problem.created_at, func.min(Partnership.introduced_at))
        .join(Partnership, Partnership.problem_id == Problem.id).group_by(Problem.id, Problem.created_at)).all()
    days = [(first - created).total_seconds() / 86400 for created, first in firsts]
    by_state = sorted(((taxonomy.label(taxonomy.US_STATES, s), n) for s, n in states.items()),
                      key=lambda r: (-r[1], r[0]))
    return (len(rows), reports._labelled(Counter(r.status for r in rows), taxonomy.PROBLEM_STATUSES, keep_zeros=True),
            reports._labelled(topics, taxonomy.TOPICS), by_state, round(statistics.median(days), 1) if days else None)


def timed(run: Callable, repeat: int) -> tuple[float, object]:
    """Median milliseconds of `repeat` runs (after one warm-up run), and the last result."""
    result = run()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = run()
        times.append((time.perf_counter() - started) * 1000)
    db.session.rollback()
    return statistics.median(times), result


def seconds(action: Callable[[], None]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def topic_filter_plans() -> list[str]:
    """PostgreSQL's plans for the coordinators' topic filter, on a common topic and on one no problem has."""
    connection = db.session.connection()
    connection.exec_driver_sql("ANALYZE problems")
    lines = []
    for slug in ("burglary", "no-such-topic"):
        compiled = select(Problem.id).where(has_slug(Problem.topics, slug)).compile(dialect=db.engine.dialect)
        lines.append(f"{slug}:")
        lines += ["  " + row[0] for row in connection.exec_driver_sql("EXPLAIN " + str(compiled), compiled.params)]
    db.session.rollback()
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--database", help="an empty PostgreSQL database URL (default: a temporary SQLite file)")
    args = parser.parse_args()
    url = args.database or f"sqlite:///{os.path.join(tempfile.mkdtemp(), 'bench.sqlite3')}"
    app = create_app(type("BenchConfig", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": url}))
    with app.app_context():
        upgrade()
        try:
            filled = seconds(lambda: fill(args.size))
            print(f"database: {db.engine.dialect.name}, {args.size:,} researchers and {args.size:,} problems,"
                  f" filled in {filled:.1f} s; median of {args.repeat} runs")
            now = {label: timed(count_with_json(column, vocabulary), args.repeat)
                   for label, vocabulary, column in CASES}
            now["dashboard figures"] = timed(figures_now, args.repeat)
            plans = topic_filter_plans() if db.engine.dialect.name == "postgresql" else []
            down = seconds(lambda: downgrade(revision=TEXT_LISTS))
            before = {label: timed(count_with_like(column, vocabulary), args.repeat)
                      for label, vocabulary, column in CASES}
            before["dashboard figures"] = timed(figures_before, args.repeat)
            up = seconds(upgrade)
            print(f"migration: '|a|b|' to JSON in {up:.1f} s, back in {down:.1f} s\n")
            print(f"| {'what':<26} | {'before: LIKE, Python counts':>27} | {'now: JSON, GROUP BY':>19} | same |")
            print(f"| {'-' * 26} | {'-' * 27} | {'-' * 19} | ---- |")
            for label in now:
                (old_ms, old), (new_ms, new) = before[label], now[label]
                print(f"| {label:<26} | {old_ms:>24.1f} ms | {new_ms:>16.1f} ms | {old == new!s:>4} |")
            if plans:
                print("\nPostgreSQL's plans for the coordinators' topic filter:\n  " + "\n  ".join(plans))
        finally:
            db.session.rollback()
            downgrade(revision="base")
            db.engine.dispose()


if __name__ == "__main__":
    main()
