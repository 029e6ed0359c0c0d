"""`flask remind-stale`: ask researchers to reconfirm profiles not confirmed for a year."""

import click
from flask import current_app

from matcher.mail import deliver_pending
from matcher.services.researchers import send_stale_reminders


@click.command("remind-stale")
def remind_stale_command() -> None:
    """E-mail a reconfirmation link to each listed profile not confirmed within PROFILE_STALE_DAYS."""
    if not current_app.config.get("SITE_URL"):
        raise click.ClickException(
            "Set SITE_URL (e.g. https://partners.example.org) so the links in the reminders point at the site."
        )
    # Links are built with url_for, which needs a request: use one for the site's address.
    with current_app.test_request_context(base_url=current_app.config["SITE_URL"]):
        ids = send_stale_reminders()
    counts = deliver_pending(ids=ids) if ids else {"sent": 0, "logged": 0, "failed": 0}
    click.echo(f"{len(ids)} reminder(s) queued: sent {counts['sent']}, logged {counts['logged']}, "
               f"failed {counts['failed']}")
