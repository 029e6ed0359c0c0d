"""The outbox: line breaks in subjects, messages left 'sending' by a crash."""

from datetime import timedelta

from sqlalchemy import select

from matcher.mail import queue_email
from matcher.models import OutboxMessage
from matcher.models.types import utcnow


def test_line_breaks_in_a_subject_do_not_block_the_message(app, db, smtp_inbox):
    with app.test_request_context():
        message = queue_email("agency@example.gov", "Received:\r\nBcc: victim@example.org", "agency_problem_received",
                              problem=None, status_url="https://example.org/s/x")
    db.session.commit()  # queues its delivery, done at once in the tests' immediate mode
    assert message.status == "sent"
    received = smtp_inbox.last_to("agency@example.gov")
    assert received["Subject"] == "Received: Bcc: victim@example.org"
    assert received["Bcc"] is None


def test_a_message_left_sending_by_a_crash_is_sent_by_send_mail(db, runner, smtp_inbox):
    stuck = OutboxMessage(to="r@example.edu", subject="Hello", body="Body", status="sending",
                          claimed_at=utcnow() - timedelta(hours=1))
    fresh = OutboxMessage(to="s@example.edu", subject="Hello", body="Body", status="sending", claimed_at=utcnow())
    db.session.add_all([stuck, fresh])
    db.session.commit()
    result = runner.invoke(args=["send-mail"])
    assert "sent 1" in result.output
    assert [m["To"] for m in smtp_inbox.messages] == ["r@example.edu"]
    statuses = dict(db.session.execute(select(OutboxMessage.to, OutboxMessage.status)).all())
    assert statuses == {"r@example.edu": "sent", "s@example.edu": "sending"}


def test_a_failed_inner_unit_keeps_the_outer_units_mail_on_its_way(db, monkeypatch):
    """A savepoint rolled back inside a unit that goes on: the outer unit's message is still queued."""
    from matcher import task_queue
    from matcher.services.transactions import unit_of_work

    queued = []
    monkeypatch.setattr(task_queue, "enqueue_safely", lambda job, *args: queued.append(args))
    with unit_of_work():
        kept = queue_email("kept@example.org", "Kept", "agency_status_links", statements=[])
        try:
            with unit_of_work():
                queue_email("undone@example.org", "Undone", "agency_status_links", statements=[])
                db.session.flush()
                raise ValueError("the inner step fails")
        except ValueError:
            pass
    assert queued == [(kept.id,)]  # the kept one only: the undone one was never stored
