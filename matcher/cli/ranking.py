"""`flask rank` (batch text ranking from JSON Lines) and `flask evaluate` (metrics on the seed labels)."""

from __future__ import annotations

import os
import sys

import click
from flask import current_app, has_app_context

from matcher.ranking.batch import BatchInputError, read_profiles, read_queries, result_line
from matcher.ranking.blend import BlendWeights
from matcher.ranking.evaluation import (
    baseline_ranker,
    blended_ranker,
    evaluate_ranker,
    metrics_table,
    text_ranker,
)
from matcher.ranking.evaluation_data import HELD_OUT_FOLDER, SPLITS, SeedData, load_held_out, load_seed
from matcher.ranking.text_index import TextIndex
from matcher.services.geo import zip_point

DEFAULT_SEED_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                                "seed")


def _valid_profiles(handle, path: str, errors: list[BatchInputError]):
    """Yield the valid profiles of a file, setting the bad lines aside (nothing is held in memory)."""
    for item in read_profiles(handle, path):
        if isinstance(item, BatchInputError):
            errors.append(item)
        else:
            yield item


@click.command("rank")
@click.option("--profiles", "profiles_path", required=True, type=click.Path(exists=True, dir_okay=False),
              help="JSON Lines file of researcher profiles.")
@click.option("--queries", "queries_path", required=True, type=click.Path(exists=True, dir_okay=False),
              help="JSON Lines file of problem queries.")
@click.option("--top", default=10, show_default=True, type=click.IntRange(min=0),
              help="Results per query; 0 returns every researcher.")
def rank_command(profiles_path: str, queries_path: str, top: int) -> None:
    """Rank researchers for each query by text alone; one JSON line per query on stdout."""
    errors: list[BatchInputError] = []
    with open(profiles_path, encoding="utf-8") as handle:
        index = TextIndex(keep_publications=False).fit(_valid_profiles(handle, profiles_path, errors))
    for error in errors:
        click.echo(str(error), err=True)
    if errors:
        sys.exit(1)
    failed = False
    with open(queries_path, encoding="utf-8") as handle:
        for item in read_queries(handle, queries_path):
            if isinstance(item, BatchInputError):
                click.echo(str(item), err=True)
                failed = True
                continue
            click.echo(result_line(item.id, index.query(item, k=None if top == 0 else top)))
    if failed:
        sys.exit(1)


def _rows(data: SeedData, weights: BlendWeights | None, k: int):
    """Baseline, text-only and blended metrics on one labelled set."""
    index = TextIndex().fit(data.profiles)
    args = (data.profiles, data.queries, data.labels)
    return index, [
        evaluate_ranker("baseline: scikit-learn TF-IDF", *args, baseline_ranker(data.profiles), k),
        evaluate_ranker("text only", *args, text_ranker(index), k),
        evaluate_ranker("blended", *args, blended_ranker(index, data.candidates, data.facts, weights), k),
    ]


@click.command("evaluate")
@click.option("--seed-dir", default=DEFAULT_SEED_DIR, show_default=True,
              type=click.Path(exists=True, file_okay=False), help="Folder with the seed JSON files.")
@click.option("--k", default=10, show_default=True, type=click.IntRange(min=1),
              help="Cut-off for nDCG and P.")
def evaluate_command(seed_dir: str, k: int) -> None:
    """Print ranking metrics: seed labels, then the held-out set's development and test splits."""
    weights = BlendWeights(**current_app.config["MATCH_WEIGHTS"]) if has_app_context() else None
    index, rows = _rows(load_seed(seed_dir, zip_point), weights, k)
    click.echo(metrics_table(rows, f"Seed relevance labels ({index.version_})"))
    if os.path.isdir(os.path.join(seed_dir, HELD_OUT_FOLDER)):
        for split in SPLITS:
            data = load_held_out(seed_dir, split, zip_point)
            _, rows = _rows(data, weights, k)
            name = "development (tune on this)" if split == "dev" else "test (judge on this)"
            click.echo("\n" + metrics_table(rows, f"Held-out set, {name}: {len(data.profiles)} researchers"))
    if has_app_context():
        _echo_decision_metrics(k)


def _echo_decision_metrics(k: int) -> None:
    """The same metrics over coordinators' recorded decisions, when the database has any."""
    from matcher.services.evaluation import decision_metrics

    row = decision_metrics(k)
    if row is None:
        click.echo("\nNo coordinator decisions recorded yet (shortlisted, introduced or rejected suggestions).")
    else:
        click.echo("\n" + metrics_table([row], "Stored suggestions against coordinators' decisions"))
