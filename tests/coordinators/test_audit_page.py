"""The audit page: sign-ins, failures, sign-outs and exports are recorded; filters by person, record and date;
names instead of actor codes; newest first, in pages."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from sqlalchemy import select

from matcher.extensions import db
from matcher.models import AuditEvent
from matcher.services import accounts, audit
from tests.coordinators.conftest import sign_in


def rows(html: str) -> list[str]:
    """The text of each table row of the audit table body, tags removed."""
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in html else ""
    return [" ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)]


def add_event(actor: str, action: str, record_type: str, record_id: int | None, at: datetime) -> None:
    event = audit.record(actor, action, record_type, record_id)
    event.at = at
    db.session.commit()


def test_sign_ins_failures_sign_outs_and_exports_are_recorded_with_names(client, coordinator, app):
    assert sign_in(client, password="a wrong password!").status_code == 200
    assert sign_in(client).status_code == 302
    assert client.get("/coordinators/reports/problems.csv").status_code == 200
    client.post("/coordinators/sign-out")
    sign_in(client)

    events = list(db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)))
    failed = next(e for e in events if e.action == "coordinator.sign_in_failed")
    assert failed.details["email"] == "coord@example.org" and failed.record_id == coordinator.id
    assert all("a wrong password!" not in str(e.details) for e in events)
    export = next(e for e in events if e.action == "report.exported")
    assert export.details == {"report": "problems"} and export.actor == f"coordinator:{coordinator.id}"

    listed = rows(client.get("/coordinators/audit").get_data(as_text=True))
    assert "coordinator.signed_in" in listed[0] and "Casey Coordinator" in listed[0]
    assert "coordinator.signed_out" in listed[1]
    assert "report.exported" in listed[2] and "report: problems" in listed[2]
    assert "coordinator.sign_in_failed" in listed[4] and "Someone not signed in" in listed[4]
    assert not any("coordinator:" in row for row in listed)


def test_filters_by_person_record_and_dates(coord_client, coordinator, db):
    dana = accounts.create_coordinator("dana@example.org", "a long enough password", name="Dana Deputy")
    add_event(f"coordinator:{dana.id}", "problem.note_added", "problem", 12, datetime(2026, 3, 5, 10))
    add_event(f"coordinator:{coordinator.id}", "problem.status_changed", "problem", 12, datetime(2026, 3, 9, 23))
    add_event("agency", "problem.submitted", "problem", 13, datetime(2026, 3, 1, 8))
    add_event("researcher:4", "researcher.updated", "researcher", 4, datetime(2026, 3, 7, 12))

    def shown(**filters) -> list[str]:
        response = coord_client.get("/coordinators/audit", query_string=filters)
        assert response.status_code == 200
        return [row for row in rows(response.get_data(as_text=True)) if "Mar 2026" in row]

    by_dana = shown(person=f"coordinator:{dana.id}")
    assert len(by_dana) == 1 and "Dana Deputy" in by_dana[0] and "problem.note_added" in by_dana[0]
    problem_12 = shown(record_type="problem", record_id=12)
    assert [("status_changed" in r, "note_added" in r) for r in problem_12] == [(True, False), (False, True)]
    assert len(shown(person="agency")) == 1
    assert len(shown(person="researcher")) == 1
    in_range = shown(date_from="2026-03-05", date_to="2026-03-09")
    assert len(in_range) == 3 and not any("problem.submitted" in row for row in in_range)  # the 9th counts whole

    page = coord_client.get("/coordinators/audit", query_string={"date_from": "2026-03-09",
                                                                  "date_to": "2026-03-01"}).get_data(as_text=True)
    assert "The end date is before the start date." in page
    html = coord_client.get("/coordinators/audit").get_data(as_text=True)
    assert f'<option value="coordinator:{dana.id}">Dana Deputy</option>' in html


def test_the_log_is_paged_newest_first(coord_client, db):
    for hour in range(1, 61):
        add_event("agency", f"test.event_{hour:02d}", "problem", hour, datetime(2026, 1, 1) + timedelta(hours=hour))
    first = coord_client.get("/coordinators/audit", query_string={"person": "agency"}).get_data(as_text=True)
    assert "test.event_60" in rows(first)[0] and "Page 1 of 2" in first and len(rows(first)) == 50
    second = coord_client.get("/coordinators/audit", query_string={"person": "agency", "page": 2}).get_data(
        as_text=True)
    assert "test.event_01" in rows(second)[-1] and len(rows(second)) == 10
