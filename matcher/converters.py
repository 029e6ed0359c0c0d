"""URL converters: every `<int:…>` in a route is an id that the database can hold."""

from __future__ import annotations

from werkzeug.routing import IntegerConverter

# The largest id an INTEGER column holds on PostgreSQL (SQLite's is larger): a bigger number names nothing.
MAX_ID = 2**31 - 1


class DatabaseIdConverter(IntegerConverter):
    """`<int:…>` limited to 0…MAX_ID, so a longer number is a 404 rather than a database overflow (a 500)."""

    def __init__(self, map, fixed_digits: int = 0, min: int | None = None, max: int | None = MAX_ID,
                 signed: bool = False) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def init_app(app) -> None:
    """Make `<int:…>` mean a database id; call before any blueprint is registered."""
    app.url_map.converters["int"] = DatabaseIdConverter
