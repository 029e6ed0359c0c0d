"""The migration to signed partnership notes keeps every note, both ways, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import select, text

from matcher import create_app
from matcher.config import TestConfig
from matcher.extensions import db
from matcher.models import Partnership, PartnershipNote
from matcher.services import accounts
from tests.conftest import is_postgres
from tests.factories import make_problem, make_researcher
from tests.test_migrations import fresh_postgres_database

BEFORE = "d4af7ed1a1e5"  # the last revision with one overwritable notes field


def check_notes_both_ways(url: str) -> None:
    """Signed entries join into the old field on downgrade; the old field becomes one signed entry on upgrade."""
    app = create_app(type("MigrationConfig", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": url}))
    with app.app_context():
        upgrade()
        casey = accounts.create_coordinator("casey@example.org", "a long enough password", name="Casey Coordinator")
        problem, researcher = make_problem(), make_researcher()
        db.session.add_all([problem, researcher])
        db.session.flush()
        partnership = Partnership(problem_id=problem.id, researcher_id=researcher.id, notes=[
            PartnershipNote(body="First call went well", created_at=datetime(2026, 3, 1, 9, 0)),
            PartnershipNote(body="MOU drafted", coordinator_id=casey.id, created_at=datetime(2026, 4, 1, 9, 0)),
        ])
        db.session.add(partnership)
        db.session.commit()
        ids = (partnership.id, casey.id)
        db.session.remove()

        downgrade(revision=BEFORE)
        with db.engine.begin() as connection:
            joined = connection.execute(text("SELECT notes FROM partnerships WHERE id = :id"), {"id": ids[0]}).scalar()
            connection.execute(text("UPDATE partnerships SET notes = 'Met twice.' WHERE id = :id"), {"id": ids[0]})
            connection.execute(text(
                "INSERT INTO audit_events (at, actor, action, record_type, record_id, details) VALUES"
                " ('2026-05-02 10:00:00', :actor, 'partnership.notes_updated', 'partnership', :id, '{}')"),
                {"actor": f"coordinator:{ids[1]}", "id": ids[0]})
        upgrade()
        entries = db.session.scalars(select(PartnershipNote)).all()
        assert [(e.partnership_id, e.body, e.coordinator_id, e.created_at) for e in entries] == [
            (ids[0], "Met twice.", ids[1], datetime(2026, 5, 2, 10, 0))]
        db.session.remove()
        downgrade(revision="base")
        db.engine.dispose()
    assert joined.index("MOU drafted") < joined.index("First call went well")  # newest first
    assert "Casey Coordinator" in joined


def test_notes_migrate_both_ways_on_sqlite(tmp_path):
    check_notes_both_ways(f"sqlite:///{tmp_path / 'notes.sqlite3'}")


@pytest.mark.postgres
@pytest.mark.skipif(not is_postgres(), reason="TEST_DATABASE_URL is not PostgreSQL")
def test_notes_migrate_both_ways_on_postgres():
    with fresh_postgres_database() as url:
        check_notes_both_ways(url)
