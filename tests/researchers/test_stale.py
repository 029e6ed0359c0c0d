"""Yearly reconfirmation: stale profiles are marked and `flask remind-stale` e-mails them once."""

from __future__ import annotations

from datetime import timedelta

from matcher.cli.researchers import remind_stale_command
from matcher.models.types import utcnow
from tests.factories import make_researcher
from tests.researchers.helpers import link_in, outbox_to


def test_remind_stale_e_mails_stale_profiles_once_and_the_link_reconfirms(app, db, client, config_override):
    config_override(SITE_URL="https://partners.example.org")
    long_ago = utcnow() - timedelta(days=400)
    stale = make_researcher(email="stale@example.edu", confirmed_at=long_ago)
    fresh = make_researcher(email="fresh@example.edu")
    hidden = make_researcher(email="hidden@example.edu", confirmed_at=long_ago, hidden=True)
    unconfirmed = make_researcher(email="new@example.edu", confirmed_at=None)
    db.session.add_all([stale, fresh, hidden, unconfirmed])
    db.session.commit()

    html = client.get(f"/directory/researchers/{stale.id}").get_data(as_text=True)
    assert "Not reconfirmed this year" in html
    assert "Not reconfirmed this year" not in client.get(f"/directory/researchers/{fresh.id}").get_data(
        as_text=True)

    result = app.test_cli_runner().invoke(remind_stale_command)
    assert result.exit_code == 0 and "1 reminder(s) queued" in result.output
    [message] = outbox_to("stale@example.edu")
    assert "reconfirm" in message.body and "https://partners.example.org/researchers/confirm/" in message.body
    for address in ("fresh@example.edu", "hidden@example.edu", "new@example.edu"):
        assert outbox_to(address) == []

    again = app.test_cli_runner().invoke(remind_stale_command)
    assert "0 reminder(s) queued" in again.output

    assert client.get(link_in(message)).status_code == 302
    db.session.refresh(stale)
    assert stale.confirmed_at > long_ago + timedelta(days=399)
    assert "Not reconfirmed this year" not in client.get(f"/directory/researchers/{stale.id}").get_data(
        as_text=True)


def test_remind_stale_asks_for_site_url(app, db, config_override):
    config_override(SITE_URL="")
    result = app.test_cli_runner().invoke(remind_stale_command)
    assert result.exit_code != 0 and "Set SITE_URL" in result.output
