"""Faults: the database goes away during a submission, the mail server is down, two senders race."""

from __future__ import annotations

import threading
from contextlib import contextmanager

import pytest
from sqlalchemy import event, func, select

from matcher import create_app
from matcher.config import TestConfig
from matcher.extensions import db as _db
from matcher.mail import deliver_pending
from matcher.models import AuditEvent, OutboxMessage, Problem, Researcher
from tests.agencies.conftest import valid_form
from tests.fixtures.smtp import free_port
from tests.researchers.helpers import profile_data

pytestmark = pytest.mark.usefixtures("fresh_index")


def count(model) -> int:
    _db.session.remove()
    return _db.session.scalar(select(func.count()).select_from(model))


@contextmanager
def database_fails_on(statement_start: str):
    """Make the database connection fail on the first statement beginning with this text, as a server
    that goes away mid-request does."""
    engine = _db.engine
    dbapi_error = engine.dialect.loaded_dbapi.OperationalError

    def fail(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith(statement_start.upper()):
            raise dbapi_error("server closed the connection unexpectedly")

    event.listen(engine, "before_cursor_execute", fail)
    try:
        yield
    finally:
        event.remove(engine, "before_cursor_execute", fail)


def test_an_earlier_statement_survives_a_database_failure_during_the_next(client, db):
    assert client.post("/agencies/submit", data=valid_form(title="The first statement")).status_code == 303
    stored = {model: count(model) for model in (Problem, OutboxMessage, AuditEvent)}

    with database_fails_on("INSERT INTO problems"):
        response = client.post("/agencies/submit", data=valid_form(title="The second statement"))
    assert response.status_code == 503
    page = response.get_data(as_text=True)
    assert "Service unavailable" in page and "Nothing you had already saved was lost" in page
    assert "server closed" not in page  # no internals
    assert {model: count(model) for model in stored} == stored
    assert [p.title for p in db.session.scalars(select(Problem))] == ["The first statement"]

    # The database is back: the same statement goes through.
    assert client.post("/agencies/submit", data=valid_form(title="The second statement")).status_code == 303
    assert count(Problem) == 2


@pytest.mark.parametrize("failing", ["INSERT INTO outbox_messages", "INSERT INTO audit_events"])
def test_a_failure_late_in_the_submission_stores_none_of_it(client, db, failing):
    with database_fails_on(failing):
        response = client.post("/agencies/submit", data=valid_form())
    assert response.status_code == 503
    assert count(Problem) == count(OutboxMessage) == count(AuditEvent) == 0


def test_a_failure_late_in_a_registration_stores_none_of_it(client, db):
    with database_fails_on("INSERT INTO outbox_messages"):
        response = client.post("/researchers/register", data=profile_data())
    assert response.status_code == 503
    assert count(Researcher) == count(OutboxMessage) == 0


def test_an_unreachable_database_gives_the_friendly_page(tmp_path):
    dead = create_app(type("DeadDatabase", (TestConfig,), {
        "SQLALCHEMY_DATABASE_URI": f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/nothing",
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "connect_args": {"connect_timeout": 2}},
    }))
    client = dead.test_client()
    for method, path, data in (("GET", "/", None), ("GET", "/directory/", None),
                               ("POST", "/agencies/submit", valid_form()),
                               ("POST", "/researchers/register", profile_data())):
        response = client.open(path, method=method, data=data)
        assert response.status_code == 503, (method, path)
        assert "Service unavailable" in response.get_data(as_text=True)
    with dead.app_context():
        _db.engine.dispose()


# --- the mail server ----------------------------------------------------------------------------


def test_mail_waits_in_the_outbox_while_the_server_is_down_and_goes_once_later(
        client, db, runner, smtp_inbox, config_override):
    live_port = smtp_inbox and client.application.config["MAIL_PORT"]
    config_override(MAIL_PORT=free_port())  # nobody listens there: the server is down
    assert client.post("/agencies/submit", data=valid_form(email="chief@harborview.example.gov")).status_code == 303
    assert client.post("/researchers/register", data=profile_data(email="dana@example.edu")).status_code == 302
    messages = db.session.scalars(select(OutboxMessage)).all()
    assert len(messages) == 3  # agency confirmation, coordinators' notice, researcher confirmation
    assert {m.status for m in messages} == {"failed"}
    assert smtp_inbox.messages == []

    config_override(MAIL_PORT=live_port)  # the server is back
    result = runner.invoke(args=["send-mail"])
    assert result.exit_code == 0, result.output
    assert "sent 3" in result.output
    assert runner.invoke(args=["send-mail"]).output.startswith("sent 0")

    assert len(smtp_inbox.messages) == 3
    assert len(smtp_inbox.to("chief@harborview.example.gov")) == 1
    assert len(smtp_inbox.to("dana@example.edu")) == 1
    assert len(smtp_inbox.to("coordinators@example.org")) == 1
    assert "/agencies/status/" in smtp_inbox.last_to("chief@harborview.example.gov").get_content()
    _db.session.remove()
    assert {m.status for m in _db.session.scalars(select(OutboxMessage))} == {"sent"}


def test_two_senders_at_once_deliver_each_message_once(app, db, smtp_inbox):
    for n in range(12):
        db.session.add(OutboxMessage(to=f"person{n}@example.org", subject=f"Message {n}", body="Hello", kind="test"))
    db.session.commit()
    errors: list[Exception] = []

    def send():
        try:
            with app.app_context():
                deliver_pending(include_failed=True)
        except Exception as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=send) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sorted(m["To"] for m in smtp_inbox.messages) == sorted(f"person{n}@example.org" for n in range(12))
