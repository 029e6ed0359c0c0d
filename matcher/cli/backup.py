"""`flask export` and `flask import`: all data as JSON, restored into an empty database."""

from __future__ import annotations

import sys

import click
from sqlalchemy.exc import SQLAlchemyError

from matcher.services import backup


@click.command("export")
@click.option("--output", "-o", "output", default="-", type=click.Path(dir_okay=False, allow_dash=True),
              help="File to write (default: standard output).")
def export_command(output: str) -> None:
    """Write every table as JSON (a backup that `flask import` restores)."""
    if output == "-":
        counts = backup.write_export(sys.stdout)
    else:
        with open(output, "w", encoding="utf-8") as handle:
            counts = backup.write_export(handle)
    click.echo(f"exported {sum(counts.values())} rows from {len(counts)} tables", err=True)


@click.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def import_command(path: str) -> None:
    """Restore a backup made by `flask export` into an empty database (all or nothing)."""
    try:
        with open(path, encoding="utf-8") as handle:
            rows = backup.read_backup(handle)
        counts = backup.import_data(rows)
    except backup.BackupError as error:
        raise click.ClickException(str(error)) from None
    except SQLAlchemyError as error:
        reason = str(getattr(error, "orig", None) or error).splitlines()[0]
        raise click.ClickException(f"Nothing was imported: the database refused a row ({reason}).") from None
    for name, count in counts.items():
        click.echo(f"{name:20} {count:6}")
    click.echo(f"imported {sum(counts.values())} rows")
