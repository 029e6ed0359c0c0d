import json

import pytest
from click.testing import CliRunner

from matcher.cli.ranking import evaluate_command, rank_command

PROFILES = [
    {"id": "r-burglary", "name": "A", "statement": "Residential burglary and near-repeat patterns.",
     "publications": [{"title": "Burglary prevention", "abstract": "Target hardening."}]},
    {"id": "r-guns", "name": "B", "statement": "Gun violence and shootings.", "keywords": ["gun violence"]},
    {"id": "r-traffic", "name": "C", "statement": "Traffic crashes.", "topics": ["traffic-safety"]},
]
QUERIES = [{"id": "q1", "title": "Break-ins", "text": "Burglary is up."}, {"id": "q2", "text": "Shootings."}]


@pytest.fixture
def files(tmp_path):
    def write(name, rows):
        path = tmp_path / name
        path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows) + "\n")
        return str(path)
    return write


def run(*args):
    return CliRunner().invoke(rank_command, list(args))


def test_rank_prints_one_line_per_query_best_first(files):
    result = run("--profiles", files("p.jsonl", PROFILES), "--queries", files("q.jsonl", QUERIES),
                 "--top", "2")
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["query"] for line in lines] == ["q1", "q2"]
    assert [len(line["results"]) for line in lines] == [2, 2]
    assert lines[0]["results"][0]["researcher"] == "r-burglary"
    assert lines[1]["results"][0]["researcher"] == "r-guns"
    scores = [r["score"] for r in lines[0]["results"]]
    assert scores == sorted(scores, reverse=True)
    assert all(0 < share <= 1 for _, share in lines[0]["results"][0]["terms"])


def test_top_zero_returns_every_researcher(files):
    result = run("--profiles", files("p.jsonl", PROFILES), "--queries", files("q.jsonl", QUERIES),
                 "--top", "0")
    assert result.exit_code == 0
    for line in result.stdout.splitlines():
        found = sorted(r["researcher"] for r in json.loads(line)["results"])
        assert found == ["r-burglary", "r-guns", "r-traffic"]


def test_malformed_profile_reports_file_and_line_and_fails(files):
    path = files("p.jsonl", [PROFILES[0], "{oops", {"name": "no id"}])
    result = run("--profiles", path, "--queries", files("q.jsonl", QUERIES))
    assert result.exit_code != 0
    assert f"{path}:2: not valid JSON" in result.stderr
    assert f'{path}:3: missing "id"' in result.stderr
    assert result.stdout == ""


def test_malformed_query_is_reported_and_the_rest_still_ranked(files):
    path = files("q.jsonl", [QUERIES[0], {"id": "q-bad", "text": 7}])
    result = run("--profiles", files("p.jsonl", PROFILES), "--queries", path)
    assert result.exit_code != 0
    assert f'{path}:2: "text" must be a string' in result.stderr
    assert [json.loads(line)["query"] for line in result.stdout.splitlines()] == ["q1"]


def test_default_top_is_ten(files):
    many = [{"id": f"r{i:02}", "name": "N", "statement": "burglary"} for i in range(12)]
    result = run("--profiles", files("p.jsonl", many), "--queries", files("q.jsonl", QUERIES[:1]))
    results = json.loads(result.stdout)["results"]
    assert [r["researcher"] for r in results] == [f"r{i:02}" for i in range(10)]


def test_evaluate_prints_both_tables(tmp_path):
    researchers = [{"key": r["id"], "name": r["name"], "statement": r["statement"], "state": "MA",
                    "zip": "02139", "terms": ["free"], "capacity": 2, "topics": r.get("topics", [])}
                   for r in PROFILES]
    problems = [{"key": "p1", "title": "Break-ins", "description": "Burglary is up.", "agency_name": "X PD",
                 "state": "MA", "zip": "02139", "funding": "none", "avoid": ""}]
    for name, data in (("researchers.json", researchers), ("problems.json", problems),
                       ("relevance.json", {"p1": {"r-burglary": 2}})):
        (tmp_path / name).write_text(json.dumps(data))
    result = CliRunner().invoke(evaluate_command, ["--seed-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "| text only" in result.stdout and "| blended" in result.stdout
    assert "nDCG@10" in result.stdout


def test_rank_terms_are_words_the_query_wrote_never_numbers_or_fragments(files):
    profiles = PROFILES + [{"id": "r-numbers", "name": "D", "statement": "In 2024 we counted 45 break-ins, 600 000 x."}]
    queries = [{"id": "q", "title": "45 break-ins in 2024", "text": "Burglary: 600 000 dollars, 10 homes."}]
    result = run("--profiles", files("p.jsonl", profiles), "--queries", files("q.jsonl", queries), "--top", "0")
    assert result.exit_code == 0, result.output
    line = json.loads(result.stdout)
    assert set(line) == {"query", "results"} and set(line["results"][0]) == {"researcher", "score", "terms"}
    shown = {term for r in line["results"] for term, _ in r["terms"]}
    assert shown and shown <= {"break-ins", "burglary", "homes"}
