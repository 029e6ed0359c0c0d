"""`flask synthesize-programme`: fill the database with a synthetic programme for load tests."""

import click
from flask import current_app

from matcher.services.synthetic import synthesize_programme


@click.command("synthesize-programme")
@click.option("--researchers", default=10_000, show_default=True, type=click.IntRange(0, 1_000_000))
@click.option("--problems", default=2_000, show_default=True, type=click.IntRange(0, 1_000_000))
@click.option("--partnerships", default=800, show_default=True, type=click.IntRange(0, 1_000_000))
@click.option("--seed", default=1, show_default=True, help="Random seed: the same seed gives the same people and text.")
@click.option("--suggestions/--no-suggestions", default=True, show_default=True,
              help="Rank researchers for every open problem now (otherwise run `flask compute-suggestions`).")
@click.option("--seed-dir", default=None, help="Folder with the sample JSON files whose text is remixed.")
def synthesize_programme_command(researchers: int, problems: int, partnerships: int, seed: int,
                                 suggestions: bool, seed_dir: str | None) -> None:
    """Add synthetic researchers, publications, problems, decisions, partnerships and e-mails (not for production)."""
    report = synthesize_programme(seed_dir or current_app.config["SEED_DIR"], researchers, problems, partnerships,
                                  seed=seed, compute_suggestions=suggestions)
    for kind, count in report.created.items():
        click.echo(f"{kind:22} {count:8}")
    if report.suggestions_failed:
        click.echo(f"suggestions failed for {report.suggestions_failed} problem(s) (see the log)", err=True)
    click.echo("seconds: " + ", ".join(f"{step} {spent:.1f}" for step, spent in report.seconds.items())
               + f"; total {sum(report.seconds.values()):.1f}")
