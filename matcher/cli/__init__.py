"""The `flask` commands, one module per area."""

from flask import Flask


def register_cli(app: Flask) -> None:
    """Attach every command to the app."""
    from matcher.cli.accounts import (
        create_coordinator_command,
        deactivate_coordinator_command,
        invite_coordinator_command,
        list_coordinators_command,
        set_coordinator_password_command,
    )
    from matcher.cli.backup import export_command, import_command
    from matcher.cli.mail import send_mail_command
    from matcher.cli.ranking import evaluate_command, rank_command
    from matcher.cli.researchers import remind_stale_command
    from matcher.cli.seed import seed_command
    from matcher.cli.suggestions import compute_suggestions_command
    from matcher.cli.synthetic import synthesize_programme_command
    from matcher.cli.worker import worker_command

    for command in (
        seed_command,
        send_mail_command,
        create_coordinator_command,
        set_coordinator_password_command,
        deactivate_coordinator_command,
        list_coordinators_command,
        invite_coordinator_command,
        compute_suggestions_command,
        remind_stale_command,
        rank_command,
        evaluate_command,
        export_command,
        import_command,
        synthesize_programme_command,
        worker_command,
    ):
        app.cli.add_command(command)
