"""The TIMEZONE setting: times shown and "today" judged in the programme's zone (here one where UTC's midnight
is still the previous evening)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from flask import render_template, render_template_string
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from matcher import create_app, local_time
from matcher.config import TestConfig
from matcher.models import AuditEvent, Partnership
from matcher.services import accounts, audit, partnerships
from matcher.services.audit_log import AuditFilter, events_query
from matcher.services.coordination import CoordinationError
from tests.factories import make_problem, make_researcher

# 03:00 UTC on 30 November is 19:00 on 29 November in Los Angeles.
LATE_EVENING_UTC = datetime(2026, 11, 30, 3, 0)


@pytest.fixture
def los_angeles(config_override, monkeypatch):
    """The programme runs on Pacific time, and the clock reads 29 November, 19:00 there (30 November in UTC)."""
    config_override(TIMEZONE="America/Los_Angeles")

    class Frozen(datetime):
        @classmethod
        def now(cls, tz=None):
            return LATE_EVENING_UTC.replace(tzinfo=UTC).astimezone(tz) if tz else LATE_EVENING_UTC

    monkeypatch.setattr(local_time, "datetime", Frozen)
    monkeypatch.setattr(partnerships, "utcnow", lambda: LATE_EVENING_UTC)


def test_an_unknown_time_zone_stops_the_start_with_a_clear_message():
    with pytest.raises(RuntimeError, match="TIMEZONE must be an IANA time zone name such as America/New_York"):
        create_app(type("BadZone", (TestConfig,), {"TIMEZONE": "Eastern Standard"}))


def test_the_default_zone_is_a_us_one():
    from matcher.config import Config

    assert Config.TIMEZONE == "America/New_York"


def test_times_are_shown_in_the_programmes_zone(app_ctx, los_angeles):
    with app_ctx.test_request_context():
        shown = render_template_string("{{ t|local }} · {{ t|local_iso }} · {{ t|age }} · {{ d|local('%d %b %Y') }}",
                                       t=LATE_EVENING_UTC, d=date(2026, 12, 1))
    assert shown == "29 Nov 2026 19:00 PST · 2026-11-29T19:00:00-08:00 · today · 01 Dec 2026"


def test_the_agency_status_page_and_an_email_show_the_local_day(client, db, los_angeles):
    problem = make_problem(title="Late submission", created_at=LATE_EVENING_UTC)
    db.session.add(problem)
    db.session.commit()
    page = client.get(f"/agencies/status/{problem.status_token}").data.decode()
    assert "29 November 2026, 19:00 PST" in page and "30 November" not in page
    with client.application.test_request_context():
        body = render_template("emails/agency_status_links.txt", statements=[(problem, "https://example/s")])
    assert "sent 29 November 2026" in body


def test_a_stage_date_is_today_in_the_programmes_zone_not_in_utc(db, los_angeles):
    coordinator = accounts.create_coordinator("tz@example.org", "a long enough password", name="Tess Zone")
    problem, researcher = make_problem(status="introduced"), make_researcher()
    db.session.add_all([problem, researcher])
    db.session.flush()
    partnership = Partnership(problem_id=problem.id, researcher_id=researcher.id, stage="introduced",
                              introduced_at=datetime(2026, 11, 27, 18, 0))
    db.session.add(partnership)
    db.session.commit()
    with pytest.raises(CoordinationError, match="cannot be in the future"):
        partnerships.record_stage(partnership, "first-meeting", coordinator, on=date(2026, 11, 30))
    partnerships.record_stage(partnership, "first-meeting", coordinator, on=date(2026, 11, 29))
    at = {event.stage: event.at for event in partnership.events}
    assert at["first-meeting"] == LATE_EVENING_UTC  # today, so now
    partnerships.record_stage(partnership, "agreement", coordinator, on=date(2026, 11, 28))
    at = {event.stage: event.at for event in partnership.events}
    assert at["agreement"] == datetime(2026, 11, 28, 20, 0)  # noon in Los Angeles


def test_a_grant_deadline_of_the_local_today_has_not_passed(app_ctx, db, los_angeles):
    from matcher.coordinators.forms import AnswersForm

    problem = make_problem(funding="none")
    db.session.add(problem)
    db.session.commit()
    for day, passed in (("2026-11-29", False), ("2026-11-28", True)):
        with app_ctx.test_request_context(method="POST"):
            form = AnswersForm(problem, formdata=MultiDict({"funding": "grant", "funding_deadline": day}))
            form.validate()
        refused = "This date has passed. Please give the grant's next deadline." in form.funding_deadline.errors
        assert refused is passed


def test_the_audit_filter_reads_days_in_the_programmes_zone(db, los_angeles):
    audit.record("system", "test.late", "problem", 1)
    db.session.commit()
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "test.late"))
    event.at = LATE_EVENING_UTC
    db.session.commit()
    on = lambda day: list(db.session.scalars(events_query(AuditFilter(date_from=day, date_to=day))))  # noqa: E731
    assert event in on(date(2026, 11, 29)) and event not in on(date(2026, 11, 30))


def test_a_stage_on_the_local_day_of_an_evening_introduction_is_not_before_it(db, los_angeles):
    coordinator = accounts.create_coordinator("tz@example.org", "a long enough password", name="Tess Zone")
    problem, researcher = make_problem(status="introduced"), make_researcher()
    db.session.add_all([problem, researcher])
    db.session.flush()
    # 04:00 UTC on 29 November is 20:00 on 28 November in Los Angeles: the introduction's day there is the 28th.
    partnership = Partnership(problem_id=problem.id, researcher_id=researcher.id, stage="introduced",
                              introduced_at=datetime(2026, 11, 29, 4, 0))
    db.session.add(partnership)
    db.session.commit()
    with pytest.raises(CoordinationError, match="before the introduction"):
        partnerships.record_stage(partnership, "first-meeting", coordinator, on=date(2026, 11, 27))
    partnerships.record_stage(partnership, "first-meeting", coordinator, on=date(2026, 11, 28))
    assert partnership.stage == "first-meeting"
