"""`flask seed`: counts, coverage, idempotence, all-or-nothing, sample badges."""

import json
import shutil

import pytest
from sqlalchemy import func, select

from matcher.models import Problem, Publication, ResearchCentre, Researcher
from matcher.services.sample_data import load_sample_data
from matcher.taxonomy import TOPICS, slugs


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_seed_command_loads_the_sample_data(runner, db):
    result = runner.invoke(args=["seed"])
    assert result.exit_code == 0, result.output
    assert "researchers  created" in result.output
    researchers = db.session.scalars(select(Researcher)).all()
    assert len(researchers) >= 60
    assert count(db, ResearchCentre) >= 6
    assert count(db, Problem) >= 15
    assert len({r.state for r in researchers}) >= 20
    assert len({r.institution for r in researchers}) >= 25
    assert all(2 <= len(r.publications) <= 5 for r in researchers)
    assert all(r.is_sample and r.is_listed for r in researchers)
    assert all(r.latitude is not None and r.longitude is not None for r in researchers)


def test_every_topic_is_covered_by_at_least_three_researchers(db, seeded):
    researchers = db.session.scalars(select(Researcher)).all()
    for topic in slugs(TOPICS):
        assert sum(topic in r.topics for r in researchers) >= 3, topic


def test_problems_come_from_several_agency_types_and_states(db, seeded):
    problems = db.session.scalars(select(Problem)).all()
    assert len({p.agency_type for p in problems}) >= 6
    assert len({p.state for p in problems}) >= 8
    assert all(p.is_sample and p.status_token for p in problems)
    assert all(len(p.description) >= 200 for p in problems)


def test_seeding_twice_creates_no_duplicates(runner, db):
    runner.invoke(args=["seed"])
    before = {m: count(db, m) for m in (Researcher, ResearchCentre, Problem, Publication)}
    second = runner.invoke(args=["seed"])
    assert second.exit_code == 0
    assert "created    0" in second.output
    assert {m: count(db, m) for m in before} == before


def test_a_failure_halfway_through_leaves_nothing_imported(db, seed_dir, tmp_path):
    broken = tmp_path / "seed"
    shutil.copytree(seed_dir, broken)
    problems = json.loads((broken / "problems.json").read_text())
    del problems[-1]["title"]  # the last file read, after centres and researchers were added
    (broken / "problems.json").write_text(json.dumps(problems))
    with pytest.raises(KeyError):
        load_sample_data(str(broken))
    assert count(db, Researcher) == count(db, ResearchCentre) == count(db, Problem) == 0


def test_sample_records_show_a_sample_badge(client, db, seeded):
    researcher = db.session.scalars(select(Researcher).order_by(Researcher.id)).first()
    listing = client.get("/directory/").get_data(as_text=True)
    profile = client.get(f"/directory/researchers/{researcher.id}").get_data(as_text=True)
    assert "badge-sample" in listing
    assert "badge-sample" in profile
    assert researcher.name in profile


def test_home_page_shows_the_sample_directory_figures(client, db, seeded):
    html = client.get("/").get_data(as_text=True)
    total = count(db, Researcher)
    assert f"<dd>{total}</dd>" in html
