"""`flask seed`: load the sample data."""

import click
from flask import current_app

from matcher.services.matching import compute_missing_suggestions
from matcher.services.sample_data import load_sample_data


@click.command("seed")
@click.option("--seed-dir", default=None, help="Folder with the sample JSON files.")
def seed_command(seed_dir: str | None) -> None:
    """Load the sample researchers, centres and problems (safe to run twice)."""
    report = load_sample_data(seed_dir or current_app.config["SEED_DIR"])
    for kind in ("centres", "researchers", "problems"):
        click.echo(f"{kind:12} created {report.created[kind]:4}   already there {report.existing[kind]:4}")
    run = compute_missing_suggestions()
    click.echo(f"suggestions  computed for {len(run.computed)} problem(s), {len(run.failed)} failed")
