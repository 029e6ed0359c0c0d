"""Benchmark the directory search: 10,000 synthetic listed researchers in a temporary SQLite database.

Run from the repository root:  python -m bench.bench_directory [--size 10000] [--queries 200]
Prints the index build time, the time to catch up after one profile changes, and p50/p95 of the search
service (directory.search) and of the whole page through Flask's test client, per kind of query:
common and rare words, two-word searches, names (some without their accents), state codes,
misspellings (which look for "did you mean"), filters only, text with filters, and a ZIP code with a radius.
Everything stays in the process; the database is deleted afterwards.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import tempfile
import time
import urllib.parse
from collections import defaultdict
from datetime import timedelta

import numpy as np
from sqlalchemy import insert

from bench.bench_ranking import Corpus, load_average
from matcher import create_app, taxonomy
from matcher.config import TestConfig
from matcher.extensions import db
from matcher.models import Publication, Researcher
from matcher.models.types import utcnow
from matcher.ranking.analysis import words
from matcher.services import corpus, directory
from matcher.services.geo import lookup_zip

FIRST_NAMES = ["Ada", "Ben", "Chloé", "José", "Zoë", "Amara", "Bjørn", "Renée", "Siobhán", "Miguel", "Priya",
               "Wei", "Kwame", "Olga", "Noah", "Fatima", "Liam", "Søren", "Inés", "Dmitri"]
LAST_NAMES = ["Burgess", "Okafor", "Dubois", "Ramírez-Ochoa", "Lindqvist", "Nguyen", "García", "Kowalski",
              "O'Brien", "Müller", "Haddad", "Smith", "Johnson", "Ivanova", "Tanaka", "Mbeki", "Costa",
              "Fernández", "Novák", "Schmidt"]
CORPUS_SEED = 11
ZIPS = ["02139", "10027", "19104", "20052", "30303", "33620", "43210", "48109", "53706", "60637", "63130",
        "70118", "73019", "75275", "78712", "80309", "85004", "87131", "94720", "98195", "97403", "84112",
        "55455", "46556", "37240", "29208", "27708", "23284", "21218", "06520"]


def place(code: str) -> tuple[str, str, float, float]:
    found = lookup_zip(code)
    return found.city, found.state, found.latitude, found.longitude


def fill_database(size: int) -> None:
    """Insert `size` confirmed researchers (2% hidden) with three publications each (bulk, in chunks)."""
    rng = random.Random(CORPUS_SEED)
    synthetic = Corpus(CORPUS_SEED)
    places = [(code, *place(code)) for code in ZIPS]
    slugs = {name: taxonomy.slugs(getattr(taxonomy, name)) for name in ("METHODS", "HELP_KINDS", "TERMS")}
    now = utcnow()
    for first in range(0, size, 1000):
        people, papers = [], []
        for number in range(first, min(first + 1000, size)):
            profile = synthetic.profile(number)
            code, city, state, lat, lon = places[number % len(places)]
            people.append(dict(
                id=number + 1, name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)} {number}",
                email=f"r{number}@example.edu", position="Professor", institution=f"University {number % 300}",
                department="Criminology", city=city, state=state, zip=code, latitude=lat, longitude=lon,
                remote=bool(number % 2), statement=profile.statement, keywords=list(profile.keywords),
                topics=profile.topics, methods=rng.sample(slugs["METHODS"], 2),
                help_offered=rng.sample(slugs["HELP_KINDS"], 2), terms=rng.sample(slugs["TERMS"], 1),
                capacity=2, conflicts=[], confirmed_at=now, hidden=number % 50 == 0, created_at=now,
                updated_at=now - timedelta(days=1)))
            papers.extend(dict(researcher_id=number + 1, position=i, title=p.title, abstract=p.abstract, year=p.year)
                          for i, p in enumerate(profile.publications))
        db.session.execute(insert(Researcher), people)
        db.session.execute(insert(Publication), papers)
    corpus.bump_version()
    db.session.commit()


def queries(count: int, seed: int = 5) -> list[tuple[str, dict]]:
    """`count` (kind, request arguments) pairs of varied searches (rare words from the profiles' long tail)."""
    rng = random.Random(seed)
    synthetic = Corpus(CORPUS_SEED)
    vocabulary = sorted({w for s in synthetic.sentences for w in words(s) if len(w) > 4 and w.isalpha()})
    tail = [str(w) for w in synthetic.tail[:3000]]
    topic_slugs = taxonomy.slugs(taxonomy.TOPICS)

    def typo(word: str) -> str:
        i = rng.randrange(1, len(word) - 1)
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]

    makers = {
        "common word": lambda: {"q": rng.choice(["burglary", "violence", "evaluation", "community", "crime"])},
        "rare word": lambda: {"q": rng.choice(tail)},
        "two words": lambda: {"q": f"{rng.choice(vocabulary)} {rng.choice(vocabulary)}"},
        "name": lambda: {"q": rng.choice(["chloe", "Jose Ramirez", "Zoe", "ramírez-ochoa", "Burgess", "obrien"])},
        "state code": lambda: {"q": rng.choice(["PA", "TX", "IL", "MA", "LA"])},
        "misspelling": lambda: {"q": typo(rng.choice(vocabulary))},
        "filters only": lambda: {"topic": rng.choice(topic_slugs), "state": rng.choice(["PA", "IL", "TX", ""])},
        "text + filters": lambda: {"q": rng.choice(vocabulary), "topic": rng.choice(topic_slugs)},
        "ZIP + radius": lambda: {"zip": rng.choice(ZIPS), "miles": str(rng.choice([25, 100, 500])),
                                 "q": rng.choice(["", "burglary", "violence"])},
    }
    kinds = list(makers)
    return [(kinds[i % len(kinds)], makers[kinds[i % len(kinds)]]()) for i in range(count)]


def percentiles(times: list[float]) -> tuple[float, float, float]:
    return (float(np.percentile(times, 50)), float(np.percentile(times, 95)), max(times))


def run(size: int, n_queries: int) -> None:
    folder = tempfile.mkdtemp(prefix="bench-directory-")
    url = f"sqlite:///{os.path.join(folder, 'bench.sqlite3')}"
    app = create_app(type("BenchConfig", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": url, "TESTING": False}))
    from matcher.directory.forms import SearchForm

    with app.app_context():
        db.create_all()
        start = time.perf_counter()
        fill_database(size)
        print(f"database: {size:,} researchers (2% hidden), {3 * size:,} publications, "
              f"filled in {time.perf_counter() - start:.1f} s")
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        start, cpu = time.perf_counter(), time.process_time()
        with directory.fresh_index() as index:
            build, build_cpu = time.perf_counter() - start, time.process_time() - cpu
        grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 - rss
        print(f"index: {len(index):,} listed researchers, {len(index.idf_):,} keys, "
              f"{len(index.vocabulary_.words):,} words; built in {build:.2f} s ({build_cpu:.2f} s CPU; "
              f"peak memory +{grown:.0f} MB)")

        someone = db.session.get(Researcher, 2)
        someone.statement += " Pickpocketing on trams."
        someone.updated_at = utcnow()
        corpus.bump_version()
        db.session.commit()
        start, cpu = time.perf_counter(), time.process_time()
        with directory.fresh_index():
            pass
        print(f"catching up after one profile changed: {(time.perf_counter() - start) * 1000:.0f} ms "
              f"({(time.process_time() - cpu) * 1000:.0f} ms CPU)")

        service, page, found = defaultdict(list), defaultdict(list), defaultdict(list)
        searches = queries(n_queries)
        client = app.test_client()
        for kind, args in searches:
            with app.test_request_context("/directory/?" + urllib.parse.urlencode(args)):
                from flask import request

                form = SearchForm(request.args)
                form.validate()
                filters = form.filters()
                began = time.perf_counter()
                results = directory.search(filters, page=1, per_page=20)
                service[kind].append((time.perf_counter() - began) * 1000)
                found[kind].append(results.total)
            began = time.perf_counter()
            response = client.get("/directory/?" + urllib.parse.urlencode(args))
            page[kind].append((time.perf_counter() - began) * 1000)
            assert response.status_code == 200, (args, response.status_code)
        similar = []
        for researcher_id in range(1, 201):
            began = time.perf_counter()
            directory.similar_researchers(researcher_id)
            similar.append((time.perf_counter() - began) * 1000)

    print(f"\n{n_queries} queries over {size:,} researchers; load average {load_average():.2f}\n")
    print(f"| {'query kind':<16} | {'n':>3} | {'median found':>12} | {'service p50':>11} | {'service p95':>11} "
          f"| {'page p50':>8} | {'page p95':>8} |")
    print(f"| {'-' * 16} | {'-' * 3} | {'-' * 12} | {'-' * 11} | {'-' * 11} | {'-' * 8} | {'-' * 8} |")
    for kind in list(service) + ["all"]:
        times = sum(service.values(), []) if kind == "all" else service[kind]
        pages = sum(page.values(), []) if kind == "all" else page[kind]
        totals = sum(found.values(), []) if kind == "all" else found[kind]
        s50, s95, _ = percentiles(times)
        p50, p95, _ = percentiles(pages)
        print(f"| {kind:<16} | {len(times):>3} | {int(np.median(totals)):>12,} | {s50:>8.1f} ms | {s95:>8.1f} ms "
              f"| {p50:>5.1f} ms | {p95:>5.1f} ms |")
    s50, s95, _ = percentiles(similar)
    print(f"\nsimilar researchers (profile page part), 200 profiles: p50 {s50:.1f} ms, p95 {s95:.1f} ms")
    os.remove(os.path.join(folder, "bench.sqlite3"))
    os.rmdir(folder)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    run(args.size, args.queries)


if __name__ == "__main__":
    main()
