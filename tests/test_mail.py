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
