import json

from matcher.ranking.evaluation_data import load_seed, split_names


def test_load_seed_converts_records(tmp_path):
    researcher = {"key": "r1", "name": "A", "institution": "U", "statement": "s", "keywords": ["k"],
                  "topics": ["gangs"], "methods": ["rct"], "help": ["evaluation"], "terms": ["fee"],
                  "state": "MA", "zip": "02139", "remote": False, "capacity": 3, "conflicts": ["X PD"],
                  "publications": [{"title": "T", "year": 2020, "abstract": "A", "doi": "10/x"}]}
    problem = {"key": "p1", "agency_name": "Y PD", "title": "T", "description": "D", "topics": ["gangs"],
               "help_wanted": ["advice"], "funding": "grant", "max_distance_miles": 50,
               "avoid": "Dr Who; Some University", "state": "MA", "zip": "02139"}
    for name, data in (("researchers.json", [researcher]), ("problems.json", [problem]),
                       ("relevance.json", {"p1": {"r1": 2}})):
        (tmp_path / name).write_text(json.dumps(data))
    seed = load_seed(str(tmp_path), geocode=lambda z: (1.0, 2.0) if z == "02139" else None)
    profile, candidate = seed.profiles[0], seed.candidates[0]
    assert profile.publications[0].year == 2020 and profile.keywords == ["k"]
    assert (candidate.lat, candidate.lon, candidate.remote, candidate.free_capacity) == (1.0, 2.0, False, 3)
    assert candidate.help_offered == ["evaluation"] and candidate.conflicts == ["X PD"]
    assert seed.queries[0].text == "D"
    facts = seed.facts["p1"]
    assert facts.avoid == ["dr who", "some university"] and facts.funding == "grant"
    assert facts.max_distance_miles == 50 and facts.in_person_only is False  # seed problems never need it
    assert seed.labels == {"p1": {"r1": 2.0}}


def test_a_seed_problem_may_need_someone_in_person(tmp_path):
    for name, data in (("researchers.json", []), ("relevance.json", {}), ("problems.json", [
            {"key": "p1", "max_distance_miles": 50, "in_person_only": True}])):
        (tmp_path / name).write_text(json.dumps(data))
    facts = load_seed(str(tmp_path)).facts["p1"]
    assert facts.in_person_only is True and facts.max_distance_miles == 50


def test_split_names_accepts_lists_and_text():
    assert split_names(["A ", ""]) == ["a"]
    assert split_names("a,\nb") == ["a", "b"]
    assert split_names(None) == []
