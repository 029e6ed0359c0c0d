"""`flask send-mail`: deliver what waits in the outbox."""

import click

from matcher.mail import deliver_pending


@click.command("send-mail")
def send_mail_command() -> None:
    """Send pending and failed messages from the outbox, each once."""
    counts = deliver_pending(include_failed=True)
    click.echo(f"sent {counts['sent']}, logged {counts['logged']}, failed {counts['failed']}")
