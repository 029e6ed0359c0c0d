"""`flask db upgrade` builds the schema on an empty database, matching the models exactly."""

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, select, text
from sqlalchemy.engine import make_url

from matcher import create_app
from matcher.config import TestConfig
from matcher.extensions import db
from matcher.models import Problem, ResearchCentre, Researcher
from matcher.models.types import has_slug
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


def sqlite_autoincrement_tables(url: str) -> set[str]:
    """Tables created with AUTOINCREMENT (whose deleted ids SQLite never hands out again)."""
    engine = create_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT name, sql FROM sqlite_master WHERE type = 'table'")).all()
    engine.dispose()
    return {name for name, sql in rows if "AUTOINCREMENT" in (sql or "").upper()}


def test_upgrade_on_sqlite_keeps_ids_of_urls_and_audit_log_unique_and_keeps_the_rows(tmp_path):
    url = f"sqlite:///{tmp_path / 'upgraded.sqlite3'}"
    app = create_app(type("MigrationConfig", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": url}))
    with app.app_context():
        upgrade(revision="11a4c0de0e2d")  # the schema before AUTOINCREMENT, with a profile and a publication
        with db.engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO researchers (id, name, email, position, institution, department, city, state, zip,"
                " remote, statement, keywords, topics, methods, help_offered, terms, grad_students, capacity,"
                " conflicts, hidden, is_sample, created_at, updated_at, session_nonce, link_nonce) VALUES (7, 'Ada',"
                " 'ada@example.edu', 'Prof', 'U', '', 'Boston', 'MA', '02108', 1, 'Burglary', '[]', '', '', '', '',"
                " 0, 1, '[]', 0, 0, '2026-01-01', '2026-01-01', 'a', 'b')"))
            connection.execute(text("INSERT INTO publications (researcher_id, position, title, abstract, link)"
                                    " VALUES (7, 0, 'A study', '', '')"))
        upgrade()
        with db.engine.begin() as connection:
            assert connection.execute(text("SELECT count(*) FROM publications")).scalar() == 1  # no cascade fired
            connection.execute(text("DELETE FROM publications"))
            connection.execute(text("DELETE FROM researchers WHERE id = 7"))
        db.engine.dispose()
    assert {"coordinators", "research_centres", "researchers", "problems", "suggestions", "partnerships",
            "outbox_messages"} <= sqlite_autoincrement_tables(url)
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO researchers (name, email, position, institution, department, city, state, zip,"
            " remote, statement, keywords, topics, methods, help_offered, terms, grad_students, capacity,"
            " conflicts, hidden, is_sample, created_at, updated_at, session_nonce, link_nonce) VALUES ('Bo',"
            " 'bo@example.edu', 'Prof', 'U', '', 'Boston', 'MA', '02108', 1, 'Burglary', '[]', '', '', '', '',"
            " 0, 1, '[]', 0, 0, '2026-01-01', '2026-01-01', 'a', 'b')"))
        assert connection.execute(text("SELECT id FROM researchers")).scalar() == 8  # not 7 again
    engine.dispose()


@contextmanager
def fresh_postgres_database() -> Iterator[str]:
    """The URL of a new, empty PostgreSQL database beside TEST_DATABASE_URL's, dropped afterwards."""
    base = make_url(os.environ["TEST_DATABASE_URL"])
    name = f"matcher_migrations_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.mark.postgres
@pytest.mark.skipif(not is_postgres(), reason="TEST_DATABASE_URL is not PostgreSQL")
def test_upgrade_on_empty_postgres_matches_the_models():
    with fresh_postgres_database() as url:
        tables, diff = upgrade_and_diff(url)
    assert {"researchers", "problems", "suggestions", "partnerships", "audit_events"} <= tables
    assert diff == []


SLUG_LISTS_AS_TEXT = "a0701dc0ffee"  # the last revision storing slug lists as '|a|b|'


def insert_piped_slug_lists(connection) -> None:
    """A centre, a researcher and a problem as the schema before JSON slug lists stored them."""
    connection.execute(text(
        "INSERT INTO research_centres (id, name, university, website, description, city, state, topics,"
        " is_sample, created_at) VALUES (3, 'Centre', 'U', '', '', 'Boston', 'MA', '|policing|', false,"
        " '2026-01-01')"))
    connection.execute(text(
        "INSERT INTO researchers (id, name, email, position, institution, department, city, state, zip,"
        " remote, statement, keywords, topics, methods, help_offered, terms, grad_students, capacity,"
        " conflicts, hidden, is_sample, created_at, updated_at, session_nonce, link_nonce) VALUES (7, 'Ada',"
        " 'ada@example.edu', 'Prof', 'U', '', 'Boston', 'MA', '02108', true, 'Burglary', '[]',"
        " '|burglary|gun-violence|', '|rct|', '', '|free|', false, 1, '[]', false, false, '2026-01-01',"
        " '2026-01-01', 'a', 'b')"))
    connection.execute(text(
        "INSERT INTO problems (id, status_token, agency_name, agency_type, contact_name, contact_role, email,"
        " phone, city, state, zip, title, description, topics, help_wanted, data_available, data_other,"
        " evaluation_design, timeline, funding, show_agency_name, avoid, status, withdrawn_reason, is_sample,"
        " created_at, updated_at) VALUES (5, 'token', 'PD', 'police', 'Cy', '', 'cy@example.gov', '', 'Boston',"
        " 'MA', '02108', 'Burglaries', 'More burglaries', '|burglary|', '|evaluate|analyse|', '', '',"
        " 'not-sure', '', 'none', false, '', 'new', '', false, '2026-01-01', '2026-01-01')"))


def stored_slug_lists(connection) -> dict[str, object]:
    """The slug lists as the database stores them (text or JSON, undecoded by the models)."""
    centre = connection.execute(text("SELECT topics FROM research_centres WHERE id = 3")).one()
    researcher = connection.execute(text(
        "SELECT topics, methods, help_offered, terms FROM researchers WHERE id = 7")).one()
    problem = connection.execute(text(
        "SELECT topics, help_wanted, data_available FROM problems WHERE id = 5")).one()
    return {"centre": tuple(centre), "researcher": tuple(researcher), "problem": tuple(problem)}


def check_slug_list_conversion(url: str) -> None:
    """Upgrading turns '|a|b|' lists into JSON arrays the filters find; downgrading turns them back."""
    app = create_app(type("MigrationConfig", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": url}))
    with app.app_context():
        upgrade(revision=SLUG_LISTS_AS_TEXT)
        with db.engine.begin() as connection:
            insert_piped_slug_lists(connection)
            before = stored_slug_lists(connection)
        upgrade()
        researcher = db.session.get(Researcher, 7)
        assert (researcher.topics, researcher.methods, researcher.help_offered, researcher.terms) == (
            ["burglary", "gun-violence"], ["rct"], [], ["free"])
        problem = db.session.get(Problem, 5)
        assert (problem.topics, problem.help_wanted, problem.data_available) == (
            ["burglary"], ["evaluate", "analyse"], [])
        assert db.session.get(ResearchCentre, 3).topics == ["policing"]
        assert db.session.scalars(select(Researcher.id).where(has_slug(Researcher.topics, "gun-violence"))).all() == [7]
        assert db.session.scalars(select(Problem.id).where(has_slug(Problem.topics, "burglary"))).all() == [5]
        assert db.session.scalars(select(Problem.id).where(has_slug(Problem.topics, "burg"))).all() == []
        db.session.remove()
        downgrade(revision=SLUG_LISTS_AS_TEXT)
        with db.engine.begin() as connection:
            after = stored_slug_lists(connection)
        db.engine.dispose()
    assert after == before == {"centre": ("|policing|",),
                               "researcher": ("|burglary|gun-violence|", "|rct|", "", "|free|"),
                               "problem": ("|burglary|", "|evaluate|analyse|", "")}


def test_slug_lists_become_json_and_back_on_sqlite(tmp_path):
    check_slug_list_conversion(f"sqlite:///{tmp_path / 'slugs.sqlite3'}")


@pytest.mark.postgres
@pytest.mark.skipif(not is_postgres(), reason="TEST_DATABASE_URL is not PostgreSQL")
def test_slug_lists_become_json_and_back_on_postgres():
    with fresh_postgres_database() as url:
        check_slug_list_conversion(url)
