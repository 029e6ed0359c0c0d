"""Backup: every table written as JSON, and restored into an empty database in one transaction.

The file holds one list of rows per table, in foreign-key order (parents before children), each row a
dict of column values: dates and times as ISO 8601 text, lists and JSON as they are. Importing checks
the file and the database first, inserts every row in one transaction (all or nothing), and on
PostgreSQL moves each id sequence past the highest id restored, so new records get fresh ids.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any, TextIO

from sqlalchemy import Date, DateTime, Table, func, insert, select, text

from matcher.extensions import db
from matcher.services.transactions import unit_of_work

FORMAT = "research-partners-backup"
VERSION = 1
INSERT_BATCH = 500


class BackupError(ValueError):
    """The backup file cannot be imported, or not into this database; the message says why."""


def tables() -> list[Table]:
    """Every table of the data model, parents before the tables that refer to them."""
    return list(db.metadata.sorted_tables)


# --- export -----------------------------------------------------------------------------------


def export_data() -> dict[str, Any]:
    """Every row of every table, as plain JSON-ready data."""
    data: dict[str, list[dict]] = {}
    for table in tables():
        order = list(table.primary_key.columns) or list(table.columns)
        rows = db.session.execute(select(table).order_by(*order)).mappings()
        data[table.name] = [{key: _to_json(value) for key, value in row.items()} for row in rows]
    return {"format": FORMAT, "version": VERSION, "tables": data}


def write_export(stream: TextIO) -> dict[str, int]:
    """Write the export to a text stream; return the number of rows per table."""
    data = export_data()
    json.dump(data, stream, ensure_ascii=False, indent=1, sort_keys=True)
    stream.write("\n")
    return {name: len(rows) for name, rows in data["tables"].items()}


def _to_json(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


# --- import -----------------------------------------------------------------------------------


def read_backup(stream: TextIO) -> dict[str, list[dict]]:
    """Parse and check a backup file; return its rows per table (BackupError when it is not one)."""
    try:
        data = json.load(stream)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise BackupError(f"The file is not valid JSON ({error}).") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise BackupError("The file is not a Research Partners backup (made by `flask export`).")
    if data.get("version") != VERSION:
        raise BackupError(f"The backup has format version {data.get('version')!r}; this site reads {VERSION}.")
    found = data.get("tables")
    if not isinstance(found, dict):
        raise BackupError("The backup has no tables.")
    known = {table.name: table for table in tables()}
    unknown = sorted(set(found) - set(known))
    if unknown:
        raise BackupError(f"The backup has tables this site does not know: {', '.join(unknown)}.")
    for name, rows in found.items():
        if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
            raise BackupError(f"The table {name} in the backup is not a list of rows.")
        columns = set(known[name].columns.keys())
        for row in rows:
            extra = sorted(set(row) - columns)
            if extra:
                raise BackupError(f"The table {name} in the backup has unknown columns: {', '.join(extra)}.")
    return found


def non_empty_tables() -> list[str]:
    """Tables that already hold rows."""
    return [
        table.name for table in tables()
        if db.session.scalar(select(func.count()).select_from(table)) > 0
    ]


def import_data(rows_by_table: dict[str, list[dict]]) -> dict[str, int]:
    """Insert every row into an empty database, in one transaction; return the rows per table."""
    occupied = non_empty_tables()
    if occupied:
        db.session.rollback()
        raise BackupError(
            "The database is not empty (tables with rows: " + ", ".join(occupied) + "). "
            "Import a backup only into a new, empty database."
        )
    counts: dict[str, int] = {}
    with unit_of_work():
        for table in tables():
            rows = [_from_json(table, row) for row in rows_by_table.get(table.name, [])]
            for start in range(0, len(rows), INSERT_BATCH):
                db.session.execute(insert(table), rows[start:start + INSERT_BATCH])
            counts[table.name] = len(rows)
        reset_sequences()
    return counts


def _from_json(table: Table, row: dict) -> dict:
    """Turn ISO text back into dates and times for the columns that hold them."""
    values = {}
    for key, value in row.items():
        column_type = table.columns[key].type
        if isinstance(value, str) and isinstance(column_type, DateTime):
            value = datetime.fromisoformat(value)
        elif isinstance(value, str) and isinstance(column_type, Date):
            value = date.fromisoformat(value)
        values[key] = value
    return values


def reset_sequences() -> None:
    """On PostgreSQL, move each id sequence past the highest id, so the next record gets a new id."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    for table in tables():
        if "id" not in table.columns or not table.columns["id"].primary_key:
            continue
        db.session.execute(
            text(
                "SELECT setval(pg_get_serial_sequence(:table, 'id'), COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) "
                f'FROM "{table.name}"'
            ),
            {"table": table.name},
        )
