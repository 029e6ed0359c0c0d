"""Scoring named researchers: the same text hit as a query would give, and the same blend for one researcher."""

from __future__ import annotations

from matcher.ranking import MatchCandidate, ProblemFacts, ProblemQuery, blend, score_candidate, text_scale
from matcher.ranking.text_index import TextIndex


def test_explain_gives_a_named_researcher_the_hit_a_full_query_gives(profiles):
    burglary_query = ProblemQuery("q", "Burglary", "Near-repeat residential burglary on the same blocks.", [])
    index = TextIndex(max_df=1.0, lsa_components=2).fit(profiles)
    everyone = {hit.researcher_id: hit for hit in index.query(burglary_query, k=None)}
    named = index.explain(burglary_query, ["traffic-expert", "burglary-expert", "nobody", "burglary-expert"])
    assert [hit.researcher_id for hit in named] == ["traffic-expert", "burglary-expert"]  # unknown ids left out
    assert named == [everyone["traffic-expert"], everyone["burglary-expert"]]
    assert named[1].score > 0 and named[1].best_publication is not None


def test_one_candidate_scored_alone_matches_its_place_in_the_blend():
    facts = ProblemFacts(topics=["burglary"], help_wanted=["evaluation"], lat=42.36, lon=-71.06, state="MA")

    def candidate(rid, **fields):
        values = dict(researcher_id=rid, name=rid, institution="U", topics=["burglary"], help_offered=["evaluation"],
                      methods=[], terms=["free"], lat=42.36, lon=-71.10, state="MA", remote=True, free_capacity=2,
                      conflicts=[], confirmed=True, hidden=False, stale=False)
        values.update(fields)
        return MatchCandidate(**values)

    candidates = [candidate("a"), candidate("b", topics=[]), candidate("c", hidden=True)]
    text = {"a": 0.2, "b": 0.1, "c": 0.9}
    ranked, excluded = blend(facts, candidates, text)
    scale = text_scale(facts, candidates, text)
    assert scale == 0.2  # the hidden researcher's better text does not set the scale
    assert [score_candidate(c, facts, text[c.researcher_id], scale) for c in candidates[:2]] == ranked
    assert score_candidate(candidates[2], facts, text["c"], scale).parts["text"] == 1.0 and excluded[0][0] == "c"
