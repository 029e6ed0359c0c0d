"""The `flask` commands, one module per area."""

from flask import Flask


def register_cli(app: Flask) -> None:
    """Attach every command to the app."""
    from matcher.cli.accounts import create_coordinator_command
    from matcher.cli.mail import send_mail_command
    from matcher.cli.seed import seed_command

    for command in (seed_command, send_mail_command, create_coordinator_command):
        app.cli.add_command(command)
