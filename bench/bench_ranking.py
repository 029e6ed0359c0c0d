"""Benchmark the text index against refitting per query and against rank_bm25.

Run from the repository root:  python -m bench.bench_ranking --sizes 1000,10000,100000 --queries 200
Each (method, size) runs in its own subprocess so its peak memory (ru_maxrss) is its own; the
subprocess is pinned to one core with BLAS/OpenMP threads set to 1, and the 1-minute load average
is recorded next to each row (other work on the machine inflates the times).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time

import numpy as np

from matcher import taxonomy
from matcher.ranking.batch import read_profiles
from matcher.ranking.documents import ProblemQuery, Publication, ResearcherProfile, researcher_document
from matcher.ranking.text_index import TextIndex

SEED_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "seed")
TOPIC_SLUGS = taxonomy.slugs(taxonomy.TOPICS)
PRACTITIONER_WORDS = "break-ins shootings crews sets frequent flyers overdoses car break-ins call-ins".split()


def sentence_pool() -> list[str]:
    """Sentences from the seed texts when present, else from the taxonomy and bridging table."""
    path = os.path.join(SEED_DIR, "researchers.json")
    if os.path.exists(path):
        with open(path, encoding="utf-8") as handle:
            rows = json.load(handle)
        texts = [r.get("statement", "") for r in rows] + [
            p.get("abstract", "") for r in rows for p in r.get("publications", [])]
        sentences = [s.strip() for t in texts for s in re.split(r"(?<=[.!?])\s+", t) if len(s.split()) > 3]
        if sentences:
            return sentences
    labels = [label for _, label in taxonomy.TOPICS + taxonomy.METHODS + taxonomy.HELP_KINDS]
    return labels + [f"{phrase} {words}" for phrase, words in taxonomy.PRACTITIONER_BRIDGES]


def made_up_words(rng: np.random.Generator, count: int) -> np.ndarray:
    """Pronounceable nonsense words: the long tail of a real vocabulary (names, places, jargon)."""
    syllables = np.array([c + v for c in "bcdfghklmnprstvz" for v in "aeiou"])
    lengths = rng.integers(2, 5, size=count)
    return np.array(["".join(rng.choice(syllables, size=n)) for n in lengths])


class Corpus:
    """Deterministic synthetic profiles and queries."""

    def __init__(self, seed: int = 7):
        self.rng = np.random.default_rng(seed)
        self.sentences = sentence_pool()
        self.tail = made_up_words(self.rng, 50_000)
        ranks = np.arange(1, len(self.tail) + 1)
        self.tail_cdf = np.cumsum(1 / ranks) / (1 / ranks).sum()

    def _text(self, n_sentences: int, n_tail: int) -> str:
        picked = self.rng.choice(len(self.sentences), size=n_sentences)
        tail = self.tail[np.minimum(np.searchsorted(self.tail_cdf, self.rng.random(n_tail)), len(self.tail) - 1)]
        return " ".join(self.sentences[i] for i in picked) + " " + " ".join(tail)

    def profile(self, number: int) -> ResearcherProfile:
        """One synthetic researcher: statement, keywords, topics and three publications."""
        topics = list(self.rng.choice(TOPIC_SLUGS, size=2, replace=False))
        publications = [Publication(self._text(1, 3), self._text(4, 25), 2015 + number % 10) for _ in range(3)]
        return ResearcherProfile(f"r{number:06d}", f"Researcher {number}", self._text(4, 20),
                                 list(self.rng.choice(self.tail[:2000], size=5)), topics, publications)

    def query(self, number: int) -> ProblemQuery:
        """One synthetic problem in practitioner words."""
        words = " ".join(self.rng.choice(PRACTITIONER_WORDS, size=2))
        return ProblemQuery(f"q{number}", f"Problem with {words}", self._text(3, 10),
                            [str(self.rng.choice(TOPIC_SLUGS))])


QUERIES_ARE = ("synthetic problems Corpus(seed=7).query(0..n-1): title 'Problem with' + 2 practitioner "
               "words, 3 seed sentences + 10 long-tail words, 1 topic; k=10")


def load_average() -> float:
    """The 1-minute load average (NaN where unavailable)."""
    try:
        return os.getloadavg()[0]
    except OSError:
        return float("nan")


def latency_ms(run, queries) -> tuple[float, float]:
    """p50 and p95 of run(query) in milliseconds."""
    times = []
    for query in queries:
        start = time.perf_counter()
        run(query)
        times.append((time.perf_counter() - start) * 1000)
    return float(np.percentile(times, 50)), float(np.percentile(times, 95))


def worker(method: str, size: int, n_queries: int) -> dict:
    """Build one method's index over size profiles and time n_queries queries."""
    corpus = Corpus()
    queries = [corpus.query(i) for i in range(n_queries)]
    if method == "index":  # exactly `flask rank`: profiles read from JSON Lines, publications not kept
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        start, cpu_start = time.perf_counter(), time.process_time()
        with open(profiles_file(size), encoding="utf-8") as handle:
            index = TextIndex(keep_publications=False).fit(p for p in read_profiles(handle, "profiles"))
        build = time.perf_counter() - start
        build_cpu = time.process_time() - cpu_start
        run = lambda q: index.query(q, k=10)  # noqa: E731
    else:
        profiles = [corpus.profile(i) for i in range(size)]
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        start = time.perf_counter()
    if method == "naive":
        from matcher.ranking.documents import problem_document
        documents = [researcher_document(p) for p in profiles]
        build = time.perf_counter() - start

        def run(q):
            vectorizer = TextIndex()._new_vectorizer(1, 0.5)
            scores = (vectorizer.fit_transform(documents) @ vectorizer.transform([problem_document(q)]).T)
            return np.argpartition(-scores.toarray().ravel(), 10)[:10]
    elif method == "bm25":
        from rank_bm25 import BM25Okapi

        from matcher.ranking.documents import problem_document
        analyse = TextIndex()._new_vectorizer(1, 1.0).set_params(ngram_range=(1, 1)).build_analyzer()
        documents = [analyse(researcher_document(p)) for p in profiles]
        bm25 = BM25Okapi(documents)
        del documents
        build = time.perf_counter() - start

        def run(q):
            scores = bm25.get_scores(analyse(problem_document(q)))
            return np.argpartition(-scores, 10)[:10]
    p50, p95 = latency_ms(run, queries)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"method": method, "size": size, "queries": n_queries, "build_s": build,
            "build_cpu_s": build_cpu if method == "index" else float("nan"), "p50_ms": p50,
            "p95_ms": p95, "peak_mb": peak, "corpus_mb": rss_before,
            "threads": os.environ.get("OMP_NUM_THREADS", "?"),
            "cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else -1,
            "load_1min": load_average()}


def profiles_file(size: int) -> str:
    """The synthetic profiles as JSON Lines in the temporary folder (written once per size)."""
    path = os.path.join(tempfile.gettempdir(), f"matcher-bench-profiles-{size}.jsonl")
    if not os.path.exists(path):
        corpus = Corpus()
        with open(path + ".part", "w", encoding="utf-8") as handle:
            for i in range(size):
                handle.write(json.dumps(profile_record(corpus.profile(i))) + "\n")
        os.replace(path + ".part", path)
    return path


def profile_record(profile: ResearcherProfile) -> dict:
    """One profile as a `flask rank` input line."""
    return {"id": profile.id, "name": profile.name, "statement": profile.statement,
            "keywords": profile.keywords, "topics": profile.topics,
            "publications": [{"title": p.title, "abstract": p.abstract, "year": p.year}
                             for p in profile.publications]}


def run_worker(method: str, size: int, n_queries: int) -> dict:
    """Run worker() in a fresh interpreter pinned to one core."""
    command = [sys.executable, "-m", "bench.bench_ranking", "--worker", method,
               "--sizes", str(size), "--queries", str(n_queries)]
    if hasattr(os, "sched_setaffinity"):
        command = ["taskset", "-c", "0", *command]
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
    output = subprocess.run(command, check=True, capture_output=True, text=True, env=env).stdout
    return json.loads(output.strip().splitlines()[-1])


def baseline_queries(method: str, size: int, n_queries: int) -> int:
    """Fewer queries for the slow baselines at large sizes (said so in the table)."""
    if method == "naive":
        return max(3, min(n_queries, 100_000 // size))
    if method == "bm25":
        return max(10, min(n_queries, 1_000_000 // size))
    return n_queries


def _ms(value: float) -> str:
    return "–" if value != value else f"{value:.2f}"  # NaN: not measured


def table(results: list[dict]) -> str:
    """Markdown table of the measurements, with speed-ups over the baselines."""
    ours = {r["size"]: r for r in results if r["method"] == "index"}
    lines = ["| profiles | method | queries timed | build s (CPU s) | p50 ms | p95 ms "
             "| peak RSS MB (corpus alone) | p50 vs index | cores / threads | load 1 min |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        ratio = r["p50_ms"] / ours[r["size"]]["p50_ms"] if r["size"] in ours else float("nan")
        lines.append(f"| {r['size']:,} | {r['method']} | {r['queries']} | {r['build_s']:.1f} "
                     f"({_ms(r.get('build_cpu_s', float('nan')))}) | "
                     f"{r['p50_ms']:.2f} | {r['p95_ms']:.2f} | {r['peak_mb']:.0f} "
                     f"({r['corpus_mb']:.0f}) | {ratio:.0f}x | {r['cores']} / {r['threads']} | "
                     f"{r['load_1min']:.2f} |")
    return "\n".join(lines + ["", f"Queries: {QUERIES_ARE}; 'queries timed' is how many per row."])


def main() -> None:
    """Parse options; either run one worker or the whole comparison."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--methods", default="index,naive,bm25")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    if args.worker:
        print(json.dumps(worker(args.worker, sizes[0], args.queries)))
        return
    results = []
    print(f"load average before: {load_average():.2f}; queries: {QUERIES_ARE}", file=sys.stderr, flush=True)
    for size in sizes:
        if "index" in args.methods.split(","):
            profiles_file(size)  # written before the worker starts, so it is not timed
        for method in args.methods.split(","):
            results.append(run_worker(method, size, baseline_queries(method, size, args.queries)))
            print(json.dumps(results[-1]), file=sys.stderr, flush=True)
    print(table(results))


if __name__ == "__main__":
    main()
