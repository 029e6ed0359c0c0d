"""The centre-membership migration: a centre's creator administers it, its researchers are approved members, and a
centre nobody can administer goes to the coordinators."""

from __future__ import annotations

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from matcher import create_app
from matcher.config import TestConfig
from matcher.extensions import db
from tests.conftest import is_postgres
from tests.test_migrations import fresh_postgres_database

BEFORE, AFTER = "d4af7ed1a1e5", "ce27e1a1b2c3"


def insert_researcher(connection, researcher_id: int, centre_id: int, created: str, listed: bool = True,
                      hidden: bool = False) -> None:
    connection.execute(text(
        "INSERT INTO researchers (id, name, email, position, institution, department, centre_id, city, state, zip,"
        " remote, statement, keywords, topics, methods, help_offered, terms, grad_students, capacity, conflicts,"
        " confirmed_at, hidden, accepts_messages, is_sample, created_at, updated_at, session_nonce, link_nonce)"
        " VALUES (:id, :name, :email, 'Prof', 'U', '', :centre, 'Boston', 'MA', '02108', true, 'Burglary', '[]',"
        " '[]', '[]', '[]', '[]', false, 1, '[]', :confirmed, :hidden, true, false, :created, :created, 'a', 'b')"),
        {"id": researcher_id, "name": f"R{researcher_id}", "email": f"r{researcher_id}@example.edu",
         "centre": centre_id, "confirmed": created if listed else None, "hidden": hidden, "created": created})


def insert_centre(connection, centre_id: int, creator_id: int | None = None) -> None:
    connection.execute(text(
        "INSERT INTO research_centres (id, name, university, website, description, city, state, topics,"
        " is_sample, created_at, created_by_id) VALUES (:id, :name, 'U', '', '', 'Boston', 'MA', '[]', false,"
        " '2026-01-01', :creator)"), {"id": centre_id, "name": f"Centre {centre_id}", "creator": creator_id})


def check_migration(url: str) -> None:
    app = create_app(type("MigrationConfig", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": url}))
    with app.app_context():
        upgrade(revision=BEFORE)
        with db.engine.begin() as connection:
            for centre_id in (1, 2, 3, 4):
                insert_centre(connection, centre_id)
            insert_researcher(connection, 10, 1, "2026-03-01")  # the creator of centre 1, though not its oldest
            insert_researcher(connection, 11, 1, "2026-01-01")
            insert_researcher(connection, 12, 2, "2026-01-01", hidden=True)  # oldest in centre 2, but hidden
            insert_researcher(connection, 13, 2, "2026-02-01")
            insert_researcher(connection, 14, 3, "2026-01-01", listed=False)  # centre 3's only, unconfirmed
            connection.execute(text("UPDATE research_centres SET created_by_id = 10 WHERE id = 1"))
        upgrade(revision=AFTER)
        with db.engine.begin() as connection:
            rows = connection.execute(text(
                "SELECT researcher_id, centre_id, status, role FROM centre_memberships ORDER BY researcher_id"
            )).all()
            coordinators = connection.execute(text(
                "SELECT id FROM research_centres WHERE administered_by_coordinators ORDER BY id")).scalars().all()
        downgrade(revision=BEFORE)
        db.engine.dispose()
    assert [tuple(row) for row in rows] == [
        (10, 1, "approved", "administrator"), (11, 1, "approved", "member"),
        (12, 2, "approved", "member"), (13, 2, "approved", "administrator"),
        (14, 3, "approved", "member"),
    ]
    assert coordinators == [3, 4]


def test_existing_centres_get_administrators_on_sqlite(tmp_path):
    check_migration(f"sqlite:///{tmp_path / 'centres.sqlite3'}")


@pytest.mark.postgres
@pytest.mark.skipif(not is_postgres(), reason="TEST_DATABASE_URL is not PostgreSQL")
def test_existing_centres_get_administrators_on_postgres():
    with fresh_postgres_database() as url:
        check_migration(url)
