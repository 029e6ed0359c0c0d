"""`flask rank` over hostile JSON Lines: every run ends in results or FILE:LINE messages, never a traceback."""

from __future__ import annotations

import json

from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from matcher.cli.ranking import rank_command
from tests.robustness.conftest import hostile_text, robust

GOOD_PROFILE = {"id": "r1", "name": "A", "statement": "Residential burglary and near-repeat patterns."}
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | hostile_text(80),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(hostile_text(10), children, max_size=3),
    max_leaves=8,
)


def record(fields: dict[str, st.SearchStrategy]) -> st.SearchStrategy[str]:
    """A JSON line whose known fields hold hostile text or values of the wrong kind."""
    value = st.one_of(hostile_text(), JSON_VALUES, st.lists(hostile_text(40), max_size=3))
    return st.fixed_dictionaries({}, optional={name: st.one_of(strategy, value) for name, strategy in fields.items()}
                                 ).map(lambda row: json.dumps(row, ensure_ascii=False))


PROFILE_LINE = st.one_of(
    record({"id": hostile_text(20), "name": hostile_text(40), "statement": hostile_text(),
            "keywords": st.lists(hostile_text(20), max_size=3), "topics": st.lists(hostile_text(20), max_size=3),
            "publications": st.lists(st.fixed_dictionaries({}, optional={
                "title": hostile_text(60), "abstract": hostile_text(), "year": JSON_VALUES}), max_size=2)}),
    JSON_VALUES.map(json.dumps), hostile_text(),
)
QUERY_LINE = st.one_of(
    record({"id": hostile_text(20), "title": hostile_text(60), "text": hostile_text(),
            "topics": st.lists(hostile_text(20), max_size=3)}),
    JSON_VALUES.map(json.dumps), hostile_text(),
)


def write(path, lines: list[str]) -> str:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def check(result, query_lines: list[str]) -> None:
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code in (0, 1), result.output
    if result.exit_code == 0:
        answers = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
        assert all("query" in answer and isinstance(answer["results"], list) for answer in answers)
    else:
        assert ".jsonl:" in result.stderr  # FILE:LINE: what is wrong
    assert "Traceback" not in result.output


@robust
@given(profiles=st.lists(PROFILE_LINE, max_size=6), queries=st.lists(QUERY_LINE, max_size=4),
       top=st.integers(0, 5))
def test_rank_command_with_hostile_files(tmp_path_factory, profiles, queries, top):
    folder = tmp_path_factory.mktemp("rank")
    result = CliRunner().invoke(rank_command, [
        "--profiles", write(folder / "p.jsonl", [json.dumps(GOOD_PROFILE), *profiles]),
        "--queries", write(folder / "q.jsonl", queries), "--top", str(top)])
    check(result, queries)


@robust
@given(profiles=st.lists(PROFILE_LINE, max_size=4))
def test_rank_command_with_hostile_profiles_only(tmp_path_factory, profiles):
    folder = tmp_path_factory.mktemp("rank")
    result = CliRunner().invoke(rank_command, [
        "--profiles", write(folder / "p.jsonl", profiles),
        "--queries", write(folder / "q.jsonl", [json.dumps({"id": "q", "text": "Burglary is up."})])])
    check(result, [])
