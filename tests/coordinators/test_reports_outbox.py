"""Reports (figures, SVG charts, CSV exports) and the outbox (states, resending failures)."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from sqlalchemy import select

from matcher.extensions import db
from matcher.models import AuditEvent, OutboxMessage, Partnership, Suggestion
from matcher.models.types import utcnow
from tests.factories import make_problem


def test_dashboard_counts_median_and_acceptance(coord_client, small_world):
    problem = small_world["problem"]
    now = utcnow()
    problem.created_at = now - timedelta(days=10)
    later = make_problem(title="Second", created_at=now - timedelta(days=4), status="introduced", state="NY",
                         city="Albany", zip="12207", topics=["gun-violence"])
    db.session.add(later)
    db.session.flush()
    db.session.add_all([
        Partnership(problem_id=problem.id, researcher_id=small_world["ada"].id, introduced_at=now - timedelta(days=8)),
        Partnership(problem_id=later.id, researcher_id=small_world["bo"].id, introduced_at=now),
    ])
    for researcher, decision in ((small_world["ada"], "introduced"), (small_world["bo"], "rejected"),
                                 (small_world["ted"], "pending")):
        db.session.add(Suggestion(problem_id=problem.id, researcher_id=researcher.id, rank=1, score=.5,
                                  model_version="t", decision=decision))
    db.session.commit()

    page = coord_client.get("/coordinators/reports").data.decode()

    assert "<dd>3.0</dd>" in page  # median of 2 and 4 days
    assert "<dd>50%</dd>" in page  # 1 of 2 decided suggestions accepted
    assert "<svg" in page and 'class="chart-bar"' in page
    assert "Burglary: 1" in page and "Gun violence: 1" in page and "New York: 1" in page
    assert "style=" not in page and "<script" not in page


def test_csv_exports_download_and_defuse_formulas(coord_client, small_world):
    problem = small_world["problem"]
    problem.title = "=HYPERLINK(\"http://evil\")"
    db.session.commit()
    response = coord_client.get("/coordinators/reports/problems.csv")
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Problem", "Submitted", "Status"]
    assert rows[1][10].startswith("'=")
    for name in ("suggestions", "partnerships", "audit"):
        assert coord_client.get(f"/coordinators/reports/{name}.csv").status_code == 200
    audit_rows = list(csv.reader(io.StringIO(
        coord_client.get("/coordinators/reports/audit.csv").data.decode("utf-8-sig"))))
    assert any(row[3] == "coordinator.created" for row in audit_rows[1:])


def test_csv_exports_open_as_people_read_them(coord_client, small_world):
    """UTF-8 with a BOM (Excel reads accents), labels not codes, rounded scores, zoned times, names."""
    problem = small_world["problem"]
    problem.agency_name = "Policía de Bogotá"
    db.session.add(Suggestion(problem_id=problem.id, researcher_id=small_world["ada"].id, rank=1,
                              score=0.123456789, model_version="test"))
    db.session.commit()
    raw = coord_client.get("/coordinators/reports/problems.csv").data
    assert raw.startswith("\ufeff".encode())
    [header, row] = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))[:2]
    fields = dict(zip(header, row, strict=True))
    assert fields["Agency"] == "Policía de Bogotá" and fields["Status"] == "New"
    assert fields["Agency type"] == "Municipal police department" and "Burglary" in fields["Topics"]
    assert fields["Submitted"].endswith("+00:00")
    suggestions = list(csv.DictReader(io.StringIO(
        coord_client.get("/coordinators/reports/suggestions.csv").data.decode("utf-8-sig"))))
    assert suggestions[0]["Score"] == "0.123" and suggestions[0]["Decision"] != "pending"
    audit = list(csv.DictReader(io.StringIO(
        coord_client.get("/coordinators/reports/audit.csv").data.decode("utf-8-sig"))))
    assert any(row["Who"].startswith("Casey Coordinator") for row in audit)  # the export itself, by name


def test_outbox_shows_states_and_resends_failed_messages(coord_client, small_world, smtp_inbox):
    db.session.add_all([
        OutboxMessage(to="lost@example.org", subject="Introduction", body="Hello", status="failed",
                      last_error="Connection refused", attempts=1),
        OutboxMessage(to="fine@example.org", subject="Sent one", body="Hi", status="sent", attempts=1),
    ])
    db.session.commit()
    page = coord_client.get("/coordinators/outbox").data.decode()
    assert "Connection refused" in page and page.count("Resend</button>") == 1

    failed = db.session.scalar(select(OutboxMessage).where(OutboxMessage.status == "failed"))
    response = coord_client.post(f"/coordinators/outbox/{failed.id}/resend", follow_redirects=True)
    assert "The message was sent." in response.data.decode()
    assert smtp_inbox.last_to("lost@example.org")["Subject"] == "Introduction"
    db.session.expire_all()
    assert failed.status == "sent" and failed.attempts == 2
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "outbox.resent")) is not None

    again = coord_client.post(f"/coordinators/outbox/{failed.id}/resend", follow_redirects=True)
    assert "Only failed messages can be resent." in again.data.decode()
