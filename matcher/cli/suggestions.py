"""`flask compute-suggestions`: rank researchers for problems that have no suggestions yet."""

import sys

import click

from matcher.services.matching import compute_missing_suggestions


@click.command("compute-suggestions")
@click.option("--all", "include_all", is_flag=True,
              help="Recompute for every open problem, not only those without suggestions.")
def compute_suggestions_command(include_all: bool) -> None:
    """Compute ranked suggestions for open problems without any (or for all with --all)."""
    run = compute_missing_suggestions(include_all=include_all)
    click.echo(f"computed {len(run.computed)}, failed {len(run.failed)}")
    if run.failed:
        click.echo("failed for problems: " + ", ".join(str(i) for i in run.failed) + " (see the log)", err=True)
        sys.exit(1)
