"""`flask db upgrade` builds the schema on an empty database, matching the models exactly."""

import os
import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from matcher import create_app
from matcher.config import TestConfig
from matcher.extensions import db
from tests.conftest import is_postgres


def upgrade_and_diff(url: str) -> tuple[set[str], list]:
    """Run every migration on the database at url; return its tables and the model/schema diff."""
    app = create_app(type("MigrationConfig", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": url}))
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            tables = set(inspect(connection).get_table_names())
            diff = compare_metadata(MigrationContext.configure(connection), db.metadata)
        downgrade(revision="base")
        with db.engine.connect() as connection:
            left = set(inspect(connection).get_table_names()) - {"alembic_version"}
        db.engine.dispose()
    assert left == set(), f"downgrade left tables behind: {left}"
    return tables, diff


def test_upgrade_on_empty_sqlite_matches_the_models(tmp_path):
    tables, diff = upgrade_and_diff(f"sqlite:///{tmp_path / 'fresh.sqlite3'}")
    assert {"researchers", "problems", "suggestions", "partnerships", "outbox_messages"} <= tables
    assert diff == []


@pytest.mark.postgres
@pytest.mark.skipif(not is_postgres(), reason="TEST_DATABASE_URL is not PostgreSQL")
def test_upgrade_on_empty_postgres_matches_the_models():
    base = make_url(os.environ["TEST_DATABASE_URL"])
    name = f"matcher_migrations_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        tables, diff = upgrade_and_diff(base.set(database=name).render_as_string(hide_password=False))
        assert {"researchers", "problems", "suggestions", "partnerships", "audit_events"} <= tables
        assert diff == []
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
