import json

from matcher.ranking.batch import BatchInputError, read_profiles, read_queries, result_line
from matcher.ranking.text_index import TextHit


def test_profiles_with_optional_fields_missing():
    lines = ['{"id": "r1", "name": "A"}', "", json.dumps({
        "id": "r2", "name": "B", "statement": "s", "keywords": ["k"], "topics": ["burglary"],
        "publications": [{"title": "T", "abstract": "A", "year": 2020}, {"title": "U", "abstract": "B"}]})]
    first, second = list(read_profiles(lines, "p.jsonl"))
    assert (first.id, first.statement, first.publications) == ("r1", "", [])
    assert second.publications[0].year == 2020 and second.publications[1].year is None
    assert second.keywords == ["k"] and second.topics == ["burglary"]


def test_malformed_profile_lines_name_file_and_line():
    lines = ['{"id": "ok", "name": "A"}', "{not json", '{"name": "no id"}', '{"id": "x", "name": "N", '
             '"keywords": "not a list"}', '["a list"]', '{"id": "y", "name": "N", "publications": '
             '[{"title": "T", "year": "2020"}]}', '{"id": 5, "name": "N"}', '{"id": " ", "name": "N"}']
    items = list(read_profiles(lines, "p.jsonl"))
    errors = [str(item) for item in items if isinstance(item, BatchInputError)]
    assert len(errors) == 7
    assert errors[0].startswith("p.jsonl:2: not valid JSON")
    assert errors[1] == 'p.jsonl:3: missing "id"'
    assert errors[2] == 'p.jsonl:4: "keywords" must be a list of strings'
    assert errors[3].startswith("p.jsonl:5:")
    assert "year" in errors[4] and errors[4].startswith("p.jsonl:6:")
    assert errors[5] == 'p.jsonl:7: "id" must be a string'
    assert errors[6].startswith("p.jsonl:8:")


def test_duplicate_profile_ids_are_reported():
    items = list(read_profiles(['{"id": "a", "name": "A"}', '{"id": "a", "name": "B"}'], "p.jsonl"))
    assert str(items[1]) == 'p.jsonl:2: id "a" appears on an earlier line'


def test_queries_need_id_and_text():
    items = list(read_queries(['{"id": "q", "text": "t"}', '{"id": "q2"}', '{"text": "t"}',
                               '{"id": "q3", "text": "t", "title": "T", "topics": ["gangs"]}'], "q.jsonl"))
    assert items[0].text == "t" and items[3].title == "T" and items[3].topics == ["gangs"]
    assert str(items[1]) == 'q.jsonl:2: missing "text"'
    assert str(items[2]) == 'q.jsonl:3: missing "id"'


def test_result_line_is_json_with_terms_as_pairs():
    line = result_line("q1", [TextHit("r1", 0.5, [("burglary", 0.75)]), TextHit("r2", 0.0, [])])
    assert json.loads(line) == {"query": "q1", "results": [
        {"researcher": "r1", "score": 0.5, "terms": [["burglary", 0.75]]},
        {"researcher": "r2", "score": 0.0, "terms": []}]}
