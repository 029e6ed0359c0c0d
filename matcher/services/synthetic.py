"""A synthetic programme at realistic size: researchers, publications, problems, decisions, partnerships, mail.

The text is remixed from the sample data in seed/ (sentences, keywords, publication titles, grouped by topic)
so the text index sees real criminology terms; the vocabularies come from matcher.taxonomy. Rows are written
with bulk inserts, one transaction per batch. Suggestions are computed by the real ranking service.
"""

from __future__ import annotations

import os
import random
import re
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import func, insert, select, update

from matcher import taxonomy
from matcher.extensions import db
from matcher.models import (
    OutboxMessage,
    Partnership,
    PartnershipEvent,
    Problem,
    ProblemUpdate,
    Publication,
    Researcher,
    Suggestion,
)
from matcher.models.problems import new_status_token
from matcher.models.types import new_nonce, utcnow
from matcher.services import corpus
from matcher.services.geo import lookup_zip
from matcher.services.matching import compute_missing_suggestions
from matcher.services.sample_data import read_seed_file
from matcher.services.transactions import unit_of_work

BATCH = 1000
SYNTHETIC_DOMAIN = "synthetic.example.edu"
AGENCY_DOMAIN = "synthetic.example.gov"

FIRST_NAMES = ("Alex", "Maria", "James", "Aisha", "Chen", "Fatima", "Daniel", "Priya", "Samuel", "Elena",
               "Marcus", "Grace", "Omar", "Hannah", "Luis", "Nadia", "Robert", "Keisha", "Tomás", "Yuki",
               "Jordan", "Leah", "Andre", "Sofia", "Victor", "Amara", "Patrick", "Ines", "Kwame", "Ruth")
LAST_NAMES = ("Okafor", "Nguyen", "Martinez", "Schmidt", "Patel", "Johnson", "Kowalski", "Haddad", "Rossi",
              "Williams", "Tanaka", "Brennan", "Mensah", "Garcia", "Lindqvist", "Chowdhury", "Baker", "Silva",
              "Novak", "Abbott", "Reyes", "Fischer", "Oduya", "Campbell", "Moreau", "Ivanova", "Cohen", "Park")
POSITIONS = ("Assistant Professor", "Associate Professor", "Professor", "Research Scientist",
             "Postdoctoral Fellow", "Senior Research Associate", "Lecturer")
DEPARTMENTS = ("Department of Criminology", "School of Criminal Justice", "Department of Sociology",
               "School of Public Policy", "Department of Economics", "Department of Psychology",
               "School of Social Work", "Department of Geography")
UNIVERSITY_WORDS = ("State University", "University", "College", "Institute of Technology")
AGENCY_SUFFIX = {
    "municipal-police": "Police Department", "sheriff": "County Sheriff's Office", "state-police": "State Police",
    "prosecutor": "District Attorney's Office", "probation-parole": "Probation Department",
    "corrections": "County Jail", "courts": "Municipal Court", "government": "Office of Public Safety",
    "school-district": "Unified School District", "community-organization": "Community Safety Coalition",
    "victim-services": "Victim Advocacy Center",
}
PARTNERSHIP_STAGES_BY_STATUS = {
    "introduced": ("introduced", "introduced", "first-meeting", "declined"),
    "partnered": ("agreement", "data-access", "under-way", "under-way", "report-delivered"),
    "closed": ("closed", "closed", "report-delivered", "declined"),
}
# Share of problems in each status (the rest of the weight goes to "new").
STATUS_WEIGHTS = (("new", 35), ("under-review", 25), ("introduced", 20), ("partnered", 12), ("closed", 5),
                  ("withdrawn", 3))
MAIL_KINDS = ("researcher_confirm.txt", "agency_problem_received.txt", "coordinator_new_problem.txt",
              "introduction_agency.txt", "introduction_researcher.txt", "researcher_reminder.txt")


@dataclass
class ProgrammeReport:
    """What was made and how long each step took (seconds)."""

    created: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    seconds: dict[str, float] = field(default_factory=dict)
    suggestions_failed: int = 0


@dataclass
class TextPool:
    """Sentences, keywords, titles and places from the sample data, grouped by topic slug."""

    researcher_sentences: dict[str, list[str]]
    problem_sentences: dict[str, list[str]]
    problem_titles: dict[str, list[str]]
    keywords: dict[str, list[str]]
    publication_titles: dict[str, list[str]]
    places: list[tuple[str, str, str, float | None, float | None]]  # city, state, zip, latitude, longitude


def _sentences(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"(?<=[.!?])\s+", text) if len(part.strip()) > 20]


def load_text_pool(seed_dir: str) -> TextPool:
    """Read every sample and held-out file in seed/ into per-topic pools."""
    researchers = read_seed_file(seed_dir, "researchers.json")
    problems = read_seed_file(seed_dir, "problems.json")
    evaluation = os.path.join(seed_dir, "evaluation")
    if os.path.isdir(evaluation):
        researchers += read_seed_file(evaluation, "researchers.json")
        problems += read_seed_file(evaluation, "problems.json")
    pool = TextPool(defaultdict(list), defaultdict(list), defaultdict(list), defaultdict(list), defaultdict(list), [])
    for row in researchers:
        for topic in row.get("topics") or ["crime-analysis"]:
            pool.researcher_sentences[topic] += _sentences(row["statement"])
            pool.keywords[topic] += row.get("keywords", [])
            pool.publication_titles[topic] += [p["title"] for p in row.get("publications", [])]
    for row in problems:
        for topic in row.get("topics") or ["crime-analysis"]:
            pool.problem_sentences[topic] += _sentences(row["description"])
            pool.problem_titles[topic].append(row["title"])
    places = {(row["city"], row["state"], row["zip"]) for row in researchers + problems}
    for city, state, code in sorted(places):
        point = lookup_zip(code)
        pool.places.append((city, state, code, point.latitude if point else None, point.longitude if point else None))
    for topic in taxonomy.slugs(taxonomy.TOPICS):  # a topic the samples never use borrows crime analysis text
        for pools in (pool.researcher_sentences, pool.problem_sentences, pool.problem_titles, pool.keywords,
                      pool.publication_titles):
            if not pools[topic]:
                pools[topic] = pools["crime-analysis"] or next(iter(pools.values()))
    return pool


def _some(rng: random.Random, vocabulary: taxonomy.Vocabulary, low: int, high: int) -> list[str]:
    return rng.sample(taxonomy.slugs(vocabulary), rng.randint(low, high))


def _batches(count: int, size: int = BATCH) -> Iterator[range]:
    for start in range(0, count, size):
        yield range(start, min(count, start + size))


def _timed(report: ProgrammeReport, step: str, work: Callable[[], None]) -> None:
    started = time.perf_counter()
    work()
    report.seconds[step] = time.perf_counter() - started


def synthesize_programme(seed_dir: str, researchers: int, problems: int, partnerships: int, seed: int = 1,
                         compute_suggestions: bool = True) -> ProgrammeReport:
    """Add a synthetic programme of this size to the database; return counts and timings."""
    rng = random.Random(seed)
    pool = load_text_pool(seed_dir)
    report = ProgrammeReport()
    tag = f"{seed}-{db.session.scalar(select(func.count()).select_from(Researcher))}"
    researcher_ids: list[int] = []
    problem_ids: list[tuple[int, str]] = []
    _timed(report, "researchers", lambda: researcher_ids.extend(
        _insert_researchers(rng, pool, researchers, tag, report)))
    _timed(report, "problems", lambda: problem_ids.extend(_insert_problems(rng, pool, problems, tag, report)))
    if compute_suggestions:
        _timed(report, "suggestions", lambda: _compute_suggestions(report))
    _timed(report, "decisions", lambda: _decide_and_partner(rng, problem_ids, researcher_ids, partnerships,
                                                            report))
    _timed(report, "outbox", lambda: _insert_outbox(rng, researchers // 10 + problems // 5, tag, report))
    return report


def _insert_researchers(rng: random.Random, pool: TextPool, count: int, tag: str,
                        report: ProgrammeReport) -> list[int]:
    ids: list[int] = []
    now = utcnow()
    for batch in _batches(count):
        rows, publications = [], []
        for n in batch:
            topics = _some(rng, taxonomy.TOPICS, 1, 3)
            sentences = [rng.choice(pool.researcher_sentences[t]) for t in topics for _ in range(rng.randint(1, 3))]
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            city, state, code, latitude, longitude = rng.choice(pool.places)
            created = now - timedelta(days=rng.randint(0, 900))
            rows.append({
                "name": f"{first} {last}", "email": f"{first.lower()}.{last.lower()}.{tag}.{n}@{SYNTHETIC_DOMAIN}",
                "position": rng.choice(POSITIONS), "institution": f"{city} {rng.choice(UNIVERSITY_WORDS)}",
                "department": rng.choice(DEPARTMENTS), "city": city, "state": state, "zip": code,
                "latitude": latitude, "longitude": longitude, "remote": rng.random() < 0.7,
                "statement": " ".join(dict.fromkeys(sentences)),
                "keywords": sorted({rng.choice(pool.keywords[t]) for t in topics for _ in range(2)}),
                "topics": topics, "methods": _some(rng, taxonomy.METHODS, 1, 3),
                "help_offered": _some(rng, taxonomy.HELP_KINDS, 1, 3), "terms": _some(rng, taxonomy.TERMS, 1, 2),
                "grad_students": rng.random() < 0.4, "capacity": rng.randint(1, 4), "conflicts": [],
                # A few unconfirmed and hidden profiles, as in a real directory.
                "confirmed_at": None if rng.random() < 0.03 else created, "hidden": rng.random() < 0.02,
                "created_at": created, "updated_at": created, "session_nonce": new_nonce(),
                "link_nonce": new_nonce(),
            })
            publications.append([
                {"position": i, "title": rng.choice(pool.publication_titles[rng.choice(topics)]),
                 "year": rng.randint(2005, 2025), "abstract": "", "link": ""}
                for i in range(rng.choice((0, 1, 2, 2, 3, 4, 5)))
            ])
        with unit_of_work():
            version = corpus.bump_version()  # bulk SQL skips the ORM hook: stamp the rows by hand
            rows = [dict(row, indexed_version=version) for row in rows]
            new_ids = list(db.session.scalars(
                insert(Researcher).returning(Researcher.id, sort_by_parameter_order=True), rows))
            papers = [dict(p, researcher_id=rid) for rid, owned in zip(new_ids, publications, strict=True)
                      for p in owned]
            if papers:
                db.session.execute(insert(Publication), papers)
        ids += new_ids
        report.created["researchers"] += len(rows)
        report.created["publications"] += len(papers)
    return ids


def _insert_problems(rng: random.Random, pool: TextPool, count: int, tag: str,
                     report: ProgrammeReport) -> list[tuple[int, str]]:
    ids: list[tuple[int, str]] = []
    now = utcnow()
    statuses = [status for status, _ in STATUS_WEIGHTS]
    weights = [weight for _, weight in STATUS_WEIGHTS]
    for batch in _batches(count):
        rows = []
        for n in batch:
            agency_type = rng.choice(taxonomy.slugs(taxonomy.AGENCY_TYPES))
            topics = _some(rng, taxonomy.TOPICS, 1, 2)
            city, state, code, latitude, longitude = rng.choice(pool.places)
            sentences = [rng.choice(pool.problem_sentences[t]) for t in topics for _ in range(rng.randint(2, 4))]
            submitted = now - timedelta(days=rng.randint(0, 400), minutes=rng.randint(0, 1440))
            rows.append({
                "status_token": new_status_token(), "agency_name": f"{city} {AGENCY_SUFFIX[agency_type]}",
                "agency_type": agency_type, "contact_name": f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                "contact_role": "Analyst", "email": f"contact.{tag}.{n}@{AGENCY_DOMAIN}", "phone": "555-0100",
                "city": city, "state": state, "zip": code, "latitude": latitude, "longitude": longitude,
                "title": rng.choice(pool.problem_titles[topics[0]])[:200],
                "description": " ".join(dict.fromkeys(sentences)), "topics": topics,
                "help_wanted": _some(rng, taxonomy.HELP_KINDS, 1, 2),
                "data_available": _some(rng, taxonomy.DATA_SOURCES, 0, 3),
                "evaluation_design": rng.choice(taxonomy.slugs(taxonomy.EVALUATION_DESIGNS)),
                "timeline": rng.choice(("This year", "Next spring", "Within six months", "")),
                "funding": rng.choice(taxonomy.slugs(taxonomy.FUNDING)),
                "max_distance_miles": rng.choice((None, 50, 100, 250)), "in_person_only": rng.random() < 0.1,
                "status": rng.choices(statuses, weights)[0], "created_at": submitted, "updated_at": submitted,
                "exclusions": [],
            })
        with unit_of_work():
            new_ids = list(db.session.scalars(
                insert(Problem).returning(Problem.id, sort_by_parameter_order=True), rows))
            updates = [{"problem_id": pid, "author": "coordinator", "kind": "question",
                        "body": "Could you tell us which years of data you hold?", "visible_to_agency": True,
                        "created_at": row["created_at"] + timedelta(days=1)}
                       for pid, row in zip(new_ids, rows, strict=True) if row["status"] == "under-review"]
            if updates:
                db.session.execute(insert(ProblemUpdate), updates)
        ids += [(pid, row["status"]) for pid, row in zip(new_ids, rows, strict=True)]
        report.created["problems"] += len(rows)
        report.created["problem updates"] += len(updates)
    return ids


def _compute_suggestions(report: ProgrammeReport) -> None:
    run = compute_missing_suggestions()
    report.created["problems ranked"] += len(run.computed)
    report.suggestions_failed = len(run.failed)


def _decide_and_partner(rng: random.Random, problems: list[tuple[int, str]], researcher_ids: list[int],
                        partnerships: int, report: ProgrammeReport) -> None:
    """Shortlist and reject some suggestions, introduce researchers and follow partnerships to a stage."""
    by_status: dict[str, list[int]] = defaultdict(list)
    for pid, status in problems:
        by_status[status].append(pid)
    reviewed = by_status["under-review"] + by_status["introduced"] + by_status["partnered"]
    suggested: dict[int, list[tuple[int, int]]] = defaultdict(list)  # problem -> [(suggestion id, researcher)]
    for chunk in _batches(len(reviewed)):
        wanted = [reviewed[i] for i in chunk]
        for sid, pid, rid in db.session.execute(
                select(Suggestion.id, Suggestion.problem_id, Suggestion.researcher_id)
                .where(Suggestion.problem_id.in_(wanted)).order_by(Suggestion.problem_id, Suggestion.rank)):
            suggested[pid].append((sid, rid))
    now = utcnow()
    decisions = []
    for pid in reviewed:
        for sid, _ in suggested[pid][:4]:
            choice = rng.random()
            if choice < 0.3:
                decisions.append({"id": sid, "decision": "shortlisted", "decided_at": now})
            elif choice < 0.5:
                decisions.append({"id": sid, "decision": "rejected", "decided_at": now,
                                  "decision_reason": "Works too far from the agency's questions."})
    for chunk in _batches(len(decisions)):
        with unit_of_work():
            db.session.execute(update(Suggestion), [decisions[i] for i in chunk])
    report.created["suggestions decided"] += len(decisions)
    _insert_partnerships(rng, by_status, suggested, researcher_ids, partnerships, report)


def _insert_partnerships(rng: random.Random, by_status: dict[str, list[int]],
                         suggested: dict[int, list[tuple[int, int]]], researcher_ids: list[int], count: int,
                         report: ProgrammeReport) -> None:
    hosts = [(pid, status) for status in PARTNERSHIP_STAGES_BY_STATUS for pid in by_status[status]]
    if not hosts or not researcher_ids:
        return
    now = utcnow()
    pairs: dict[tuple[int, int], str] = {}
    introduced_suggestions = []
    for attempt in range(count * 3):
        if len(pairs) >= count:
            break
        pid, status = hosts[attempt % len(hosts)] if attempt < len(hosts) else rng.choice(hosts)
        candidates = suggested.get(pid) or []
        if candidates and rng.random() < 0.9:
            sid, rid = rng.choice(candidates[:5])
        else:
            sid, rid = None, rng.choice(researcher_ids)
        if (pid, rid) in pairs:
            continue
        pairs[(pid, rid)] = rng.choice(PARTNERSHIP_STAGES_BY_STATUS[status])
        if sid is not None:
            introduced_suggestions.append({"id": sid, "decision": "introduced", "decided_at": now})
    rows = []
    for (pid, rid), stage in pairs.items():
        introduced = now - timedelta(days=rng.randint(5, 300))
        closed = stage in ("closed", "declined")
        rows.append({"problem_id": pid, "researcher_id": rid, "stage": stage, "introduced_at": introduced,
                     "closed_at": introduced + timedelta(days=30) if closed else None,
                     "outcome": rng.choice(taxonomy.slugs(taxonomy.PARTNERSHIP_OUTCOMES)) if closed else None})
    for chunk in _batches(len(rows)):
        part = [rows[i] for i in chunk]
        with unit_of_work():
            ids = list(db.session.scalars(
                insert(Partnership).returning(Partnership.id, sort_by_parameter_order=True), part))
            events = [{"partnership_id": i, "stage": "introduced", "note": "Introduced by e-mail.",
                       "at": row["introduced_at"]} for i, row in zip(ids, part, strict=True)]
            events += [{"partnership_id": i, "stage": row["stage"], "note": "",
                        "at": row["introduced_at"] + timedelta(days=20)}
                       for i, row in zip(ids, part, strict=True) if row["stage"] != "introduced"]
            db.session.execute(insert(PartnershipEvent), events)
        report.created["partnerships"] += len(part)
        report.created["partnership events"] += len(events)
    for chunk in _batches(len(introduced_suggestions)):
        with unit_of_work():
            db.session.execute(update(Suggestion), [introduced_suggestions[i] for i in chunk])


def _insert_outbox(rng: random.Random, count: int, tag: str, report: ProgrammeReport) -> None:
    now = utcnow()
    for batch in _batches(count):
        rows = []
        for n in batch:
            status = rng.choices(("sent", "pending", "failed"), (90, 7, 3))[0]
            created = now - timedelta(minutes=rng.randint(1, 60 * 24 * 60))
            rows.append({"to": f"person.{tag}.{n}@{SYNTHETIC_DOMAIN}", "subject": "Research Partners",
                         "body": "A synthetic message.", "kind": rng.choice(MAIL_KINDS), "status": status,
                         "attempts": 0 if status == "pending" else 1,
                         "last_error": "550 mailbox unavailable" if status == "failed" else "",
                         "created_at": created, "sent_at": created if status == "sent" else None})
        with unit_of_work():
            db.session.execute(insert(OutboxMessage), rows)
        report.created["outbox messages"] += len(rows)
